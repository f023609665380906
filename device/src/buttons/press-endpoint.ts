import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@earshot/shared/log';
import { buttonProblem } from './button-number.js';
import { UnmappedButtonError } from './button-map.js';
import { buttonPage, type PageButton } from './button-page.js';
import type { PageLanguage } from './page-text.js';
import { refusal } from './request-guard.js';

export interface PressResult {
  clipId: string;
  startAt: string;
  endAt: string;
  truncated: boolean;
}

export interface CancelResult {
  cancelled: boolean;
  clipId?: string;
  reason?: string;
}

/** What the endpoint needs from the daemon. */
export interface PressTarget {
  readonly buttons: number;
  press(button: number, input: string): PressResult;
  /** The cancel gesture: voids the newest clip still recording or not yet delivered, if any. */
  cancelLast(input: string): CancelResult;
  status(): unknown;
}

const MAX_BODY = 1024;

/**
 * The device-local HTTP face: `POST /api/v1/press {"button": N}` is the virtual button (and what
 * the CLI and the on-screen page use); `POST /api/v1/cancel` voids the newest clip (staff pressed
 * the wrong button); `GET /api/v1/status` tells a technician what the daemon
 * sees. Bound to 127.0.0.1 by default: it is a button, not an API for the network.
 */
export class PressEndpoint {
  private readonly server: Server;
  private page: string;

  constructor(
    private readonly target: PressTarget,
    private readonly logger: Logger,
    pageButtons: PageButton[],
    /** Names besides IP addresses and `localhost` the page may be reached by (request-guard.ts). */
    private readonly allowedHosts: readonly string[] = [],
    private readonly language: PageLanguage = 'en',
  ) {
    this.page = buttonPage(pageButtons, language);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        this.logger.error({ err: error }, 'press endpoint failed');
        send(res, 500, { error: 'internal error' });
      });
    });
  }

  /**
   * New labels or a new button count (a remote configuration): the page shows them at its next
   * load. Which buttons may press is the target's to decide (the daemon's button map).
   */
  setButtons(pageButtons: PageButton[]): void {
    this.page = buttonPage(pageButtons, this.language);
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/api/v1/status' && req.method === 'GET') return send(res, 200, this.target.status());
    if (path === '/' && req.method === 'GET') return sendPage(res, this.page);
    if ((path === '/api/v1/cancel' || path === '/api/v1/press') && req.method === 'POST') {
      const refused = refusal(req, this.allowedHosts);
      if (refused !== undefined) return send(res, refused.status, { error: refused.error });
    }
    if (path === '/api/v1/cancel') {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      const result = this.target.cancelLast('http');
      return send(res, result.cancelled ? 200 : 409, result);
    }
    if (path !== '/api/v1/press') return send(res, 404, { error: `no route ${req.method} ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      return send(res, 400, { error: `body must be JSON like {"button": 1}: ${(error as Error).message}` });
    }
    const button = (body as { button?: unknown } | null)?.button;
    const problem = buttonProblem(button, this.target.buttons);
    if (problem !== undefined || typeof button !== 'number') return send(res, 400, { error: problem });
    try {
      return send(res, 202, this.target.press(button, 'http'));
    } catch (error) {
      // A button the map leaves out is a conflict with the device's settings, not an outage.
      return send(res, error instanceof UnmappedButtonError ? 409 : 503, { error: (error as Error).message });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendPage(res: ServerResponse, html: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
  });
  res.end(html);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY) throw new Error(`body larger than ${MAX_BODY} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}
