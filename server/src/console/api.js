// The one client of the server's API: same-origin, the session cookie travels by itself, and the
// CSRF token from sign-in goes with every request that changes something.

const CSRF_KEY = 'earshot.csrf';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Called with no arguments when the server says the session is gone (401). */
let onSignedOut = () => {};
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request(method, path, { query, body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const response = await fetch(`/api/v1${path}${queryString(query)}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && path !== '/auth/login') onSignedOut();
    throw new ApiError(response.status, data.error ?? `${method} ${path}: HTTP ${response.status}`);
  }
  return data;
}

export async function login(username, password) {
  const { user, csrfToken } = await request('POST', '/auth/login', { body: { username, password } });
  sessionStorage.setItem(CSRF_KEY, csrfToken);
  return user;
}

export async function logout() {
  try {
    await request('POST', '/auth/logout');
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
  }
}

/** Who is signed in; refreshes the CSRF token (after a reload only the cookie is left). */
export async function me() {
  const { user, csrfToken } = await request('GET', '/auth/me');
  if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken);
  return user;
}

export const listClips = (filter) => request('GET', '/clips', { query: filter });
export const getClip = (id) => request('GET', `/clips/${encodeURIComponent(id)}`);
/** The CSV export's address for a filter: a plain link, so the browser downloads it (audited). */
export const clipsExportUrl = (filter) => `/api/v1/clips/export.csv${queryString(filter)}`;
export const listClipNotes = (id) => request('GET', `/clips/${encodeURIComponent(id)}/notes`);
export const addClipNote = (id, body) => request('POST', `/clips/${encodeURIComponent(id)}/notes`, { body: { body } });
export const setFollowUp = (id, on) => request(on ? 'PUT' : 'DELETE', `/clips/${encodeURIComponent(id)}/follow-up`);
export const listStores = () => request('GET', '/stores');
export const listQuestions = () => request('GET', '/questions');
export const listDevices = () => request('GET', '/devices');
export const listFleet = () => request('GET', '/fleet');
export const getFleetDevice = (id) => request('GET', `/fleet/${encodeURIComponent(id)}`);
export const pushDeviceConfig = (id, settings) =>
  request('PUT', `/devices/${encodeURIComponent(id)}/config`, { body: settings });
export const testPress = (id, button) =>
  request('POST', `/devices/${encodeURIComponent(id)}/test-press`, { body: { button } });
export const getNps = (params) => request('GET', '/nps', { query: params });
export const getNpsByStore = (params) => request('GET', '/nps/stores', { query: params });
export const getNpsSeries = (params) => request('GET', '/nps/series', { query: params });
export const getVolume = (params) => request('GET', '/stats/volume', { query: params });
export const getCoverage = (params) => request('GET', '/stats/coverage', { query: params });
export const getTranscription = (params) => request('GET', '/stats/transcription', { query: params });
export const getScorecardSummary = (params) => request('GET', '/scorecards/summary', { query: params });
export const listChecklists = (questionId) => request('GET', '/checklists', { query: { questionId } });
export const listScorecards = (clipId) => request('GET', `/clips/${encodeURIComponent(clipId)}/scorecards`);
export const saveScorecard = (clipId, checklistId, scorecard) =>
  request('PUT', `/clips/${encodeURIComponent(clipId)}/scorecards/${encodeURIComponent(checklistId)}`, {
    body: scorecard,
  });

export const reviewQueue = (params) => request('GET', '/answers/review', { query: params });
export const answerSummary = (params) => request('GET', '/answers/summary', { query: params });
export const setAnswer = (clipId, body) => request('PUT', `/clips/${encodeURIComponent(clipId)}/answer`, { body });
export const revertAnswer = (clipId) => request('DELETE', `/clips/${encodeURIComponent(clipId)}/answer`);

// Administration (admins): stores, users, checklists, devices and their claim tokens.
export const putStore = (id, store) => request('PUT', `/stores/${encodeURIComponent(id)}`, { body: store });
export const listUsers = () => request('GET', '/users');
export const putUser = (username, user) => request('PUT', `/users/${encodeURIComponent(username)}`, { body: user });
export const disableUser = (username) => request('DELETE', `/users/${encodeURIComponent(username)}`);
export const enableUser = (username) => request('POST', `/users/${encodeURIComponent(username)}/enable`);
export const putChecklist = (id, checklist) =>
  request('PUT', `/checklists/${encodeURIComponent(id)}`, { body: checklist });
export const retireChecklist = (id) => request('DELETE', `/checklists/${encodeURIComponent(id)}`);
export const putDevice = (id, device) => request('PUT', `/devices/${encodeURIComponent(id)}`, { body: device });
export const createClaimToken = (id, options) =>
  request('POST', `/devices/${encodeURIComponent(id)}/claim-tokens`, { body: options });
