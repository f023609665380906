import assert from 'node:assert/strict';

/** What paging needs of the app: its inject (any Fastify instance, whatever its logger). */
type Injector = {
  inject(request: { url: string }): PromiseLike<{ statusCode: number; body: string; json<T>(): T }>;
};

/** A page of `GET /api/v1/clips`, as far as paging tests read it. */
export interface ClipPage {
  items: { id: string }[];
  total?: number;
  totalIsMore?: boolean;
  nextCursor?: string;
}

/** One page of the clip list for `query` (the address's parameters); fails on anything but 200. */
export async function clipPage(app: Injector, query: string): Promise<ClipPage> {
  const response = await app.inject({ url: `/api/v1/clips?${query}` });
  assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
  return response.json<ClipPage>();
}

/**
 * Every page of `query`, `limit` at a time, by the cursors the API gives: the ids in the order
 * listed, and the first page's count.
 */
export async function everyClipPage(
  app: Injector,
  query: string,
  limit: number,
): Promise<{ ids: string[]; total?: number | undefined; totalIsMore?: boolean | undefined }> {
  const ids: string[] = [];
  let page = await clipPage(app, `${query}&limit=${limit}`);
  const { total, totalIsMore } = page;
  for (;;) {
    ids.push(...page.items.map((c) => c.id));
    if (!page.nextCursor) return { ids, total, totalIsMore };
    page = await clipPage(app, `${query}&limit=${limit}&cursor=${page.nextCursor}`);
  }
}
