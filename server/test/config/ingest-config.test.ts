import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError } from '@earshot/shared/config';
import { loadServerConfig } from '../../src/config/server-config.js';

it('ingest.maxFinsInProgress defaults to 8, is set from the environment and refuses 0', () => {
  assert.equal(loadServerConfig({ env: {} }).ingest.maxFinsInProgress, 8);
  assert.equal(loadServerConfig({ env: { EARSHOT_INGEST__MAX_FINS_IN_PROGRESS: '3' } }).ingest.maxFinsInProgress, 3);
  assert.throws(
    () => loadServerConfig({ env: { EARSHOT_INGEST__MAX_FINS_IN_PROGRESS: '0' } }),
    (error: unknown) =>
      error instanceof ConfigError && error.problems.some((p) => p.includes('/ingest/maxFinsInProgress')),
  );
});
