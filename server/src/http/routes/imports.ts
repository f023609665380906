import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { isValidId } from '@earshot/shared/protocol';
import type { ImportRuns } from '../../import/import-runs.js';
import { parsePressLog, type PressLog, PressLogError } from '../../import/press-log.js';
import { UnregisteredDeviceError } from '../../import/registered-device.js';
import { ErrorBody } from '../schemas.js';

export interface ImportsRoutesOptions {
  runs: ImportRuns;
  maxUploadBytes: number;
}

const Run = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  state: Type.String(),
  progress: Type.Object({
    phase: Type.String(),
    fraction: Type.Number(),
    clipsFiled: Type.Integer(),
    clipsTotal: Type.Integer(),
  }),
  result: Type.Optional(
    Type.Object({
      durationMs: Type.Number(),
      sampleRate: Type.Integer(),
      channels: Type.Integer(),
      clips: Type.Array(
        Type.Object({
          clipId: Type.String(),
          button: Type.Integer(),
          pressedAt: Type.String(),
          status: Type.String(),
          reason: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
  error: Type.Optional(Type.String()),
  startedAt: Type.String(),
});

/**
 * Batch import: POST a long recording (multipart: `deviceId`, `presses` as a file or a field, then
 * `recording`) and follow its progress at the URL answered.
 */
export const importsRoutes: FastifyPluginAsyncTypebox<ImportsRoutesOptions> = async (app, { runs, maxUploadBytes }) => {
  await app.register(multipart, { limits: { fileSize: maxUploadBytes, files: 2, fields: 10 } });

  app.post(
    '/api/v1/imports',
    {
      config: { permission: 'imports:manage' },
      schema: {
        tags: ['imports'],
        summary: 'Import a long recording with its press log (multipart/form-data)',
        consumes: ['multipart/form-data'],
        response: { 202: Run, 400: ErrorBody, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) return reply.code(400).send({ error: 'body: expected multipart/form-data' });
      const recordingPath = join(tmpdir(), `earshot-upload-${randomUUID()}`);
      let handedOver = false;
      let deviceId: string | undefined;
      let log: PressLog | undefined;
      let recording = false;
      // Every part is read to its end even after a problem, so that the client is not left
      // blocked sending a body nobody reads; the answer comes after.
      let problem: { status: 400 | 413; error: string } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file' && part.fieldname === 'recording') {
            await pipeline(part.file, createWriteStream(recordingPath));
            if (part.file.truncated)
              problem = { status: 413, error: `body/recording: larger than ${maxUploadBytes} bytes` };
            else recording = true;
          } else if (part.fieldname === 'presses') {
            const text = part.type === 'file' ? (await part.toBuffer()).toString('utf8') : String(part.value);
            try {
              log = parsePressLog(text);
            } catch (error) {
              if (!(error instanceof PressLogError)) throw error;
              problem ??= { status: 400, error: `body/presses: ${error.message}` };
            }
          } else if (part.type === 'field' && part.fieldname === 'deviceId') {
            deviceId = String(part.value);
          } else if (part.type === 'file') {
            part.file.resume();
          }
        }
        if (problem) return await reply.code(problem.status).send({ error: problem.error });
        if (!deviceId || !isValidId(deviceId)) {
          return await reply.code(400).send({ error: 'body/deviceId: required, a device id ([A-Za-z0-9_-], ≤ 64)' });
        }
        if (!log) return await reply.code(400).send({ error: 'body/presses: required (a JSON or CSV press log)' });
        if (!recording) return await reply.code(400).send({ error: 'body/recording: required (an audio file)' });
        try {
          await runs.checkDevice(deviceId);
        } catch (error) {
          if (!(error instanceof UnregisteredDeviceError)) throw error;
          return await reply.code(400).send({ error: `body/deviceId: ${error.message}` });
        }
        const run = runs.start(recordingPath, log, deviceId);
        handedOver = true;
        return await reply.code(202).header('location', `/api/v1/imports/${run.id}`).send(run);
      } finally {
        // The run took the recording over; anything else uploaded goes.
        if (!handedOver) await rm(recordingPath, { force: true });
      }
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { permission: 'imports:manage' },
      schema: {
        tags: ['imports'],
        summary: 'Progress and result of an import',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Run, 404: ErrorBody },
      },
    },
    async (request, reply) =>
      runs.get(request.params.id) ?? reply.code(404).send({ error: `no import ${request.params.id}` }),
  );
};
