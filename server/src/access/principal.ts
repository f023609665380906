import { isStoreScoped, type Role } from './roles.js';

/** Who is calling, once authenticated. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Stores a manager is assigned to; ignored for roles that are not store-scoped. */
  stores: readonly string[];
  via: 'token' | 'session';
  /** With a session: the value state-changing requests must echo in `x-csrf-token`. */
  csrfToken?: string;
  /** With a token: which one, for the audit log. */
  tokenId?: string;
}

/** The stores this principal may see: undefined means every store. */
export function storeScope(principal: Principal): readonly string[] | undefined {
  return isStoreScoped(principal.role) ? principal.stores : undefined;
}

/** Whether a thing belonging to `storeId` (null: not yet assigned to a store) is visible. */
export function canSeeStore(principal: Principal, storeId: string | null): boolean {
  const scope = storeScope(principal);
  return scope === undefined || (storeId !== null && scope.includes(storeId));
}
