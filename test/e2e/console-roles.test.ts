import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { consoleRig } from '@earshot/test-kit/console-rig';

/**
 * Each role lands on a page it may open, and the navigation offers only those: a technician once
 * landed on the clip list, which refused them, with Clips and To review in the menu.
 */
it('the console: each role lands on its own home and sees only its pages', async (t) => {
  const rig = await consoleRig(t, { transcription: { enabled: false } });
  if (!rig) return;
  const passwords = { tanya: await rig.addUser('tanya', 'technician'), maria: await rig.addUser('maria', 'manager') };
  const signIn = async (name: keyof typeof passwords) => {
    const { page } = await rig.newPage();
    await rig.signIn(page, name, passwords[name]);
    return page;
  };
  const navigation = async (page: Page) => {
    const links = page.locator('nav [data-nav]');
    const names: (string | null)[] = [];
    for (let i = 0; i < (await links.count()); i++) names.push(await links.nth(i).getAttribute('data-nav'));
    return names;
  };

  await t.test('a technician lands on the fleet, with no clip pages offered', async () => {
    const page = await signIn('tanya');
    await rig.shows(page, /#\/devices$/);
    await page.locator('main[data-view=devices]').waitFor();
    assert.deepEqual(await navigation(page), ['devices']);
    // An old link to the clips takes them home rather than to a refusal.
    await rig.open(page, `#/clips`);
    await rig.shows(page, /#\/devices$/);
    assert.equal(await page.locator('[role=alert]').count(), 0);
    await page.locator('[data-action=logout]').click();
    await page.close();
  });

  await t.test('a manager lands on the clips, with every page offered', async () => {
    const page = await signIn('maria');
    await rig.shows(page, /#\/clips$/);
    await page.locator('main[data-view=clips]').waitFor();
    assert.deepEqual(await navigation(page), ['clips', 'review', 'dashboard', 'devices']);
    await page.close();
  });
});
