import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Id } from '@earshot/shared/protocol';
import { canSeeStore, type Principal, storeScope } from '../../access/principal.js';
import type { Database } from '../../db/database.js';
import { type LabelSync, labelScopeOf } from '../../fleet/label-sync.js';
import type { MapTakesEffect } from '../../fleet/map-takes-effect.js';
import type { ButtonMap, ButtonMapVersion, MapScope } from '../../questions/button-map.js';
import { DateTime, ErrorBody } from '../schemas.js';

const Buttons = Type.Record(
  Type.String({ pattern: '^[1-9][0-9]?$', description: 'a button number from 1 to 99' }),
  Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
    description: 'the question the button answers; null: none here, whatever a wider map (store, default) says',
  }),
);
const Version = Type.Object({
  id: Type.Integer(),
  scope: Type.String(),
  scopeId: Type.String(),
  effectiveFrom: DateTime,
  buttons: Buttons,
});
const Params = Type.Object({
  scope: Type.Union([Type.Literal('default'), Type.Literal('store'), Type.Literal('device')]),
  scopeId: Id,
});
const VersionInput = Type.Object(
  {
    buttons: Buttons,
    /** Default: now. A past time re-files nothing: clips keep the category resolved when they were stored. */
    effectiveFrom: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);

/**
 * Button maps, versioned: a new version takes effect from its time on; older clips keep theirs.
 * Scopes: `default/all`, `store/<storeId>`, `device/<deviceId>`.
 */
export const buttonMapsRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  buttonMap: ButtonMap;
  labels?: LabelSync | undefined;
  mapsTakingEffect?: MapTakesEffect | undefined;
}> = async (app, { db, buttonMap, labels, mapsTakingEffect }) => {
  const scopeIdOf = (scope: MapScope, scopeId: string) => (scope === 'default' ? '' : scopeId);

  app.get(
    '/api/v1/button-maps/:scope/:scopeId',
    {
      config: { permission: 'stores:read' },
      schema: {
        tags: ['button maps'],
        summary: 'Every version of a map, oldest first',
        params: Params,
        response: { 200: Type.Array(Version), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { scope, scopeId } = request.params;
      const hidden = await outOfScope(db, request.principal, scope, scopeId);
      if (hidden) return reply.code(404).send({ error: hidden });
      return (await buttonMap.versions(scope, scopeIdOf(scope, scopeId))).map(present);
    },
  );

  app.post(
    '/api/v1/button-maps/:scope/:scopeId',
    {
      config: { permission: 'questions:manage' },
      schema: {
        tags: ['button maps'],
        summary: 'Add a version of a map',
        params: Params,
        body: VersionInput,
        response: { 201: Version, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { scope, scopeId } = request.params;
      const { buttons, effectiveFrom } = request.body;
      if (scope === 'store') {
        const store = await db.selectFrom('stores').select('id').where('id', '=', scopeId).executeTakeFirst();
        if (!store) return reply.code(400).send({ error: `params/scopeId: no store ${scopeId}` });
      }
      const ids = [...new Set(Object.values(buttons).filter((q): q is string => q !== null))];
      const known = ids.length
        ? new Set((await db.selectFrom('questions').select('id').where('id', 'in', ids).execute()).map((q) => q.id))
        : new Set<string>();
      const unknown = Object.entries(buttons).find(([, q]) => q !== null && !known.has(q));
      if (unknown) return reply.code(400).send({ error: `body/buttons/${unknown[0]}: no question ${unknown[1]}` });
      const version = await buttonMap.addVersion(
        scope,
        scopeIdOf(scope, scopeId),
        buttons,
        effectiveFrom ? new Date(effectiveFrom) : undefined,
      );
      // A version in force now reaches the devices it maps at once; a later one when it takes effect.
      if (Date.parse(version.effectiveFrom) > Date.now()) await mapsTakingEffect?.arm();
      else await labels?.sync(labelScopeOf(scope, scopeId), request.principal?.username ?? null);
      return reply.code(201).send(present(version));
    },
  );
};

/**
 * Why a store-scoped principal may not see this map ("no store …", as for anything outside their
 * stores), or undefined. A device's map belongs to the store the device stands in; the default
 * map is everyone's.
 */
async function outOfScope(
  db: Database,
  principal: Principal | null,
  scope: MapScope,
  scopeId: string,
): Promise<string | undefined> {
  if (scope === 'default' || !principal || storeScope(principal) === undefined) return undefined;
  if (scope === 'store') return canSeeStore(principal, scopeId) ? undefined : `no store ${scopeId}`;
  const device = await db.selectFrom('devices').select('store_id').where('id', '=', scopeId).executeTakeFirst();
  return device && canSeeStore(principal, device.store_id) ? undefined : `no device ${scopeId}`;
}

function present(version: ButtonMapVersion) {
  return { ...version, scopeId: version.scope === 'default' ? 'all' : version.scopeId };
}
