/**
 * Who may do what. A permission names an action on a kind of thing; every route declares the one
 * it needs (or `public`), and a role is the set of permissions it grants. Store scope is separate:
 * a manager holds `clips:listen`, but only for the stores assigned to them.
 */
export const ROLES = ['admin', 'technician', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Clip metadata, transcripts and answers. */
  'clips:read',
  /** The audio itself: every use is audited. */
  'clips:listen',
  'clips:export',
  'clips:score',
  'clips:delete',
  /** Read the answers of stored transcripts again (after a reader or question settings changed). */
  'answers:reread',
  /** Aggregates: NPS, volumes. */
  'stats:read',
  'stores:read',
  'stores:manage',
  'devices:read',
  'devices:manage',
  /** Taking a device out of service for good: admins only. */
  'devices:decommission',
  /** Press a device's button remotely (records a clip in a store): admins only, audited. */
  'devices:test-press',
  /** Question catalogue and button maps. */
  'questions:manage',
  'imports:manage',
  'jobs:manage',
  'users:manage',
  'audit:read',
  /** Anyone signed in: their own profile and API tokens. */
  'self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A route anyone may call without signing in (health, metrics, login, the docs). */
export const PUBLIC = 'public';
export type RoutePermission = Permission | typeof PUBLIC;

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  // Technicians keep the hardware running: devices and stores, never the customers' voices.
  technician: ['stores:read', 'devices:read', 'devices:manage', 'self'],
  manager: [
    'clips:read',
    'clips:listen',
    'clips:export',
    'clips:score',
    'answers:reread',
    'stats:read',
    'stores:read',
    'devices:read',
    'self',
  ],
};

export function grants(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Admins and technicians see every store; managers only theirs. */
export function isStoreScoped(role: Role): boolean {
  return role === 'manager';
}
