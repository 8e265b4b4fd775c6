// The figures a dashboard shows, kept up to date as documents are stored: the module follows the node's durable
// notifications (from a cursor kept beside what it writes, like the roster's follower) and folds each document that
// moved into small sums per month in the store, so a dashboard reads a few hundred cells, never the documents. Only
// this node's own records and documents are read: an insurer's figures are its own invoices received, acts and
// payments sent; nothing of other participants' is asked for (decision record 0060).
import { messageIdOf } from '@dmsnet/formats';
import type { GatewayNode, InboxRecord, Notification, OutboxRecord } from '../node/index.js';
import { Sublevel } from '../node/layout.js';
import type { BatchOp } from '../store/store.js';
import { ANSWER_TYPES, contributionOf, type FactInput } from './facts.js';
import { applyDelta, delta, type CellKey, type Contribution } from './fold.js';
import { dashboardOf, type Dashboard, type FiguresQuery } from './dashboard.js';

/** The figures' own sublevel of the node's store. */
export const FIGURES_SUBLEVEL = 'figures';
/** Bumped when the cells change meaning: a node finding another version refolds everything from its notifications. */
export const FIGURES_VERSION = 1;

const CELL = 'a\u0000';
const CONTRIBUTION = 'c\u0000';
const ANSWERED = 'm\u0000ans\u0000';
const SUPERSEDED = 'm\u0000sup\u0000';
const ACCEPTED_AT = 'm\u0000acc\u0000';
const CURSOR = 'cursor';
const VERSION = 'version';
/** Notifications folded per store batch. */
const BATCH = 200;

type Rec = (OutboxRecord | InboxRecord) & { summary?: { date?: string } };

/**
 * Reads through the writes of the batch being folded: a document folded twice in one batch, or a cell two documents
 * touch, sees the earlier write before it reaches the store.
 */
class Overlay {
  readonly pending = new Map<string, unknown>();
  /** What was read from the store in this batch, misses too, by `<sublevel>\0<key>`. */
  private readonly seen = new Map<string, unknown>();
  constructor(private readonly node: GatewayNode) {}
  async get<V>(key: string): Promise<V | undefined> {
    if (this.pending.has(key)) return (this.pending.get(key) ?? undefined) as V | undefined;
    return this.read<V>(FIGURES_SUBLEVEL, key);
  }
  /** A store read, once per batch: a cell or a record many documents touch is opened once. */
  async read<V>(sublevel: string, key: string): Promise<V | undefined> {
    const k = `${sublevel}\u0000${key}`;
    if (!this.seen.has(k)) this.seen.set(k, await this.node.store.get<V>(sublevel, key));
    return this.seen.get(k) as V | undefined;
  }
  /** Reads many keys in one call (LevelDB's getMany) before the batch needs them one by one. */
  async prefetch(sublevel: string, keys: string[]): Promise<void> {
    const fresh = [...new Set(keys)].filter((key) => !this.seen.has(`${sublevel}\u0000${key}`));
    const values = await this.node.store.getMany(sublevel, fresh);
    fresh.forEach((key, i) => this.seen.set(`${sublevel}\u0000${key}`, values[i]));
  }
  put(key: string, value: unknown): void {
    this.pending.set(key, value);
  }
  del(key: string): void {
    this.pending.set(key, null);
  }
  ops(): BatchOp[] {
    return [...this.pending].map(([key, value]) =>
      value === null
        ? { type: 'del', sublevel: FIGURES_SUBLEVEL, key }
        : { type: 'put', sublevel: FIGURES_SUBLEVEL, key, value },
    );
  }
}

