// The event follower: the ledger's chaincode events from the stored checkpoint on; what an event makes the node
// write goes into the same batch as the new checkpoint, so a restart neither loses nor repeats an event.
import { setTimeout as pause } from 'node:timers/promises';
import type { ChaincodeEvent } from '../ledger/types.js';
import type { NodeContext } from './context.js';
import type { Inbox } from './inbox.js';
import {
  checkpointOp,
  codeOf,
  isTransient,
  json,
  messageOf,
  rank,
  Sublevel,
  type Checkpoint,
} from './layout.js';
import type { Outbox } from './outbox.js';
import type { PayloadWaits } from './awaiting.js';
import type { InboxRecord, OutboxRecord } from './types.js';
import { NodeReceipts } from './receipts.js';

export class EventFollower {
  /** The block and transaction of the last event handled (for whenIdle). */
  block = -1n;
  transactionId?: string;
  lastActivity = Date.now();

  constructor(
    private readonly ctx: NodeContext,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
    private readonly waits: PayloadWaits,
    /** The pause after a broken event stream, doubling while it keeps breaking at once, up to maxMs. */
    private readonly retry: { initialMs: number; maxMs: number },
  ) {
    this.receipts = new NodeReceipts(ctx);
  }

  private readonly receipts: NodeReceipts;

  async run(signal: AbortSignal): Promise<void> {
    // A stream that breaks at once again and again (a refused identity, a peer down for hours) backs off up to
    // retry.maxMs instead of logging the same failure five times a second; an event resets it.
    let delay = this.retry.initialMs;
    let lastCode: string | undefined;
    while (!signal.aborted) {
      const cp = await this.ctx.store.get<Checkpoint>(Sublevel.meta, 'checkpoint');
      // The backend resumes after the checkpointed transaction, skipping the rest of its block already processed.
      const from = cp
        ? { blockNumber: BigInt(cp.blockNumber), transactionId: cp.transactionId }
        : { blockNumber: 0n };
      const began = Date.now();
      try {
        for await (const ev of this.ctx.ledger.events(from, signal)) {
          if (signal.aborted) break;
          await this.handleOrPass(ev);
          this.block = ev.blockNumber;
          this.transactionId = ev.transactionId;
          this.lastActivity = Date.now();
          delay = this.retry.initialMs;
          lastCode = undefined;
        }
      } catch (err) {
        if (signal.aborted) break;
        // A stream that lived a while before breaking is a new outage, not the same one again.
        if (Date.now() - began > this.retry.maxMs) delay = this.retry.initialMs;
        const code = codeOf(err);
        // The same failure again is news only for debugging; a new one is said once at its own level.
        const needsOperator = code === 'LEDGER_ACCESS_DENIED' || code === 'LEDGER_BLOCKS_NOT_HELD';
        const level = code === lastCode ? 'debug' : needsOperator ? 'error' : 'warn';
        this.ctx.log[level](
          { code, err: messageOf(err), retryInMs: delay },
          code === 'LEDGER_ACCESS_DENIED'
            ? 'the peer refuses this node: run `dmsnet-node check` on the node folder; retrying'
            : code === 'LEDGER_BLOCKS_NOT_HELD'
              ? 'the peer was rebuilt from a snapshot and holds no block this node still needs: name the organisation’s other peer in ledger.fabric.otherPeers; retrying'
              : 'event stream broken, reconnecting',
        );
        lastCode = code;
        // Node's own abortable timer: a stop during the pause ends it at once (the abort is the loop's exit).
        await pause(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, this.retry.maxMs);
      }
    }
  }

  /**
   * No single event may stop the follower: a failure that would repeat on every retry (a hostile payload, a bug on
   * one shape of input) is recorded — a received document ends REJECTED with its code — and the checkpoint moves
   * on. Transient failures (ledger, store, system) propagate, and the event is tried again from the checkpoint.
   */
  private async handleOrPass(ev: ChaincodeEvent): Promise<void> {
    try {
      await this.handleEvent(ev);
    } catch (err) {
      if (isTransient(err)) throw err;
      this.ctx.log.error(
        {
          block: ev.blockNumber.toString(),
          transactionId: ev.transactionId,
          event: ev.eventName,
          code: codeOf(err),
          err: messageOf(err).slice(0, 500),
        },
        'event cannot be handled: recorded and passed',
      );
      await this.passOver(ev, err);
    }
  }

