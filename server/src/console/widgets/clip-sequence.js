// The list a clip was opened from, so that the player steps to the clip above or below it (J/K,
// the previous/next buttons) in the order the manager saw, and on past the rows loaded: with the
// list's filter and the cursor of its next page kept, "next" on the last loaded clip fetches that
// page, as "show more" would. Kept per tab: another tab may be looking at another list.
import { listClips } from '../api.js';

const KEY = 'earshot.clipSequence';

/**
 * Called by the list each time it shows more rows: the clip ids in the order shown, the filter
 * (with `sort` and `limit`) they were listed by, and the cursor of the next page (none: the end).
 */
export function rememberClipSequence(ids, filter = {}, cursor = undefined) {
  sessionStorage.setItem(KEY, JSON.stringify({ ids, filter, cursor }));
}

function remembered() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (Array.isArray(stored?.ids)) return stored;
  } catch {
    // a damaged entry means no list: the buttons stay off
  }
  return { ids: [], filter: {}, cursor: undefined };
}

/**
 * The clips before and after `id` in the remembered list; none when it was opened elsewhere.
 * `next` is a function when the next clip is on a page not loaded yet: it loads it first.
 */
export function clipNeighbours(id) {
  const { ids, filter, cursor } = remembered();
  const index = ids.indexOf(id);
  if (index < 0) return { previous: undefined, next: undefined };
  const next = ids[index + 1] ?? (cursor ? () => loadNextPage(ids, filter, cursor) : undefined);
  return { previous: ids[index - 1], next };
}

/** Fetches the page after the remembered rows, remembers it too, and gives its first clip's id. */
async function loadNextPage(ids, filter, cursor) {
  const page = await listClips({ ...filter, cursor });
  const more = page.items.map((clip) => clip.id).filter((id) => !ids.includes(id));
  rememberClipSequence([...ids, ...more], filter, page.nextCursor);
  return more[0];
}
