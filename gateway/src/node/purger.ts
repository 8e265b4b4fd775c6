// Destroying personal data once its purpose is met (152-ФЗ): the node's own copies of a document, and, as its
// addressee, the ledger's ciphertext (exchange:purge). Envelope, hash and trail stay on the ledger as evidence.
import { FILES_PER_DOCUMENT } from '@dmsnet/formats/attachments/transfer';
import { removeFiles } from './files.js';
import { DmsnetError } from '@dmsnet/formats/errors';
import { defaultRetentionDays } from '@dmsnet/formats/retention';
import type { BatchOp } from '../store/store.js';
import type { NodeContext } from './context.js';
import { json, now, Sublevel } from './layout.js';
import type { InboxRecord, OutboxRecord, TrailEntry } from './types.js';

/** GET of a purged document: 410 with what stays (hash, trail), never content. */
export class PurgedError extends DmsnetError {
  constructor(
    id: string,
    readonly purgedAt: string,
    readonly ciphertextHash: string | undefined,
    readonly trail: TrailEntry[],
  ) {
    super('PURGED', `document ${id} was purged at ${purgedAt}; its hash and status trail remain`);
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      purgedAt: this.purgedAt,
      ciphertextHash: this.ciphertextHash,
      trail: this.trail,
    };
  }
}

const FINAL = new Set(['ACCEPTED', 'REJECTED', 'FAILED']);
const DAY = 86_400_000;

export class Purger {
  private readonly retention = new Map<string, number>();

  constructor(private readonly ctx: NodeContext) {}

  /** Days a document of this type and format version is kept after its final status (the registry's, else the default). */
  async retentionDays(type: string, version: string): Promise<number> {
    const k = `${type}@${version}`;
    const hit = this.retention.get(k);
    if (hit !== undefined) return hit;
    let days = defaultRetentionDays(type);
    try {
      const f = json(await this.ctx.ledger.evaluate('formats:status', [type, version])) as {
        retentionDays?: number;
      };
      if (typeof f.retentionDays === 'number') days = f.retentionDays;
    } catch {
      // A version unknown to the registry (or the ledger unreachable): the default stands, and is not cached.
      return days;
    }
    this.retention.set(k, days);
    return days;
  }

  /**
   * Destroys this node's copies of a document; for a received one the ledger's ciphertext too (the addressee may
   * purge it at any time). A document still being sent cannot be purged.
   */
  async purge(id: string): Promise<OutboxRecord | InboxRecord> {
    const out = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, id);
    const inc = out ? undefined : await this.ctx.store.get<InboxRecord>(Sublevel.inbox, id);
    const rec = out ?? inc;
    if (!rec) throw new DmsnetError('NOT_FOUND', `no document ${id} at this node`);
    if (rec.purgedAt) return rec;
    if (out && out.status === 'PENDING') {
      throw new DmsnetError('PURGE_NOT_FINAL', `document ${id} is still being sent`);
    }
    if (inc) await this.ctx.ledger.submit('exchange:purge', [id]);
    return this.ctx.serial(async () => {
      const current =
        (await this.ctx.store.get<OutboxRecord | InboxRecord>(out ? Sublevel.outbox : Sublevel.inbox, id)) ??
        rec;
      const updated = { ...current, purgedAt: now() };
      const ops: BatchOp[] = out
        ? [
            { type: 'put', sublevel: Sublevel.outbox, key: id, value: updated },
            { type: 'del', sublevel: Sublevel.outboxDoc, key: id },
            { type: 'del', sublevel: Sublevel.outboxCt, key: id },
            { type: 'del', sublevel: Sublevel.outboxSig, key: id },
          ]
        : [
            { type: 'put', sublevel: Sublevel.inbox, key: id, value: updated },
            { type: 'del', sublevel: Sublevel.inboxDoc, key: id },
            { type: 'del', sublevel: Sublevel.inboxText, key: id },
            { type: 'del', sublevel: Sublevel.inboxSig, key: id },
          ];
      await this.ctx.store.batch(ops);
      // The sealed files go with the document (decision 0058); the ledger keeps their hashes and chain.
      await removeFiles(this.ctx.dataDir, out ? 'out' : 'in', id, out?.files?.length ?? FILES_PER_DOCUMENT);
      this.ctx.log.info({ messageId: id, type: rec.documentType }, 'purged');
      return updated;
    });
  }

  /** Purges every document whose retention has passed since its final status; returns how many. */
  async purgeExpired(at = Date.now()): Promise<number> {
    let n = 0;
    for (const sub of [Sublevel.outbox, Sublevel.inbox]) {
      const due: string[] = [];
      for await (const rec of this.ctx.store.sublevel<OutboxRecord | InboxRecord>(sub).values()) {
        if (rec.purgedAt || !FINAL.has(rec.status)) continue;
        const days = await this.retentionDays(rec.documentType, rec.formatVersion);
        if (Date.parse(rec.updatedAt) + days * DAY <= at) due.push(rec.messageId);
      }
      for (const id of due) {
        try {
          await this.purge(id);
          n++;
        } catch (err) {
          // Tried again at the next pass; the ledger may be unreachable for a while.
          this.ctx.log.warn({ messageId: id, code: (err as DmsnetError).code }, 'purge failed, will retry');
        }
      }
    }
    return n;
  }
}