export class Figures {
  private cursor = 0;
  /** The fold running now, or the last one; a pass asked for and not started yet. */
  private tail: Promise<void> = Promise.resolve();
  private waiting?: Promise<void>;
  private unsubscribe?: () => void;
  /** Told after each batch while someone waits with a progress line (a rebuild, the bench). */
  private onBatch?: () => void;

  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
  ) {}

  /** Starts following; a store without figures of this version (an older node, a restored copy) is folded anew. */
  async start(): Promise<void> {
    await this.serial(async () => {
      const version = await this.node.store.get<number>(FIGURES_SUBLEVEL, VERSION);
      if (version !== FIGURES_VERSION) await this.clear();
      this.cursor = (await this.node.store.get<number>(FIGURES_SUBLEVEL, CURSOR)) ?? 0;
    });
    this.unsubscribe ??= this.node.notifications.subscribe(() => void this.pump().catch(() => undefined));
    await this.pump();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Throws every cell away and folds the node's whole notification log again: the figures from scratch. */
  async rebuild(): Promise<void> {
    await this.serial(async () => {
      await this.clear();
      this.cursor = 0;
      await this.drain();
    });
  }

  /** Until every notification numbered so far is folded: a dashboard answers with what the node has stored. */
  async catchUp(progress?: (folded: number, of: number) => void): Promise<void> {
    const target = this.node.notifications.lastSeq();
    this.onBatch = progress ? () => progress(this.cursor, target) : undefined;
    try {
      while (this.cursor < target) await this.pump();
    } finally {
      this.onBatch = undefined;
    }
  }

  async dashboard(q: FiguresQuery): Promise<Dashboard> {
    await this.catchUp();
    const range = dashboardRange(q);
    const cells: Array<[CellKey, number[]]> = [];
    for await (const [k, v] of this.node.store
      .sublevel<number[]>(FIGURES_SUBLEVEL)
      .iterator({ gte: CELL + range.from, lt: `${CELL}${range.to}\u0001` }))
      cells.push([k.slice(CELL.length), v]);
    return dashboardOf(cells, range, this.options.role);
  }

  /** Every cell, for the tests that hold the incremental fold to a rebuild. */
  async cells(): Promise<Record<CellKey, number[]>> {
    await this.catchUp();
    const out: Record<CellKey, number[]> = {};
    for await (const [k, v] of this.node.store
      .sublevel<number[]>(FIGURES_SUBLEVEL)
      .iterator({ gte: CELL, lt: 'a\u0001' }))
      out[k.slice(CELL.length)] = v;
    return out;
  }

  private async clear(): Promise<void> {
    const ops: BatchOp[] = [];
    for await (const key of this.node.store.sublevel(FIGURES_SUBLEVEL).keys()) {
      ops.push({ type: 'del', sublevel: FIGURES_SUBLEVEL, key });
      if (ops.length >= 5000) await this.node.store.batch(ops.splice(0));
    }
    ops.push({ type: 'put', sublevel: FIGURES_SUBLEVEL, key: VERSION, value: FIGURES_VERSION });
    await this.node.store.batch(ops);
  }

  /**
   * Folds what is new, after whatever fold or rebuild runs now: one at a time, and a burst of notifications while one
   * runs asks for one more pass, not one each.
   */
  private pump(): Promise<void> {
    this.waiting ??= this.serial(async () => {
      this.waiting = undefined;
      await this.drain();
    });
    return this.waiting;
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.node.notifications.list(this.cursor, BATCH);
      if (!batch.length) break;
      const o = new Overlay(this.node);
      const ids = batch.map((n) => n.messageId);
      await Promise.all([
        o.prefetch(Sublevel.outbox, ids),
        o.prefetch(Sublevel.inbox, ids),
        o.prefetch(Sublevel.outboxDoc, ids),
        o.prefetch(Sublevel.inboxDoc, ids),
        o.prefetch(
          FIGURES_SUBLEVEL,
          ids.flatMap((id) => [CONTRIBUTION + id, SUPERSEDED + id, ANSWERED + id, ACCEPTED_AT + id]),
        ),
      ]);
      for (const n of batch) await this.onNotification(o, n);
      const last = batch[batch.length - 1]!.seq;
      await this.node.store.batch([
        ...o.ops(),
        { type: 'put', sublevel: FIGURES_SUBLEVEL, key: CURSOR, value: last },
      ]);
      this.cursor = last;
      this.onBatch?.();
    }
  }

  private async onNotification(o: Overlay, n: Notification): Promise<void> {
    if (n.kind === 'status.changed' && n.status === 'ACCEPTED' && n.sender === this.node.participantId)
      if ((await o.get(ACCEPTED_AT + n.messageId)) === undefined) o.put(ACCEPTED_AT + n.messageId, n.at);
    // payment.changed names the invoice; the notices themselves fold as they are stored and move.
    await this.refold(o, n.messageId);
  }

  /** Folds one document again from what the store holds of it now, and what its answers and corrections changed. */
  private async refold(o: Overlay, id: string, depth = 0): Promise<void> {
    const found = await this.recordOf(id, o);
    if (!found) return;
    const { rec, direction } = found;
    if (rec.purgedAt) return; // purged past its retention: it keeps the contribution it had
    const doc = await o.read<{
      header?: Record<string, unknown>;
      body?: Record<string, unknown>;
    }>(direction === 'out' ? Sublevel.outboxDoc : Sublevel.inboxDoc, id);
    const counterparty = direction === 'out' ? (rec as OutboxRecord).addressee : (rec as InboxRecord).sender;
    const at = direction === 'out' ? (rec as OutboxRecord).createdAt : (rec as InboxRecord).receivedAt;
    const f: FactInput = {
      direction,
      type: rec.documentType,
      status: rec.status,
      counterparty,
      at,
      body: doc?.body,
      superseded: (await o.get(SUPERSEDED + id)) !== undefined,
    };
    if (f.type === 'expertise-act' || f.type === 'payment-notice') {
      const invoiceId = typeof doc?.body?.invoiceId === 'string' ? doc.body.invoiceId : undefined;
      // The invoice is the clinic's: at a clinic its own, at a payer the act's or notice's addressee's.
      const clinic = this.options.role === 'clinic' ? this.node.participantId : counterparty;
      const inv = invoiceId ? await this.recordOf(messageIdOf(clinic, invoiceId), o) : undefined;
      if (inv?.rec.documentType === 'invoice' && inv.rec.summary?.date) f.invoiceDate = inv.rec.summary.date;
    }
    const answered = await o.get<string>(ANSWERED + id);
    if (answered) f.answeredAt = answered;
    const accepted = await o.get<string>(ACCEPTED_AT + id);
    if (accepted) f.acceptedAt = accepted;
    await this.replace(o, id, contributionOf(f));
    if (depth > 0) return;
    // An answer to a request: the request's service level is decided by the first answer.
    if (ANSWER_TYPES.has(rec.documentType) && rec.replyTo && rec.status !== 'FAILED') {
      const before = await o.get<string>(ANSWERED + rec.replyTo);
      if (!before || at < before) {
        o.put(ANSWERED + rec.replyTo, at);
        await this.refold(o, rec.replyTo, depth + 1);
      }
    }
    // A correction (a corrected act, a changed request): the document it corrects no longer counts.
    if (rec.corrects && rec.status !== 'FAILED' && rec.status !== 'PENDING') {
      if ((await o.get(SUPERSEDED + rec.corrects)) === undefined) {
        o.put(SUPERSEDED + rec.corrects, 1);
        await this.refold(o, rec.corrects, depth + 1);
      }
    }
  }

  private async replace(o: Overlay, id: string, after: Contribution): Promise<void> {
    const before = await o.get<Contribution>(CONTRIBUTION + id);
    const d = delta(before, after);
    if (Object.keys(d).length === 0) return;
    const cells = new Map<CellKey, number[] | undefined>();
    for (const k of Object.keys(d)) cells.set(k, await o.get<number[]>(CELL + k));
    const { put, del } = applyDelta(d, (k) => cells.get(k));
    for (const [k, v] of Object.entries(put)) o.put(CELL + k, v);
    for (const k of del) o.del(CELL + k);
    if (Object.keys(after).length) o.put(CONTRIBUTION + id, after);
    else o.del(CONTRIBUTION + id);
  }

  private async recordOf(id: string, o: Overlay): Promise<{ rec: Rec; direction: 'out' | 'in' } | undefined> {
    const out = await o.read<Rec>(Sublevel.outbox, id);
    if (out) return { rec: out, direction: 'out' };
    const inc = await o.read<Rec>(Sublevel.inbox, id);
    return inc ? { rec: inc, direction: 'in' } : undefined;
  }
}

/** The months asked for: by default the twelve up to this one. */
export function dashboardRange(q: FiguresQuery): { from: string; to: string } {
  const now = new Date();
  const to = q.to ?? now.toISOString().slice(0, 7);
  const y = Number(to.slice(0, 4));
  const m = Number(to.slice(5, 7));
  const back = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
  return { from: q.from ?? back, to };
}
