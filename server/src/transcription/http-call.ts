import { EngineError } from './transcript.js';

export interface HttpCall {
  /** For messages: "openai", "yandex". */
  engine: string;
  url: string;
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One HTTP request to an engine, its failures turned into readable EngineErrors: the status and
 * the start of the body, a timeout, a refused connection, and Retry-After for 429/503.
 */
export async function httpCall({ engine, url, init, timeoutMs, signal }: HttpCall): Promise<Response> {
  const what = `${engine}: ${init.method ?? 'GET'} ${new URL(url).pathname}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    if (timeout.aborted) throw new EngineError(`${what} timed out after ${timeoutMs} ms`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new EngineError(`${what} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (response.ok) return response;
  const body = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const retry = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
  throw new EngineError(`${what} answered HTTP ${response.status}${retry}${body ? `: ${body}` : ''}`, retryAfterMs);
}

/** Reads a body as JSON, or says that the engine sent something else. */
export async function jsonBody(engine: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EngineError(`${engine}: malformed response, not JSON: ${text.slice(0, 200)}`);
  }
}

/** Retry-After is delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
