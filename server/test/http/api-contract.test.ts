import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiTest } from '../support/app-harness.js';

describe('the API contract', () => {
  it('a query parameter the route does not know is refused by name, not ignored', async (t) => {
    const rig = await apiTest(t, 'sqlite');
    if (!rig) return;
    try {
      const misspelt = await rig.app.inject({ method: 'GET', url: '/api/v1/clips?store=north' });
      assert.equal(misspelt.statusCode, 400);
      assert.match(
        misspelt.json<{ error: string }>().error,
        /^querystring: unknown parameter "store"; this route takes .*"storeId"/,
      );
      const stats = await rig.app.inject({
        method: 'GET',
        url: '/api/v1/stats/volume?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&shop=x',
      });
      assert.equal(stats.statusCode, 400);
      assert.match(stats.json<{ error: string }>().error, /unknown parameter "shop"/);
      assert.equal((await rig.app.inject({ method: 'GET', url: '/api/v1/clips?storeId=north' })).statusCode, 200);
    } finally {
      await rig.close();
    }
  });

  it('OpenAPI names how to authorise (token or session), and public routes need neither', async (t) => {
    const rig = await apiTest(t, 'sqlite');
    if (!rig) return;
    try {
      await rig.app.ready();
      const doc = rig.app.swagger() as {
        components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
        security: Record<string, string[]>[];
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      assert.equal(doc.components.securitySchemes['apiToken']?.scheme, 'bearer');
      assert.equal(doc.components.securitySchemes['session']?.in, 'cookie');
      assert.deepEqual(doc.security, [{ apiToken: [] }, { session: [] }]);
      assert.deepEqual(doc.paths['/healthz']?.['get']?.security, []);
      assert.deepEqual(doc.paths['/api/v1/auth/login']?.['post']?.security, []);
      assert.equal(doc.paths['/api/v1/clips']?.['get']?.security, undefined, 'protected routes use the default');
    } finally {
      await rig.close();
    }
  });
});
