// Notifications: numbered in the store within the batch that caused them, then passed to live listeners (SSE,
// webhooks), so a client that reconnects replays exactly what it missed.
import type { Logger } from 'pino';
import type { BatchOp, GatewayStore } from '../store/store.js';
import { messageOf, now, Sublevel, seqKey } from './layout.js';
import type { Notification } from './types.js';

export class Notifier {
  private readonly listeners = new Set<(n: Notification) => void>();

  private constructor(
    private readonly store: GatewayStore,
    private readonly log: Logger,
    private nextSeq: number,
  ) {}

  static async open(store: GatewayStore, log: Logger): Promise<Notifier> {
    let next = 1;
    for await (const key of store.sublevel(Sublevel.notifications).keys({ reverse: true, limit: 1 })) {
      next = Number(key) + 1;
    }
    return new Notifier(store, log, next);
  }

  /** Adds the notification to `ops`; call inside the node's write lock so a sequence number is never reused. */
  op(ops: BatchOp[], n: Omit<Notification, 'seq' | 'at'>): Notification {
    const full: Notification = { ...n, seq: this.nextSeq++, at: now() };
    if (full.reason === undefined) delete full.reason;
    ops.push({ type: 'put', sublevel: Sublevel.notifications, key: seqKey(full.seq), value: full });
    return full;
  }

  emit(n: Notification): void {
    for (const l of this.listeners) {
      try {
        l(n);
      } catch (err) {
        this.log.warn({ err: messageOf(err) }, 'notification listener failed');
      }
    }
  }

  async list(afterSeq: number, limit: number): Promise<Notification[]> {
    const out: Notification[] = [];
    for await (const v of this.store
      .sublevel<Notification>(Sublevel.notifications)
      .values({ gt: seqKey(afterSeq), limit })) {
      out.push(v);
    }
    return out;
  }

  /** The highest sequence number handed out so far (0 before the first notification). */
  lastSeq(): number {
    return this.nextSeq - 1;
  }

  subscribe(listener: (n: Notification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
