import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { CONSOLE_DIR, consoleRoutes } from '../../src/http/routes/console.js';
import { consoleVendorRoutes } from '../../src/http/routes/console-vendor.js';

async function consoleApp() {
  const app = Fastify();
  await app.register(consoleRoutes);
  await app.register(consoleVendorRoutes);
  return app;
}

async function consoleSources(): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(CONSOLE_DIR, { recursive: true });
  return Promise.all(
    entries
      .filter((name) => name.endsWith('.js'))
      .map(async (path) => ({ path, text: await readFile(new URL(path, CONSOLE_DIR), 'utf8') })),
  );
}

describe('the console files', () => {
  it('serves the page at /console/ with a same-origin-only content security policy', async () => {
    const app = await consoleApp();
    const redirect = await app.inject('/console');
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, '/console/');
    const page = await app.inject('/console/');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /<script type="module" src="app.js">/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const script = await app.inject('/console/views/player.js');
    assert.equal(script.statusCode, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await app.inject('/console/console.css')).headers['content-type'], 'text/css; charset=utf-8');
  });

  it('serves the page with a fresh style nonce, named in its policy and handed to the page', async () => {
    const app = await consoleApp();
    const nonces: string[] = [];
    for (const path of ['/console/', '/console/index.html']) {
      const page = await app.inject(path);
      const policy = String(page.headers['content-security-policy']);
      const nonce = /<meta name="style-nonce" content="([A-Za-z0-9+/=]{24})" \/>/.exec(page.body)?.[1];
      assert.ok(nonce, `${path} hands the page no nonce`);
      assert.match(policy, new RegExp(`(^|; )style-src 'self' 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'(;|$)`));
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|script-src/);
      assert.equal(page.headers['cache-control'], 'no-store');
      nonces.push(nonce);
    }
    assert.notEqual(nonces[0], nonces[1]);
    const script = await app.inject('/console/app.js');
    assert.doesNotMatch(String(script.headers['content-security-policy']), /nonce/);
  });

  it('answers 404 for anything outside the console folder or not one of its file types', async () => {
    const app = await consoleApp();
    for (const path of [
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/..%2fpackage.json',
      '/console/views/../../http/app.ts',
      '/console/App.js',
      '/console/missing.js',
      '/console/i18n',
    ]) {
      const response = await app.inject(path);
      assert.equal(response.statusCode, 404, `${path} answered ${response.statusCode}`);
    }
  });

  it('has every module the console imports, its libraries included', async () => {
    const app = await consoleApp();
    for (const { path, text } of await consoleSources()) {
      for (const [, target] of text.matchAll(/from '(\.[^']+)'/g)) {
        const url = new URL(target ?? '', new URL(path, CONSOLE_DIR));
        const vendor = /\/vendor\/([^/]+)$/.exec(url.pathname);
        if (vendor) {
          const response = await app.inject(`/console/vendor/${vendor[1]}`);
          assert.equal(response.statusCode, 200, `${path} imports the library ${target}, which is not served`);
          continue;
        }
        await assert.doesNotReject(readFile(url), `${path} imports ${target}, which does not exist`);
      }
    }
  });

  it('serves every library the page loads by name (flatpickr, uPlot CSS)', async () => {
    const app = await consoleApp();
    const html = await readFile(new URL('index.html', CONSOLE_DIR), 'utf8');
    const names = [...html.matchAll(/(?:src|href)="vendor\/([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.deepEqual(names.sort(), ['flatpickr-ru.js', 'flatpickr.css', 'flatpickr.js', 'uplot.css']);
    for (const name of names) {
      const response = await app.inject(`/console/vendor/${name}`);
      assert.equal(response.statusCode, 200, `index.html loads ${name}, which is not served`);
    }
  });

  it('serves the front-end libraries from node_modules, and nothing else from there', async () => {
    const app = await consoleApp();
    for (const name of ['wavesurfer.js', 'wavesurfer-regions.js', 'uplot.js', 'qrcode.js']) {
      const response = await app.inject(`/console/vendor/${name}`);
      assert.equal(response.statusCode, 200, name);
      assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
      assert.match(response.body, /\bexport\b/, `${name} is an ES module`);
    }
    assert.equal((await app.inject('/console/vendor/uplot.css')).headers['content-type'], 'text/css; charset=utf-8');
    for (const path of ['/console/vendor/fastify', '/console/vendor/..%2fpackage.json', '/console/vendor/']) {
      assert.equal((await app.inject(path)).statusCode, 404, path);
    }
  });

  it('has every text in both languages, and every key the views ask for', async () => {
    const en = (await import(new URL('i18n/en.js', CONSOLE_DIR).href)) as { default: Record<string, string> };
    const ru = (await import(new URL('i18n/ru.js', CONSOLE_DIR).href)) as { default: Record<string, string> };
    assert.deepEqual(Object.keys(ru.default).sort(), Object.keys(en.default).sort());
    for (const { path, text } of await consoleSources()) {
      for (const [, key] of text.matchAll(/\bt\('([^']+)'/g)) {
        assert.ok(key && key in en.default, `${path} asks for the text ${key}, which en.js lacks`);
      }
    }
  });
});
