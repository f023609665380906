import type { Logger } from '@earshot/shared/log';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { accessPlugin, SESSION_COOKIE } from '../access/access-plugin.js';
import { PUBLIC } from '../access/roles.js';
import { ApiTokens } from '../access/api-tokens.js';
import { Sessions } from '../access/sessions.js';
import { SignInLockout } from '../access/sign-in-lockout.js';
import { Users } from '../access/users.js';
import { LabelSync } from '../fleet/label-sync.js';
import { MapTakesEffect } from '../fleet/map-takes-effect.js';
import { AuditLog } from '../audit/audit-log.js';
import type { ServerConfig } from '../config/server-config.js';
import type { Database } from '../db/database.js';
import type { ClipDestroyer } from '../retention/clip-destroyer.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import type { BlobStore } from '../storage/blob-store.js';
import { VERSION } from '../version.js';
import { refuseUnknownParameters } from './plugins/unknown-parameters.js';
import { refuseNonFiniteNumbers } from './plugins/finite-numbers.js';
import { privateResponses } from './plugins/private-responses.js';
import { addTimeFormats } from './time-formats.js';
import { metricsRoutes, type ServerMetrics } from './plugins/metrics.js';
import { answerReviewRoutes } from './routes/answer-review.js';
import { answersRereadRoutes } from './routes/answers-reread.js';
import { answersRoutes } from './routes/answers.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { clipAudioRoutes } from './routes/clip-audio.js';
import { clipNotesRoutes } from './routes/clip-notes.js';
import { clipsRoutes } from './routes/clips.js';
import { consoleRoutes } from './routes/console.js';
import { describeSchemaErrors, type SchemaError } from './validation-messages.js';
import { consoleVendorRoutes } from './routes/console-vendor.js';
import { tokensRoutes } from './routes/tokens.js';
import { usersRoutes } from './routes/users.js';
import { healthRoutes } from './routes/health.js';
import { retentionRoutes } from './routes/retention.js';
import { checklistsRoutes } from './routes/checklists.js';
import { scorecardsRoutes } from './routes/scorecards.js';
import { statsRoutes } from './routes/stats.js';
import type { ButtonMap } from '../questions/button-map.js';
import type { JobQueue } from '../queue/job-queue.js';
import { buttonMapsRoutes } from './routes/button-maps.js';
import { devicesRoutes } from './routes/devices.js';
import { enrolmentRoutes, type EnrolmentRoutesOptions } from './routes/enrolment.js';
import { type FleetControl, fleetRoutes } from './routes/fleet.js';
import { npsRoutes } from './routes/nps.js';
import { questionsRoutes } from './routes/questions.js';
import { storesRoutes } from './routes/stores.js';
import { importsRoutes, type ImportsRoutesOptions } from './routes/imports.js';
import { transcriptionJobsRoutes } from './routes/transcription-jobs.js';
import { msFromHours } from '../config/server-units.js';

export interface AppOptions {
  db: Database;
  blobs: BlobStore;
  metrics: ServerMetrics;
  logger: Logger;
  brokerConnected: () => boolean;
  queue: JobQueue;
  buttonMap: ButtonMap;
  /** A transcription job was enqueued through the API. */
  onJobQueued: () => void;
  imports: ImportsRoutesOptions;
  access: ServerConfig['access'];
  /** trustProxy: whose X-Forwarded-For names the client (rate limits, lockouts, audit); metricsToken: guards /metrics. */
  http: Pick<ServerConfig['http'], 'trustProxy' | 'metricsToken'>;
  retention: RetentionPolicy;
  destroyer: ClipDestroyer;
  /** Claim tokens, enrolment, credential rotation and decommissioning. */
  enrolment: Omit<EnrolmentRoutesOptions, 'db' | 'buttonMap' | 'audit'>;
  /** Config push and test press; absent, those routes answer 503. */
  fleet?: FleetControl | undefined;
}