  private async passOver(ev: ChaincodeEvent, cause: unknown): Promise<void> {
    let p: { messageId?: unknown; sender?: unknown; addressee?: unknown; documentType?: unknown } | undefined;
    try {
      p = json(ev.payload) as typeof p;
    } catch {
      p = undefined;
    }
    if (
      ev.eventName === 'MessageSent' &&
      p?.addressee === this.ctx.participantId &&
      typeof p.messageId === 'string' &&
      typeof p.sender === 'string'
    ) {
      try {
        await this.inbox.receiveFailed(
          ev,
          { messageId: p.messageId, sender: p.sender, documentType: String(p.documentType ?? '') },
          cause,
        );
        return;
      } catch (err) {
        if (isTransient(err)) throw err;
        this.ctx.log.error({ code: codeOf(err), err: messageOf(err).slice(0, 500) }, 'failure not recorded');
      }
    }
    await this.ctx.serial(() => this.ctx.store.batch([checkpointOp(ev)]));
  }

  private async handleEvent(ev: ChaincodeEvent): Promise<void> {
    const p = json(ev.payload) as {
      messageId: string;
      sender: string;
      addressee: string;
      documentType: string;
      status: string;
      reason?: string;
    };
    if (ev.eventName === 'MessageSent' && p.addressee === this.ctx.participantId) {
      await this.inbox.receive(ev, p);
      return;
    }
    if (ev.eventName === 'StatusChanged' && p.sender === this.ctx.participantId) {
      await this.outbox.update(
        p.messageId,
        // The addressee's reason (a code such as SCHEMA_TEXT_INVALID) is the only account a sender gets of a refusal
        // that happened before any reply could be written, so it is kept with the status.
        (r) => {
          const next =
            rank(p.status) > rank(r.status) ? { ...r, status: p.status as OutboxRecord['status'] } : r;
          // The status may have come first with the addressee's reply; the reason is the ledger's either way.
          return next.status === 'REJECTED' && p.status === 'REJECTED' && p.reason && next.reason !== p.reason
            ? { ...next, reason: p.reason }
            : next;
        },
        { kind: 'status.changed' },
        [checkpointOp(ev)],
      );
      return;
    }
    if (
      ev.eventName === 'StatusChanged' &&
      p.status === 'WITHDRAWN' &&
      p.addressee === this.ctx.participantId
    ) {
      await this.inbox.withdrawn(ev, p.messageId);
      return;
    }
    // Decision 0053: the addressee's organisation lost a ciphertext of ours and asks for it again.
    if (ev.eventName === 'ResendRequested' && p.sender === this.ctx.participantId) {
      await this.outbox.resend(p.messageId, checkpointOp(ev));
      return;
    }
    if (ev.eventName === 'PayloadResent' && p.addressee === this.ctx.participantId) {
      await this.ctx.serial(() => this.ctx.store.batch([checkpointOp(ev)]));
      await this.waits.resent(p.messageId);
      return;
    }
    if (ev.eventName === 'ReceiptRecorded') {
      const kind = (p as { kind?: string }).kind;
      if (kind === 'delivery' && p.sender === this.ctx.participantId)
        return this.takeDelivery(ev, p.messageId);
      if (kind === 'acknowledgement' && p.addressee === this.ctx.participantId)
        return this.takeAcknowledgement(ev, p.messageId);
    }
    if (ev.eventName === 'MessageSent' && p.sender === this.ctx.participantId) {
      // Our own send, committed: a record still PENDING here was committed before a crash lost the answer.
      await this.outbox.update(
        p.messageId,
        (r) => (r.status === 'PENDING' ? { ...r, status: 'SENT', txId: ev.transactionId } : r),
        undefined,
        [checkpointOp(ev)],
      );
      return;
    }
    await this.ctx.serial(() => this.ctx.store.batch([checkpointOp(ev)]));
  }

