import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Why a request that would press or cancel is refused. */
export interface Refusal {
  status: 403 | 415;
  error: string;
}

/**
 * Keeps the local press API from being triggered by other web sites a browser on the counter
 * visits. A cross-site form or `text/plain` post needs no CORS preflight, so only
 * `application/json` is accepted; a browser names the page that posted in `Origin`, which must
 * be this endpoint itself (the on-screen page) or absent (curl, the CLI). `Host` must be an IP
 * address, `localhost` or a configured name, so a hostile name re-pointed at 127.0.0.1 (DNS
 * rebinding) cannot pass as same-origin.
 */
export function refusal(req: IncomingMessage, allowedHosts: readonly string[]): Refusal | undefined {
  const host = req.headers.host;
  const hostname = host === undefined ? undefined : hostnameOf(host);
  if (hostname === undefined || !hostAllowed(hostname, allowedHosts)) {
    return { status: 403, error: `host ${JSON.stringify(host ?? '')} is not allowed (http.allowedHosts)` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== new URL(`http://${host}`).host) {
    return { status: 403, error: 'cross-site requests are refused' };
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, error: 'send JSON with content-type: application/json' };
  }
  return undefined;
}

function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  if (isIP(hostname) !== 0 || hostname === 'localhost') return true;
  return allowedHosts.some((name) => name.toLowerCase() === hostname);
}

/** `Host: [::1]:8081` -> `::1`; `Host: till.local:8081` -> `till.local`. */
function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' ? url.host : undefined;
  } catch {
    return undefined;
  }
}
