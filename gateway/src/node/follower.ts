// The event follower: the ledger's chaincode events from the stored checkpoint on; what an event makes the node
// write goes into the same batch as the new checkpoint, so a restart neither loses nor repeats an event.
import type { ChaincodeEvent } from '../ledger/types.js';
import type { NodeContext } from './context.js';
import type { Inbox } from './inbox.js';
import { checkpointOp, codeOf, json, messageOf, rank, S, type Checkpoint } from './layout.js';
import type { Outbox } from './outbox.js';
import type { OutboxRecord } from './types.js';

export class EventFollower {
  /** The block and transaction of the last event handled (for whenIdle). */
  block = -1n;
  transactionId?: string;
  lastActivity = Date.now();

  constructor(
    private readonly ctx: NodeContext,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
    private readonly retryMs: number,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const cp = await this.ctx.store.get<Checkpoint>(S.meta, 'checkpoint');
      // The backend resumes after the checkpointed transaction, skipping the rest of its block already processed.
      const from = cp
        ? { blockNumber: BigInt(cp.blockNumber), transactionId: cp.transactionId }
        : { blockNumber: 0n };
      try {
        for await (const ev of this.ctx.ledger.events(from, signal)) {
          if (signal.aborted) break;
          await this.handleEvent(ev);
          this.block = ev.blockNumber;
          this.transactionId = ev.transactionId;
          this.lastActivity = Date.now();
        }
      } catch (err) {
        if (signal.aborted) break;
        this.ctx.log.warn({ code: codeOf(err), err: messageOf(err) }, 'event stream broken, reconnecting');
        await new Promise((r) => setTimeout(r, this.retryMs));
      }
    }
  }

  private async handleEvent(ev: ChaincodeEvent): Promise<void> {
    const p = json(ev.payload) as {
      messageId: string;
      sender: string;
      addressee: string;
      documentType: string;
      status: string;
    };
    if (ev.eventName === 'MessageSent' && p.addressee === this.ctx.participantId) {
      await this.inbox.receive(ev, p);
      return;
    }
    if (ev.eventName === 'StatusChanged' && p.sender === this.ctx.participantId) {
      await this.outbox.update(
        p.messageId,
        (r) => (rank(p.status) > rank(r.status) ? { ...r, status: p.status as OutboxRecord['status'] } : r),
        { kind: 'status.changed' },
        [checkpointOp(ev)],
      );
      return;
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
}
