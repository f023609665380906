import { access, constants } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { type BrowserContext, chromium } from 'playwright-core';
import { requireService } from './services.js';

/** Debian's `chromium` package (scripts/setup installs it); browsers are never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Guards a browser test: without Chromium it fails under CI=true and is skipped elsewhere
 * (see requireService).
 */
export async function requireChromium(t: TestContext): Promise<boolean> {
  return requireService(t, 'Chromium', async () => {
    await access(CHROMIUM, constants.X_OK).catch(() => {
      throw new Error(`no executable ${CHROMIUM} (apt-get install chromium)`);
    });
  });
}

/**
 * Headless Chromium with a fresh profile in `userDataDir`, quiet: no first-run pages, no
 * background traffic to Google, no QUIC. Audio may play without a user gesture, since tests
 * press play from script as well as by clicking.
 */
export async function launchChromium(
  userDataDir: string,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
