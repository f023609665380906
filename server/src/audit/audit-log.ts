import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';

/** What was done: `clip.listen`, `clip.export`, `user.login`, `token.create`, … */
export interface AuditEntry {
  action: string;
  subjectType?: string;
  subjectId?: string;
  storeId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEntry, 'details'>> {
  id: number;
  at: string;
  userId: string | null;
  username: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/**
 * Who did what to which clip, when and from where. Append-only: the table's triggers refuse
 * changes, and nothing here offers one. Recording is awaited before the answer goes out, so an
 * access that could not be recorded does not happen.
 */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records `entry` as done by the request's caller (or by `username` for a failed sign-in). */
  async record(request: FastifyRequest, entry: AuditEntry, username?: string): Promise<void> {
    const principal = request.principal;
    await this.db
      .insertInto('audit_events')
      .values({
        at: this.now().toISOString(),
        user_id: principal?.userId ?? null,
        username: principal?.username ?? username ?? null,
        action: entry.action,
        subject_type: entry.subjectType ?? null,
        subject_id: entry.subjectId ?? null,
        store_id: entry.storeId ?? null,
        ip: request.ip,
        user_agent: request.headers['user-agent']?.slice(0, 300) ?? null,
        details_json: JSON.stringify({
          ...entry.details,
          ...(principal?.tokenId ? { tokenId: principal.tokenId } : {}),
        }),
      })
      .execute();
  }

  /** Newest first; `before` is the id of the last event of the previous page. */
  async query(filter: {
    from?: string;
    to?: string;
    username?: string;
    action?: string;
    subjectId?: string;
    limit: number;
    before?: number;
  }): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    if (filter.username) query = query.where('username', '=', filter.username);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map((r) => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      username: r.username,
      action: r.action,
      subjectType: r.subject_type ?? '',
      subjectId: r.subject_id ?? '',
      storeId: r.store_id,
      ip: r.ip,
      userAgent: r.user_agent,
      details: JSON.parse(r.details_json) as Record<string, unknown>,
    }));
  }
}
