import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { Id } from '@earshot/shared/protocol';
import { describeSchemaErrors, type SchemaError } from '../../src/http/validation-messages.js';
import { addTimeFormats } from '../../src/http/time-formats.js';

/** A route validated as the API's are, answering with the message its validation gave. */
async function validatingApp() {
  const app = Fastify({
    ajv: { customOptions: { verbose: true }, onCreate: addTimeFormats },
    schemaErrorFormatter: (errors, part) => new Error(describeSchemaErrors(errors as SchemaError[], part)),
  });
  app.setErrorHandler((error: { message: string }, _request, reply) => reply.code(400).send({ error: error.message }));
  app.post(
    '/things/:id',
    {
      schema: {
        params: Type.Object({ id: Id }),
        querystring: Type.Object({
          sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('oldest')])),
          from: Type.Optional(Type.String({ format: 'time-bound' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        body: Type.Object(
          { name: Type.String({ minLength: 1 }), password: Type.Optional(Type.String({ minLength: 12 })) },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ ok: true }),
  );
  return app;
}

async function refusal(url: string, body: unknown = { name: 'x' }): Promise<string> {
  const app = await validatingApp();
  const response = await app.inject({ method: 'POST', url, payload: body as object });
  assert.equal(response.statusCode, 400, response.body);
  return response.json<{ error: string }>().error;
}

describe('validation messages in words', () => {
  it('names the choices of a union instead of anyOf bookkeeping', async () => {
    assert.equal(
      await refusal('/things/a?sort=sideways'),
      'querystring/sort must be one of "newest", "oldest" (got "sideways")',
    );
  });

  it('describes a pattern by the schema’s description, never the regular expression', async () => {
    assert.equal(
      await refusal('/things/..x'),
      'params/id must be an id of up to 64 letters, digits, _ or -, starting with a letter or digit (got "..x")',
    );
  });

  it('says what a time bound may be, and what exactly is wrong with a near miss', async () => {
    assert.match(
      await refusal('/things/a?from=yesterday'),
      /^querystring\/from: not a date or time: give a date such as 2026-03-01/,
    );
    assert.match(await refusal('/things/a?from=2026-02-30'), /^querystring\/from: .*2026-02-30/);
  });

  it('words types, bounds, lengths and required fields', async () => {
    assert.equal(await refusal('/things/a?limit=abc'), 'querystring/limit must be a whole number (got "abc")');
    assert.equal(await refusal('/things/a?limit=900'), 'querystring/limit must be at most 500 (got 900)');
    assert.equal(await refusal('/things/a', {}), 'body/name is required');
    assert.equal(await refusal('/things/a', { name: '' }), 'body/name must not be empty');
  });

  it('never echoes a value from a body, which may be a password', async () => {
    const message = await refusal('/things/a', { name: 'x', password: 'hunter2' });
    assert.equal(message, 'body/password must be at least 12 characters long');
    assert.doesNotMatch(message, /hunter2/);
  });
});
