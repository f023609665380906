import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { launchChromium, requireChromium } from '@earshot/test-kit/browser';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const run = promisify(execFile);

/**
 * Each role lands on a page it may open, and the navigation offers only those: a technician once
 * landed on the clip list, which refused them, with Clips and To review in the menu.
 */
it('the console: each role lands on its own home and sees only its pages', async (t) => {
  if (!(await requireChromium(t))) return;
  const dir = await tempDir();
  const httpPort = await freePort();
  const api = `http://127.0.0.1:${httpPort}`;
  const config = join(dir.path, 'server.json');
  await writeFile(
    config,
    JSON.stringify({
      dataDir: join(dir.path, 'server'),
      http: { port: httpPort },
      mqtt: { port: 0, host: '127.0.0.1' },
      transcription: { enabled: false },
    }),
  );
  const addUser = async (name: string, role: string) =>
    (await run(process.execPath, [BIN.server, 'users', 'add', name, '--role', role, '--config', config])).stdout.trim();
  const passwords = { tanya: await addUser('tanya', 'technician'), maria: await addUser('maria', 'manager') };
  const server = startProcess(process.execPath, [BIN.server, '--config', config]);
  const context = await launchChromium(join(dir.path, 'chromium'));
  t.after(async () => {
    await context.close();
    await server.stop();
    await dir.remove();
  });
  await server.waitForLine(/earshot server started/);

  const signIn = async (name: keyof typeof passwords, address = `${api}/console/`) => {
    const page = await context.newPage();
    await page.goto(address);
    await page.locator('[data-language=en]').click();
    await page.fill('input[name=username]', name);
    await page.fill('input[name=password]', passwords[name]);
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-testid=who]').waitFor();
    return page;
  };
  const navigation = async (page: Awaited<ReturnType<typeof signIn>>) => {
    const links = page.locator('nav [data-nav]');
    const names: (string | null)[] = [];
    for (let i = 0; i < (await links.count()); i++) names.push(await links.nth(i).getAttribute('data-nav'));
    return names;
  };

  await t.test('a technician lands on the fleet, with no clip pages offered', async () => {
    const page = await signIn('tanya');
    await page.waitForURL(/#\/devices$/);
    await page.locator('main[data-view=devices]').waitFor();
    assert.deepEqual(await navigation(page), ['devices']);
    // An old link to the clips takes them home rather than to a refusal.
    await page.goto(`${api}/console/#/clips`);
    await page.waitForURL(/#\/devices$/);
    assert.equal(await page.locator('[role=alert]').count(), 0);
    await page.locator('[data-action=logout]').click();
    await page.close();
  });

  await t.test('a manager lands on the clips, with every page offered', async () => {
    const page = await signIn('maria');
    await page.waitForURL(/#\/clips$/);
    await page.locator('main[data-view=clips]').waitFor();
    assert.deepEqual(await navigation(page), ['clips', 'review', 'dashboard', 'devices']);
    await page.close();
  });
});