  /**
   * The addressee's receipt of a document this node sent: held to the directory and to the very bytes sent, kept with
   * the status it brings (DELIVERED), and acknowledged by a receipt of this node's when it verifies.
   */
  private async takeDelivery(ev: ChaincodeEvent, messageId: string): Promise<void> {
    const rec = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, messageId);
    if (!rec) return void (await this.ctx.serial(() => this.ctx.store.batch([checkpointOp(ev)])));
    const kept = await this.receipts.take(messageId, 'delivery', {
      signer: rec.addressee,
      sender: this.ctx.participantId,
      addressee: rec.addressee,
      ciphertextHash: rec.ciphertextHash,
      documentDigest: rec.digest,
    });
    const ack =
      kept.state === 'VERIFIED'
        ? await this.receipts.issue(
            {
              kind: 'acknowledgement',
              messageId,
              sender: this.ctx.participantId,
              addressee: rec.addressee,
              ciphertextHash: rec.ciphertextHash,
              acknowledges: kept.receiptHash,
            },
            rec.addressee,
          )
        : undefined;
    if (kept.state === 'INVALID')
      this.ctx.log.warn({ messageId, code: kept.code }, 'delivery receipt does not verify: kept as INVALID');
    const ops = [checkpointOp(ev), this.receipts.keepOp(messageId, kept)];
    if (ack)
      ops.push(
        this.receipts.keepOp(messageId, ack.kept),
        ...this.outbox.intentOps(messageId, 'DELIVERED', undefined, ack.intent),
      );
    // The ledger moved the status with the receipt: the record follows it whatever the receipt's verdict.
    const { status } = json(await this.ctx.ledger.evaluate('exchange:get', [messageId])) as {
      status: string;
    };
    await this.outbox.update(
      messageId,
      (r) => ({
        ...r,
        ...(rank(status) > rank(r.status) ? { status: status as OutboxRecord['status'] } : {}),
        receipt: {
          state: kept.state === 'VERIFIED' ? 'VERIFIED' : 'INVALID',
          hash: kept.receiptHash,
          ...(kept.ledgerAt ? { at: kept.ledgerAt } : {}),
          ...(kept.code ? { code: kept.code } : {}),
          ...(kept.signed?.receipt.openFailure ? { openFailure: kept.signed.receipt.openFailure } : {}),
          ...(ack ? { acknowledgementHash: ack.intent.receiptHash } : {}),
        },
      }),
      { kind: 'status.changed' },
      ops,
    );
    this.ctx.kick();
  }

  /** The sender's acknowledgement of the receipt this node signed: held to the directory and to that receipt. */
  private async takeAcknowledgement(ev: ChaincodeEvent, messageId: string): Promise<void> {
    const rec = await this.ctx.store.get<InboxRecord>(Sublevel.inbox, messageId);
    const issued = rec?.receipt;
    if (!rec || !issued) return void (await this.ctx.serial(() => this.ctx.store.batch([checkpointOp(ev)])));
    const kept = await this.receipts.take(messageId, 'acknowledgement', {
      signer: rec.sender,
      sender: rec.sender,
      addressee: this.ctx.participantId,
      acknowledges: issued.hash,
      ...(rec.ciphertextHash ? { ciphertextHash: rec.ciphertextHash } : {}),
    });
    await this.ctx.serial(async () => {
      const now = (await this.ctx.store.get<InboxRecord>(Sublevel.inbox, messageId)) ?? rec;
      const acknowledgement = {
        state: kept.state === 'VERIFIED' ? ('VERIFIED' as const) : ('INVALID' as const),
        hash: kept.receiptHash,
        ...(kept.ledgerAt ? { at: kept.ledgerAt } : {}),
        ...(kept.code ? { code: kept.code } : {}),
      };
      await this.ctx.store.batch([
        {
          type: 'put',
          sublevel: Sublevel.inbox,
          key: messageId,
          value: { ...now, receipt: { ...(now.receipt ?? issued), acknowledgement } },
        },
        this.receipts.keepOp(messageId, kept),
        checkpointOp(ev),
      ]);
    });
  }
}
