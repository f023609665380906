import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, requireChromium } from './browser.js';
import { freePort } from './ports.js';
import { BIN, type RunningProcess, startProcess, waitFor } from './processes.js';
import { adminToken } from './server-cli.js';
import { tempDir } from './temp-dir.js';

const run = promisify(execFile);

/** The widths every console screen is checked at: a laptop, a tablet, a phone. */
export const SCREEN_SIZES = {
  laptop: { width: 1280, height: 800 },
  tablet: { width: 820, height: 1180 },
  phone: { width: 390, height: 844 },
} as const;

export interface ConsoleRig {
  /** http://127.0.0.1:<port> of the running earshot-server. */
  api: string;
  /** The port of its embedded MQTT broker, for devices to connect to. */
  mqttPort: number;
  dir: string;
  serverConfig: string;
  server: RunningProcess;
  /** An admin API token, for setting the scene through the API. */
  token: string;
  browser: BrowserContext;
  /** Calls the API as the admin; fails the test on any status but 2xx. */
  call: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  /** Adds a user with the CLI, as an operator does, and returns the generated password. */
  addUser(name: string, role: string, stores?: string): Promise<string>;
  /** A new page that records page errors in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  /** Signs `page` in at the console as `name`, in `language` (default English). */
  signIn(page: Page, name: string, password: string, language?: 'en' | 'ru'): Promise<void>;
  /** Writes screenshots of the page at every SCREEN_SIZES width, as <name>-<size>.png. */
  shoot(page: Page, name: string): Promise<void>;
  /**
   * Waits until a JavaScript expression holds in the page. Evaluated through the DevTools
   * protocol: waitForFunction would eval() inside the page, which the console's CSP forbids.
   */
  until(page: Page, expression: string): Promise<void>;
  /**
   * Waits until the address matches and the console shows that address's view. The address
   * changes first: until the console handles it, the form, rows and player on the page are the
   * previous view's (a test once filled the search box of the list it was leaving).
   */
  shows(page: Page, address: RegExp): Promise<void>;
  /** Opens a console address (`#/…`) and waits until the console shows its view. */
  open(page: Page, hash: string): Promise<void>;
}

/** Whether the console's view is the one made for the page's address (app.js, `data-address`). */
const VIEW_OF_ADDRESS = "document.querySelector('main')?.dataset.address === location.hash";

async function until(page: Page, expression: string): Promise<void> {
  await waitFor(expression, async () => ((await page.evaluate<boolean>(expression)) ? true : undefined));
}

/**
 * A real earshot-server with the embedded broker and SQLite in a temporary folder, and headless
 * Chromium, for browser tests of the console. Returns undefined when the test is skipped for
 * want of Chromium (never under CI=true). Everything is stopped after the test.
 */
export async function consoleRig(
  t: TestContext,
  serverSettings: object = {},
  /** Runs with the server's configuration written, before the server starts (CLI set-up). */
  beforeStart?: (serverConfig: string) => Promise<void>,
): Promise<ConsoleRig | undefined> {
  if (!(await requireChromium(t))) return undefined;
  const dir = await tempDir();
  const screenshots = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), 'earshot-console-screenshots');
  await mkdir(screenshots, { recursive: true });
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${httpPort}`;
  const serverConfig = join(dir.path, 'server.json');
  await writeFile(
    serverConfig,
    JSON.stringify({
      dataDir: join(dir.path, 'server'),
      http: { port: httpPort },
      mqtt: { port: mqttPort },
      transcription: { pollIntervalMs: 200 },
      ...serverSettings,
    }),
  );
  const token = await adminToken(serverConfig);
  await beforeStart?.(serverConfig);
  const server = startProcess(process.execPath, [BIN.server, '--config', serverConfig]);
  const browser = await launchChromium(join(dir.path, 'chromium'));
  t.after(async () => {
    await browser.close();
    await server.stop();
    await dir.remove();
  });
  await server.waitForLine(/earshot server started/);

  return {
    api,
    mqttPort,
    dir: dir.path,
    serverConfig,
    server,
    token,
    browser,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
    async addUser(name, role, stores) {
      const args = ['users', 'add', name, '--role', role, ...(stores ? ['--stores', stores] : [])];
      const { stdout } = await run(process.execPath, [BIN.server, ...args, '--config', serverConfig]);
      return stdout.trim();
    },
    async newPage() {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, errors };
    },
    async signIn(page, name, password, language = 'en') {
      await page.goto(`${api}/console/`);
      await page.locator(`[data-language=${language}]`).click();
      await page.fill('input[name=username]', name);
      await page.fill('input[name=password]', password);
      await page.locator('form.login button[type=submit]').click();
      await page.locator('[data-testid=who]').waitFor();
    },
    async shoot(page, name) {
      const original = page.viewportSize() ?? SCREEN_SIZES.laptop;
      for (const [size, viewport] of Object.entries(SCREEN_SIZES)) {
        await page.setViewportSize(viewport);
        // Two frames: a scrolling card laid out for the new width is painted before the shot,
        // else Chromium's full-page capture left its first rows blank at phone width.
        await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
        await page.screenshot({ path: join(screenshots, `${name}-${size}.png`), fullPage: true });
      }
      await page.setViewportSize(original);
    },
    until,
    async shows(page, address) {
      await page.waitForURL(address);
      await until(page, VIEW_OF_ADDRESS);
    },
    async open(page, hash) {
      await page.goto(`${api}/console/${hash}`);
      await until(page, VIEW_OF_ADDRESS);
    },
  };
}
