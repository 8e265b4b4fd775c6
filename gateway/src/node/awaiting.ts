// The waiting list of documents addressed here whose ciphertext the peer does not hold (decision record 0053): a
// peer joined from a snapshot reconciles its private data within seconds, so the document is tried again first; a
// ciphertext still missing after `askAfterMs` is lost on this organisation's peers (a one-peer organisation, both
// peers lost), and the ledger carries a request to the sender, whose gateway sends the same sealed bytes again.
import type { NodeContext } from './context.js';
import type { Inbox } from './inbox.js';
import { codeOf, isTransient, messageOf, now, Sublevel } from './layout.js';
import type { AwaitingPayload } from './types.js';

export interface PayloadWaitOptions {
  /** The first pause before trying again (doubling up to maxRetryMs): a peer reconciles every 5 s. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long a ciphertext may be missing before the sender is asked, and between two requests. */
  askAfterMs?: number;
  /** How long after the last possible request the document is refused (PAYLOAD_MISSING, as before 0053). */
  giveUpMs?: number;
}

/** The chaincode's bound (RESEND_LIMIT in chaincode/src/exchange-contract.ts): more requests are refused there. */
const REQUESTS = 3;

export class PayloadWaits {
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly askAfterMs: number;
  private readonly giveUpMs: number;

  constructor(
    private readonly ctx: NodeContext,
    private readonly inbox: Inbox,
    o: PayloadWaitOptions = {},
  ) {
    this.retryMs = o.retryMs ?? 5_000;
    this.maxRetryMs = o.maxRetryMs ?? 60_000;
    this.askAfterMs = o.askAfterMs ?? 30_000;
    this.giveUpMs = o.giveUpMs ?? 15 * 60_000;
  }

  /** The sender sent the ciphertext again: the document is tried at once. */
  async resent(messageId: string): Promise<void> {
    await this.ctx.serial(async () => {
      const e = await this.ctx.store.get<AwaitingPayload>(Sublevel.awaitingPayload, messageId);
      if (!e) return;
      await this.ctx.store.batch([
        {
          type: 'put',
          sublevel: Sublevel.awaitingPayload,
          key: messageId,
          value: { ...e, nextAttemptAt: now() },
        },
      ]);
    });
    this.ctx.kick();
  }

  /** Tries every due document once; returns when the next one is due (Infinity when none waits). */
  async drain(signal: AbortSignal): Promise<number> {
    let nextDue = Infinity;
    const entries: AwaitingPayload[] = [];
    for await (const [, e] of this.ctx.store.sublevel<AwaitingPayload>(Sublevel.awaitingPayload).iterator())
      entries.push(e);
    for (const e of entries) {
      if (signal.aborted) break;
      const due = Date.parse(e.nextAttemptAt);
      if (due > Date.now()) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      const next = await this.attempt(e);
      if (next !== undefined) nextDue = Math.min(nextDue, next);
    }
    return nextDue;
  }

  /** One try of one document; returns when it is due again, undefined once it left the list. */
  private async attempt(e: AwaitingPayload): Promise<number | undefined> {
    const t = Date.now();
    const lastTry =
      (e.exhausted || e.requests >= REQUESTS) && t - Date.parse(e.lastRequestAt ?? e.since) >= this.giveUpMs;
    const p = { messageId: e.messageId, sender: e.sender, documentType: e.documentType };
    let updated: AwaitingPayload = { ...e, attempts: e.attempts + 1 };
    try {
      if ((await this.inbox.receive(undefined, p, { lastTry })) === 'received') {
        this.ctx.log.info(
          { messageId: e.messageId, waitedMs: t - Date.parse(e.since), requests: e.requests },
          'ciphertext arrived after waiting',
        );
        return undefined;
      }
      const sinceAsked = t - Date.parse(e.lastRequestAt ?? e.since);
      if (!e.exhausted && e.requests < REQUESTS && sinceAsked >= this.askAfterMs)
        updated = await this.ask(updated);
    } catch (err) {
      if (!isTransient(err))
        this.ctx.log.error(
          { messageId: e.messageId, code: codeOf(err), err: messageOf(err) },
          'waiting failed',
        );
    }
    const pause = Math.min(this.maxRetryMs, this.retryMs * 2 ** Math.min(e.attempts, 20));
    // Never past the moment the next request (or the refusal) is due.
    const askAt = Date.parse(updated.lastRequestAt ?? updated.since) + this.askAfterMs;
    const giveUpAt = Date.parse(updated.lastRequestAt ?? updated.since) + this.giveUpMs;
    const nextAt = Math.min(
      Date.now() + pause,
      !updated.exhausted && updated.requests < REQUESTS ? askAt : giveUpAt,
    );
    updated.nextAttemptAt = new Date(Math.max(nextAt, Date.now())).toISOString();
    await this.ctx.serial(async () => {
      // Received meanwhile (a PayloadResent event, a retry): the arrival's batch removed the entry; keep it removed.
      if (!(await this.ctx.store.get(Sublevel.awaitingPayload, e.messageId))) return;
      await this.ctx.store.batch([
        { type: 'put', sublevel: Sublevel.awaitingPayload, key: e.messageId, value: updated },
      ]);
    });
    return Date.parse(updated.nextAttemptAt);
  }

  /** Asks the sender on the ledger for the ciphertext again (only the addressee may, RESEND_LIMIT times). */
  private async ask(e: AwaitingPayload): Promise<AwaitingPayload> {
    const at = now();
    try {
      await this.ctx.ledger.submit('exchange:requestResend', [e.messageId]);
      this.ctx.log.info(
        { messageId: e.messageId, sender: e.sender, request: e.requests + 1 },
        'ciphertext lost on this organisation’s peers: asked the sender to send it again',
      );
      return { ...e, requests: e.requests + 1, lastRequestAt: at };
    } catch (err) {
      if (isTransient(err)) throw err;
      // RESEND_LIMIT, RESEND_NOT_WAITING (delivered elsewhere, withdrawn): no request can bring it any more.
      this.ctx.log.warn({ messageId: e.messageId, code: codeOf(err) }, 'the ledger refuses another request');
      return { ...e, exhausted: true, lastRequestAt: at };
    }
  }
}