/** The HTTP API: each feature a plugin with its schemas beside it; OpenAPI at /docs. */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: options.http.trustProxy,
    // verbose: each error carries the failing schema and value, so that the message can say in
    // words what was expected (validation-messages.ts).
    ajv: { customOptions: { verbose: true }, onCreate: addTimeFormats },
    schemaErrorFormatter: (errors, part) => new Error(describeSchemaErrors(errors as SchemaError[], part)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every error leaves as {"error": "..."}: validation errors name the part and field
  // ("querystring/limit must be <= 500"), server faults say nothing internal.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal server error' : error.message });
  });
  app.addHook('preValidation', refuseUnknownParameters);
  app.addHook('preHandler', refuseNonFiniteNumbers);
  app.addHook('onSend', privateResponses);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  // /docs can authorise ("Try it out") with an API token or the console's session; public routes
  // (health, sign-in, metrics) say they need neither.
  app.addHook('onRoute', (route) => {
    if ((route.config as { permission?: string } | undefined)?.permission === PUBLIC && route.schema) {
      route.schema = { ...route.schema, security: [] };
    }
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Earshot API', version: VERSION, description: 'Clips of in-store feedback and what they say.' },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'an API token: `earshot-server tokens create NAME`, or POST /api/v1/tokens',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'the console session, set by POST /api/v1/auth/login',
          },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
      tags: [
        { name: 'clips', description: 'Recorded answers' },
        { name: 'access', description: 'Sign-in, users, API tokens, the audit log' },
        { name: 'scorecards', description: 'Checklists and managers’ scores of clips' },
        { name: 'stats', description: 'Volumes, coverage, transcription' },
        { name: 'privacy', description: 'Retention, legal holds, erasure, acts of destruction' },
        { name: 'operations', description: 'Health and metrics' },
        { name: 'stores', description: 'Locations, time zones, languages' },
        { name: 'devices', description: 'Which store a device stands in, fleet health, remote configuration' },
        { name: 'questions', description: 'The question catalogue' },
        { name: 'button maps', description: 'Which question each button asks, versioned' },
        { name: 'transcription', description: 'The transcription queue' },
        { name: 'nps', description: 'Net Promoter Score' },
        {
          name: 'answers',
          description: "Answers read from clips, a person's corrections, the review queue, re-reading",
        },
        { name: 'imports', description: 'Batch import of long recordings' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Every route registered from here on must declare its permission.
  const users = new Users(options.db);
  const tokens = new ApiTokens(options.db);
  const sessions = new Sessions(options.db, msFromHours(options.access.sessionHours));
  const audit = new AuditLog(options.db);
  const labels = options.fleet
    ? new LabelSync(options.db, options.buttonMap, options.fleet.configPush, app.log.child({ module: 'labels' }))
    : undefined;
  const mapsTakingEffect = labels
    ? new MapTakesEffect(options.db, labels, app.log.child({ module: 'labels' }))
    : undefined;
  await mapsTakingEffect?.start();
  app.addHook('onClose', async () => mapsTakingEffect?.close());
  await app.register(accessPlugin, { users, tokens, sessions });
  await app.register(authRoutes, {
    users,
    sessions,
    tokens,
    audit,
    secureCookies: options.access.secureCookies,
    loginAttemptsPerMinute: options.access.loginAttemptsPerMinute,
    lockout: new SignInLockout({
      failures: options.access.lockoutFailures,
      baseSeconds: options.access.lockoutSeconds,
      maxSeconds: options.access.lockoutMaxSeconds,
    }),
  });
  await app.register(usersRoutes, { users, audit });
  await app.register(tokensRoutes, { tokens, audit });
  await app.register(auditRoutes, { audit });
  await app.register(metricsRoutes, { metrics: options.metrics, token: options.http.metricsToken });
  await app.register(healthRoutes, { db: options.db, brokerConnected: options.brokerConnected });
  await app.register(clipsRoutes, { db: options.db, audit });
  await app.register(clipNotesRoutes, { db: options.db, audit });
  await app.register(clipAudioRoutes, { db: options.db, blobs: options.blobs, audit });
  await app.register(checklistsRoutes, { db: options.db, audit });
  await app.register(scorecardsRoutes, { db: options.db, audit });
  await app.register(answersRoutes, { db: options.db, audit });
  await app.register(answerReviewRoutes, { db: options.db });
  await app.register(answersRereadRoutes, { db: options.db, audit });
  await app.register(statsRoutes, { db: options.db });
  await app.register(retentionRoutes, {
    db: options.db,
    retention: options.retention,
    destroyer: options.destroyer,
    audit,
  });
  await app.register(storesRoutes, { db: options.db, labels });
  await app.register(devicesRoutes, { db: options.db, labels });
  await app.register(enrolmentRoutes, { ...options.enrolment, db: options.db, buttonMap: options.buttonMap, audit });
  await app.register(fleetRoutes, { db: options.db, audit, fleet: options.fleet, buttonMap: options.buttonMap });
  await app.register(questionsRoutes, { db: options.db, labels });
  await app.register(buttonMapsRoutes, {
    db: options.db,
    buttonMap: options.buttonMap,
    labels,
    mapsTakingEffect,
  });
  await app.register(transcriptionJobsRoutes, { db: options.db, queue: options.queue, onQueued: options.onJobQueued });
  await app.register(npsRoutes, { db: options.db });
  await app.register(importsRoutes, options.imports);
  await app.register(consoleRoutes);
  await app.register(consoleVendorRoutes);
  return app;
}
