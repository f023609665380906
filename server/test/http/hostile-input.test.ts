import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { wavClip } from '../support/ingest-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';

/**
 * Valid-looking but impossible values, sent to every route of the OpenAPI document: each must be
 * refused with a 4xx that says what was wrong, never a 500 (issue #14, item 8).
 */
const HOSTILE_VALUES = [
  '2026-06-30T23:59:60Z',
  '2026-13-45T10:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T10:00:00+99:99',
  '2026-13-45T10:00',
  '2026-01-01T24:00',
  'Infinity',
  '1e309',
  '-1e309',
  '1e300',
  // Not of any accepted form: a choice, a pattern or a format must refuse it in words.
  '..sideways',
];

/** Ajv's own wording, which says nothing to a person: a message in words never holds it. */
const VALIDATOR_JARGON = /must match pattern|must be equal to constant|anyOf|must NOT have|must match format|\^\[|\$"/;

/** The values above that are times: a parameter of a time format must refuse each with a 4xx. */
const IMPOSSIBLE_TIMES = HOSTILE_VALUES.filter((v) => v.startsWith('2026-'));
const TIME_FORMATS = new Set(['date-time', 'time-bound']);

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: { format?: string };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { format?: string }> } }> };
}

/** The value as a JSON string, and bare when it is a number literal (1e309 parses to Infinity). */
function bodyText(target: { where: string; name: string }, value: string): string {
  if (target.where !== 'body') return '{}';
  const literal = /^-?\d/.test(value) && !Number.isNaN(Number(value)) ? value : JSON.stringify(value);
  return `{${JSON.stringify(target.name)}: ${literal}}`;
}

for (const kind of DATABASE_KINDS) {
  describe(`hostile input on ${kind}`, () => {
    it('no route of the OpenAPI document answers 500 to impossible times or numbers, and each 400 says in words what was expected', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const { app } = api;
        await app.ready();
        const doc = app.swagger() as { paths: Record<string, Record<string, Operation>> };
        const failures: string[] = [];
        let sent = 0;
        let timeTargets = 0;
        for (const [path, operations] of Object.entries(doc.paths)) {
          for (const [method, operation] of Object.entries(operations)) {
            const parameters = operation.parameters ?? [];
            const bodyProperties = operation.requestBody?.content?.['application/json']?.schema?.properties ?? {};
            const bodyFields = Object.keys(bodyProperties);
            const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? '1' : 'x'));
            const targets = [
              ...parameters
                .filter((p) => p.in === 'query' || p.in === 'path')
                .map((p) => ({ where: p.in, name: p.name, format: p.schema?.format })),
              ...bodyFields.map((name) => ({ where: 'body', name, format: bodyProperties[name]?.format })),
            ];
            for (const target of targets) {
              for (const value of HOSTILE_VALUES) {
                const target_url =
                  target.where === 'path'
                    ? path.replace(/\{(\w+)\}/g, (_, name: string) =>
                        name === target.name ? encodeURIComponent(value) : name === 'id' ? '1' : 'x',
                      )
                    : url;
                const query = target.where === 'query' ? `?${target.name}=${encodeURIComponent(value)}` : '';
                const response = await app.inject({
                  method: method.toUpperCase() as 'GET',
                  url: `${target_url}${query}`,
                  ...(target.where === 'body' || (bodyFields.length > 0 && method !== 'get')
                    ? { headers: { 'content-type': 'application/json' }, payload: bodyText(target, value) }
                    : {}),
                });
                sent += 1;
                const isTime = TIME_FORMATS.has(target.format ?? '');
                if (isTime) timeTargets += 1;
                if (isTime && IMPOSSIBLE_TIMES.includes(value) && response.statusCode < 400) {
                  failures.push(`${method.toUpperCase()} ${path} ${target.where}/${target.name}=${value}: accepted`);
                }
                if (response.statusCode === 400 && VALIDATOR_JARGON.test(response.body)) {
                  failures.push(
                    `${method.toUpperCase()} ${path} ${target.where}/${target.name}=${value}: ${response.body}`,
                  );
                }
                if (response.statusCode >= 500 && response.statusCode !== 503) {
                  failures.push(
                    `${method.toUpperCase()} ${path} ${target.where}/${target.name}=${value}: ${response.statusCode}`,
                  );
                }
              }
            }
          }
        }
        assert.ok(sent > 100, `only ${sent} requests were sent: the OpenAPI document was not walked`);
        assert.ok(timeTargets > 0, 'no parameter of a time format was found in the OpenAPI document');
        assert.deepEqual(failures, []);
      } finally {
        await api.close();
      }
    });

    it('answers 416 with the size to ranges past the end of a clip', async (t) => {
      const api = await apiTest(t, kind);
      if (!api) return;
      try {
        const clip = wavClip(indexSignal(1600), 1, new Date('2026-03-01T10:00:00Z'));
        assert.equal((await submitClip(api.ingest, 'pi-range', clip.meta, clip.audio)).status, 'complete');
        const url = `/api/v1/clips/${clip.meta.clipId}/audio`;
        const size = (await api.app.inject({ url })).rawPayload.length;
        assert.ok(size > 0);
        for (const range of [
          `bytes=${size}-`,
          `bytes=${size + 10}-${size + 20}`,
          'bytes=-0',
          `bytes=${'9'.repeat(30)}-`,
        ]) {
          const response: LightMyRequestResponse = await api.app.inject({ url, headers: { range } });
          assert.equal(response.statusCode, 416, `${range}: ${response.body}`);
          assert.equal(response.headers['content-range'], `bytes */${size}`);
          assert.match(response.json<{ error: string }>().error, new RegExp(`${size} bytes`));
        }
        const tail = await api.app.inject({ url, headers: { range: `bytes=${size - 1}-` } });
        assert.equal(tail.statusCode, 206);
        assert.equal(tail.rawPayload.length, 1);
      } finally {
        await api.close();
      }
    });
  });
}
