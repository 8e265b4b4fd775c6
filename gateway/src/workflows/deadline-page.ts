// A page of the cases a flow keeps in deadline order (care requests, guarantee-letter requests): an index of
// `<prefix>|<due>|…` keys pointing at the cases, walked in key order and filtered while walking, so a registrar's
// queue shows the nearest deadline first and a page is the next `limit` matches.
import { CursorInvalidError, type CursorList } from '../node/cursors.js';
import type { GatewayNode } from '../node/index.js';
import { KEY_SEPARATOR, WORKFLOW_SUBLEVEL } from './flow-state.js';

/** The filters both queues take (their declared queries). */
export interface DeadlineQuery {
  state?: string;
  overdue?: string;
  counterparty?: string;
  limit?: number | string;
  cursor?: string;
}

/** What a case must say for the walk to filter it. */
interface QueuedCase {
  state: string;
  payer: string;
  clinic: string;
}

export async function deadlinePage<C extends QueuedCase>(
  node: GatewayNode,
  o: {
    /** The deadline index's key prefix. */
    prefix: string;
    /** The cursor's list name: a cursor of one list is refused by another. */
    list: CursorList;
    query: DeadlineQuery;
    isOverdue: (c: C, now: number) => boolean;
  },
): Promise<{ items: Array<C & { overdue: boolean }>; nextCursor?: string }> {
  const { query } = o;
  const gte = `${o.prefix}${KEY_SEPARATOR}`;
  const lt = `${o.prefix}${KEY_SEPARATOR}\uffff`;
  const after = query.cursor ? node.cursors.read(o.list, query.cursor) : undefined;
  if (after !== undefined && !(after > gte && after < lt))
    throw new CursorInvalidError('it pages another list');
  const limit = query.limit ? Number(query.limit) : 50;
  const states = query.state ? new Set(query.state.split(',')) : undefined;
  const now = Date.now();
  const items: Array<C & { overdue: boolean }> = [];
  let last: string | undefined;
  const range = after ? { gt: after, lt } : { gte, lt };
  for await (const [key, ref] of node.store.sublevel<string>(WORKFLOW_SUBLEVEL).iterator(range)) {
    const c = await node.store.get<C>(WORKFLOW_SUBLEVEL, ref);
    if (!c) continue;
    const overdue = o.isOverdue(c, now);
    if (states && !states.has(c.state)) continue;
    if (query.overdue === 'true' && !overdue) continue;
    const other = c.clinic === node.participantId ? c.payer : c.clinic;
    if (query.counterparty && query.counterparty !== other) continue;
    // One match beyond the page says there is a next page; the cursor is the last key served.
    if (items.length === limit) return { items, nextCursor: node.cursors.issue(o.list, last as string) };
    items.push({ ...c, overdue });
    last = key;
  }
  return { items };
}
