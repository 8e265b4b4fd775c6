import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { pino, type Logger } from 'pino';
import { canonicalDigest } from '../../../formats/src/canonical.js';
import { DmsnetError, type FieldError } from '../../../formats/src/errors.js';
import { validateDocument } from '../../../formats/src/index.js';
import { openDocument, sealDocument, sha256Hex, type ParticipantKeys } from '../crypto/index.js';
import type { ChaincodeEvent, LedgerClient } from '../ledger/types.js';
import { GatewayStore, type BatchOp } from '../store/store.js';
import { currentKeyOf, DirectoryView } from './directory.js';
import type {
  DocumentHandler,
  DocumentView,
  InboxRecord,
  ListQuery,
  Notification,
  OutboxRecord,
  Page,
  Participant,
  TrailEntry,
} from './types.js';

export interface GatewayNodeOptions {
  participantId: string;
  dataDir: string;
  ledger: LedgerClient;
  keys: ParticipantKeys;
  keyVersion: number;
  logger?: Logger;
  /** Lets whenIdle() know how far the follower must get; the embedded ledger provides it. */
  ledgerHeight?: () => bigint | Promise<bigint>;
  /** Workflows per document type, called for each received, verified and valid document. */
  handlers?: Partial<Record<string, DocumentHandler>>;
  retry?: { initialMs?: number; maxMs?: number };
}

interface Intent {
  messageId: string;
  status: 'DELIVERED' | 'ACCEPTED' | 'REJECTED';
  reason?: string;
  attempts: number;
  nextAttemptAt?: string;
}

interface Checkpoint {
  blockNumber: string;
  transactionId: string;
}

type Doc = { header: Record<string, unknown>; body: Record<string, unknown> };
export type ReplyDecision = 'ACCEPTED' | 'REJECTED' | 'DISPUTED' | 'CONTESTED';

/** Ledger refusals that no retry can fix: the record ends FAILED with the code. */
const PERMANENT = new Set([
  'INVALID_ARGUMENT',
  'IDENTITY_UNKNOWN',
  'IMPERSONATION',
  'NOT_AUTHORIZED',
  'ADDRESSEE_UNKNOWN',
  'ADDRESSEE_INACTIVE',
  'SENDER_INACTIVE',
  'FORMAT_NOT_ACTIVE',
  'MESSAGE_ID_CONFLICT',
  'PAYLOAD_MISSING',
  'PAYLOAD_HASH_MISMATCH',
  'STATUS_NOT_ADDRESSEE',
  'STATUS_NOT_FORWARD',
  'MESSAGE_NOT_FOUND',
  // Fabric commit outcomes that a new proposal cannot change.
  'ENDORSEMENT_POLICY_FAILURE',
  'BAD_CREATOR_SIGNATURE',
  'INVALID_ENDORSER_TRANSACTION',
  'INVALID_CHAINCODE',
  'EXPIRED_CHAINCODE',
]);

/** A backend's word on what a retry may do (the Fabric backend sets it), beside the codes above. */
const retryOf = (err: unknown): string | undefined => (err as { retry?: string } | null)?.retry;
const isPermanent = (err: unknown) => PERMANENT.has(codeOf(err)) || retryOf(err) === 'none';

/** An endorsed transaction kept until its commit status is known, so a restart submits the very same bytes. */
interface PreparedSend {
  transactionId: string;
  bytes: string;
}

const S = {
  outbox: 'outbox',
  outboxDoc: 'outbox-doc',
  outboxCt: 'outbox-ct',
  outboxTime: 'outbox-t',
  outboxTx: 'outbox-tx',
  pending: 'pending',
  inbox: 'inbox',
  inboxDoc: 'inbox-doc',
  inboxTime: 'inbox-t',
  intents: 'intents',
  notifications: 'notifications',
  meta: 'meta',
} as const;

const seqKey = (n: number) => String(n).padStart(12, '0');
const pendingKey = (r: { createdAt: string; messageId: string }) => `${r.createdAt}\u0000${r.messageId}`;
const now = () => new Date().toISOString();
const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const dec = (s: string) => Buffer.from(s, 'base64url').toString('utf8');
const json = (b: Uint8Array): unknown => JSON.parse(Buffer.from(b).toString('utf8'));
const codeOf = (err: unknown) => (err instanceof DmsnetError ? err.code : 'INTERNAL');
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * A participant's node: everything between its local systems and the ledger. Writes go through durable queues
 * (outbox, status intents) and the event follower commits its checkpoint with what it wrote, so a crash at any
 * point resumes without loss or duplicates.
 */
export class GatewayNode {
  readonly participantId: string;
  readonly directory: DirectoryView;
  private readonly log: Logger;
  private readonly listeners = new Set<(n: Notification) => void>();
  private nextSeq = 1;
  private writeChain: Promise<unknown> = Promise.resolve();
  private abort?: AbortController;
  private wake?: () => void;
  private workerDone?: Promise<void>;
  private followerDone?: Promise<void>;
  private followerBlock = -1n;
  private lastActivity = Date.now();
  private readonly retryInitial: number;
  private readonly retryMax: number;

  private constructor(
    private readonly options: GatewayNodeOptions,
    readonly store: GatewayStore,
  ) {
    this.participantId = options.participantId;
    this.directory = new DirectoryView(options.ledger);
    this.log = (options.logger ?? pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'info' })).child({
      participant: options.participantId,
    });
    this.retryInitial = options.retry?.initialMs ?? 200;
    this.retryMax = options.retry?.maxMs ?? 30_000;
  }

  static async open(options: GatewayNodeOptions): Promise<GatewayNode> {
    await mkdir(options.dataDir, { recursive: true });
    const store = await GatewayStore.open(options.dataDir);
    const node = new GatewayNode(options, store);
    for await (const key of store.sublevel(S.notifications).keys({ reverse: true, limit: 1 })) {
      node.nextSeq = Number(key) + 1;
    }
    const cp = await store.get<Checkpoint>(S.meta, 'checkpoint');
    if (cp) node.followerBlock = BigInt(cp.blockNumber);
    return node;
  }

  // ---- lifecycle -------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.abort) return;
    this.abort = new AbortController();
    this.workerDone = this.runWorker(this.abort.signal);
    this.followerDone = this.runFollower(this.abort.signal);
  }

  async stop(): Promise<void> {
    const a = this.abort;
    if (a) {
      this.abort = undefined;
      a.abort();
      this.wake?.();
      await Promise.allSettled([this.workerDone, this.followerDone]);
    }
    await this.writeChain.catch(() => undefined);
    await this.store.close();
  }

  /** Resolves once nothing is queued and the follower has seen the whole ledger (or has been quiet a while). */
  async whenIdle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queued = (await this.firstKey(S.pending)) ?? (await this.firstKey(S.intents));
      let caughtUp: boolean;
      if (this.options.ledgerHeight) {
        caughtUp = this.followerBlock >= (await this.options.ledgerHeight()) - 1n;
      } else {
        caughtUp = Date.now() - this.lastActivity > 500;
      }
      if (queued === undefined && caughtUp) return;
      if (Date.now() > deadline) throw new DmsnetError('IDLE_TIMEOUT', 'the node did not settle in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // ---- sending ---------------------------------------------------------------------------------------------

  async send(input: unknown): Promise<OutboxRecord> {
    const errors = validateDocument(input);
    if (errors.length > 0) {
      throw new DmsnetError(
        'DOCUMENT_INVALID',
        `the document breaks ${errors.length} format rule(s)`,
        errors,
      );
    }
    const doc = input as Doc;
    const h = doc.header as {
      documentId: string;
      type: string;
      formatVersion: string;
      sender: { ogrn: string };
      addressee: { ogrn: string };
      replyToId?: string;
      correctsId?: string;
    };
    if (h.sender.ogrn !== this.participantId) {
      throw new DmsnetError('SENDER_NOT_SELF', 'the sender must be this node’s participant', [
        {
          pointer: '/header/sender/ogrn',
          code: 'SENDER_NOT_SELF',
          message: `this node sends as ${this.participantId}`,
        },
      ]);
    }
    const digest = canonicalDigest({ header: doc.header, body: doc.body });
    const existing = await this.store.get<OutboxRecord>(S.outbox, h.documentId);
    if (existing) {
      if (existing.digest === digest) return existing;
      throw new DmsnetError(
        'MESSAGE_ID_CONFLICT',
        `document ${h.documentId} was already sent with other content`,
        [
          {
            pointer: '/header/documentId',
            code: 'MESSAGE_ID_CONFLICT',
            message: 'this id is taken by another document',
          },
        ],
      );
    }
    let addressee: Participant;
    try {
      addressee = await this.directory.participant(h.addressee.ogrn);
    } catch (err) {
      if (codeOf(err) !== 'NOT_FOUND') throw err;
      throw new DmsnetError('ADDRESSEE_UNKNOWN', `no participant ${h.addressee.ogrn} in the directory`, [
        {
          pointer: '/header/addressee/ogrn',
          code: 'ADDRESSEE_UNKNOWN',
          message: 'not in the participant directory',
        },
      ]);
    }
    if (addressee.status !== 'ACTIVE') {
      throw new DmsnetError('ADDRESSEE_INACTIVE', `participant ${h.addressee.ogrn} is ${addressee.status}`, [
        {
          pointer: '/header/addressee/ogrn',
          code: 'ADDRESSEE_INACTIVE',
          message: 'the addressee is suspended',
        },
      ]);
    }
    const key = currentKeyOf(addressee);
    // Sealed once and stored: a resend after a crash must carry the very same bytes and hash.
    const ciphertext = await sealDocument({
      document: doc,
      signSecretKey: this.options.keys.signSecretKey,
      senderId: this.participantId,
      keyVersion: this.options.keyVersion,
      recipientBoxPublicKey: key.x25519,
    });
    const at = now();
    const record: OutboxRecord = {
      messageId: h.documentId,
      documentType: h.type,
      formatVersion: h.formatVersion,
      addressee: h.addressee.ogrn,
      status: 'PENDING',
      createdAt: at,
      updatedAt: at,
      digest,
      ciphertextHash: sha256Hex(ciphertext),
      size: ciphertext.byteLength,
      replyTo: h.replyToId,
      corrects: h.correctsId,
      attempts: 0,
    };
    await this.serial(async () => {
      // Re-check inside the write lock: two concurrent sends of one id must not both be stored.
      const again = await this.store.get<OutboxRecord>(S.outbox, h.documentId);
      if (again) return;
      await this.store.batch([
        { type: 'put', sublevel: S.outbox, key: record.messageId, value: record },
        { type: 'put', sublevel: S.outboxDoc, key: record.messageId, value: doc },
        {
          type: 'put',
          sublevel: S.outboxCt,
          key: record.messageId,
          value: Buffer.from(ciphertext).toString('base64'),
        },
        {
          type: 'put',
          sublevel: S.outboxTime,
          key: `${at}\u0000${record.messageId}`,
          value: record.messageId,
        },
        { type: 'put', sublevel: S.pending, key: pendingKey(record), value: record.messageId },
      ]);
    });
    const stored = (await this.store.get<OutboxRecord>(S.outbox, h.documentId)) as OutboxRecord;
    if (stored.digest !== digest) {
      throw new DmsnetError(
        'MESSAGE_ID_CONFLICT',
        `document ${h.documentId} was already sent with other content`,
      );
    }
    this.log.info({ messageId: record.messageId, type: record.documentType, size: record.size }, 'queued');
    this.kick();
    return stored;
  }

  // ---- receiving decisions ---------------------------------------------------------------------------------

  async accept(id: string, o: { comment?: string } = {}): Promise<InboxRecord> {
    return this.decide(id, 'ACCEPTED', [], o.comment);
  }

  /** The reply says why: REJECTED (default), DISPUTED (an expertise act) or CONTESTED (a price list). */
  async reject(
    id: string,
    o: { errors: FieldError[]; comment?: string; decision?: ReplyDecision },
  ): Promise<InboxRecord> {
    return this.decide(id, 'REJECTED', o.errors, o.comment, o.decision);
  }

  /** Workflows are built on the node's store, so they are attached after open and before start. */
  setHandlers(handlers: Partial<Record<string, DocumentHandler>>): void {
    this.options.handlers = { ...this.options.handlers, ...handlers };
  }

  private async decide(
    id: string,
    status: 'ACCEPTED' | 'REJECTED',
    errors: FieldError[],
    comment?: string,
    replyDecision: ReplyDecision = status,
  ): Promise<InboxRecord> {
    const rec = await this.store.get<InboxRecord>(S.inbox, id);
    if (!rec) throw new DmsnetError('NOT_FOUND', `no received document ${id}`);
    if (rec.status === status) return rec;
    if (rec.status !== 'RECEIVED') {
      throw new DmsnetError('STATUS_FINAL', `document ${id} is already ${rec.status}`);
    }
    const updated: InboxRecord = {
      ...rec,
      status,
      updatedAt: now(),
      comment,
      rejection:
        status === 'REJECTED' ? { code: 'REJECTED_BY_RECIPIENT', message: comment ?? '', errors } : undefined,
    };
    await this.serial(() =>
      this.store.batch([
        { type: 'put', sublevel: S.inbox, key: id, value: updated },
        ...this.intentOps(id, status, comment),
      ]),
    );
    await this.sendReply(rec, replyDecision, errors, comment);
    this.kick();
    return updated;
  }

  /** The signed answer to the sender: a `reply` document whose id derives from the original, so a retry is idempotent. */
  private async sendReply(
    rec: InboxRecord,
    decision: ReplyDecision,
    errors: FieldError[],
    comment?: string,
  ): Promise<void> {
    const replyId =
      'R-' +
      createHash('sha256').update(`${this.participantId}\u0000${rec.messageId}`).digest('hex').slice(0, 40);
    const body: Record<string, unknown> = { decision };
    if (errors.length) body.errors = errors;
    if (comment) body.comment = comment;
    const reply = {
      header: {
        documentId: replyId,
        type: 'reply',
        formatVersion: '1',
        sender: { ogrn: this.participantId },
        addressee: { ogrn: rec.sender },
        createdAt: now(),
        replyToId: rec.messageId,
      },
      body,
    };
    const existing = await this.store.get<OutboxRecord>(S.outbox, replyId);
    if (existing) return;
    try {
      await this.send(reply);
    } catch (err) {
      // The ledger status carries the decision even when the reply cannot go (e.g. the sender was suspended).
      this.log.warn({ messageId: rec.messageId, code: codeOf(err) }, 'reply not sent');
    }
  }

  // ---- reading ---------------------------------------------------------------------------------------------

  listOutbox(q: ListQuery): Promise<Page<OutboxRecord>> {
    return this.list<OutboxRecord>(S.outboxTime, S.outbox, q);
  }

  listInbox(q: ListQuery): Promise<Page<InboxRecord>> {
    return this.list<InboxRecord>(S.inboxTime, S.inbox, q);
  }

  private async list<T extends { documentType: string; status: string }>(
    index: string,
    primary: string,
    q: ListQuery,
  ): Promise<Page<T>> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const range: { gt?: string; gte?: string; lt?: string } = {};
    if (q.cursor) range.gt = dec(q.cursor);
    else if (q.from) range.gte = q.from;
    if (q.to) range.lt = q.to + '\uffff';
    const items: T[] = [];
    let lastKey: string | undefined;
    let more = false;
    for await (const [key, id] of this.store.sublevel<string>(index).iterator(range)) {
      if (items.length === limit) {
        more = true;
        break;
      }
      lastKey = key;
      const rec = await this.store.get<T>(primary, id);
      if (!rec) continue;
      if (q.type && rec.documentType !== q.type) continue;
      if (q.status && rec.status !== q.status) continue;
      items.push(rec);
    }
    return { items, nextCursor: more && lastKey ? enc(lastKey) : undefined };
  }

  async getDocument(id: string): Promise<DocumentView> {
    const out = await this.store.get<OutboxRecord>(S.outbox, id);
    const inc = out ? undefined : await this.store.get<InboxRecord>(S.inbox, id);
    const record = out ?? inc;
    if (!record) throw new DmsnetError('NOT_FOUND', `no document ${id} at this node`);
    const document = await this.store.get(out ? S.outboxDoc : S.inboxDoc, id);
    let trail: TrailEntry[] = [];
    let envelope: unknown;
    if (record.status !== 'PENDING' && record.status !== 'FAILED') {
      try {
        envelope = json(await this.options.ledger.evaluate('exchange:get', [id]));
        trail = json(await this.options.ledger.evaluate('exchange:history', [id])) as TrailEntry[];
      } catch (err) {
        if (codeOf(err) !== 'MESSAGE_NOT_FOUND') throw err;
      }
    }
    return { direction: out ? 'out' : 'in', document, record, envelope, status: record.status, trail };
  }

  async participants(q: { limit?: number; cursor?: string }): Promise<Page<Participant>> {
    const page = await this.directory.list(Math.min(Math.max(q.limit ?? 100, 1), 500), q.cursor);
    return { items: page.items, nextCursor: page.bookmark || undefined };
  }

  participant(id: string): Promise<Participant> {
    return this.directory.participant(id);
  }

  activeFormats(): Promise<unknown[]> {
    return this.directory.activeFormats();
  }

  readonly notifications = {
    list: async (afterSeq: number, limit: number): Promise<Notification[]> => {
      const out: Notification[] = [];
      for await (const v of this.store
        .sublevel<Notification>(S.notifications)
        .values({ gt: seqKey(afterSeq), limit })) {
        out.push(v);
      }
      return out;
    },
    subscribe: (listener: (n: Notification) => void): (() => void) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
  };

  // ---- the outbox worker -----------------------------------------------------------------------------------

  private kick(): void {
    this.wake?.();
  }

  private async runWorker(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let nextDue = Infinity;
      try {
        nextDue = Math.min(await this.drainPending(signal), await this.drainIntents(signal));
      } catch (err) {
        this.log.error({ code: codeOf(err), err: messageOf(err) }, 'outbox worker error');
        nextDue = Date.now() + this.retryInitial;
      }
      if (signal.aborted) break;
      const wait = Math.max(0, Math.min(nextDue - Date.now(), 1000));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private backoff(attempts: number): number {
    const base = Math.min(this.retryMax, this.retryInitial * 2 ** Math.min(attempts, 20));
    return Date.now() + base / 2 + Math.random() * (base / 2);
  }

  /** Returns when the earliest not-yet-due item is due (Infinity when none waits). */
  private async drainPending(signal: AbortSignal): Promise<number> {
    let nextDue = Infinity;
    // In arrival order: an amendment must not overtake the document it amends.
    const queue: Array<[string, string]> = [];
    for await (const e of this.store.sublevel<string>(S.pending).iterator()) queue.push(e);
    for (const [key, value] of queue) {
      if (signal.aborted) break;
      // Queues written before arrival order was kept hold the id as the key (and 1 as the value).
      const id = typeof value === 'string' ? value : key;
      const rec = await this.store.get<OutboxRecord>(S.outbox, id);
      if (!rec || rec.status !== 'PENDING') {
        await this.store.batch([{ type: 'del', sublevel: S.pending, key }]);
        continue;
      }
      if (rec.nextAttemptAt && Date.parse(rec.nextAttemptAt) > Date.now()) {
        nextDue = Math.min(nextDue, Date.parse(rec.nextAttemptAt));
        continue;
      }
      const ct = await this.store.get<string>(S.outboxCt, id);
      const envelope = {
        messageId: rec.messageId,
        sender: this.participantId,
        addressee: rec.addressee,
        documentType: rec.documentType,
        formatVersion: rec.formatVersion,
        ciphertextHash: rec.ciphertextHash,
        size: rec.size,
        senderKeyVersion: this.options.keyVersion,
        ...(rec.replyTo ? { replyTo: rec.replyTo } : {}),
        ...(rec.corrects ? { corrects: rec.corrects } : {}),
      };
      try {
        const res = await this.commitSend(id, envelope, ct ?? '');
        await this.updateOutbox(
          id,
          (r) =>
            r.status === 'PENDING'
              ? { ...r, status: 'SENT', txId: res.transactionId, lastError: undefined }
              : r,
          undefined,
          [{ type: 'del', sublevel: S.outboxTx, key: id }],
        );
        this.log.info({ messageId: id, txId: res.transactionId }, 'committed');
      } catch (err) {
        const code = codeOf(err);
        if (isPermanent(err)) {
          await this.updateOutbox(
            id,
            (r) => ({ ...r, status: 'FAILED', lastError: { code, message: messageOf(err) } }),
            {
              kind: 'status.changed',
              reason: code,
            },
            [{ type: 'del', sublevel: S.outboxTx, key: id }],
          );
          this.log.warn({ messageId: id, code }, 'refused by the ledger');
        } else {
          const next = this.backoff(rec.attempts);
          nextDue = Math.min(nextDue, next);
          await this.updateOutbox(id, (r) => ({
            ...r,
            attempts: r.attempts + 1,
            nextAttemptAt: new Date(next).toISOString(),
            lastError: { code, message: messageOf(err) },
          }));
          this.log.warn({ messageId: id, code, attempts: rec.attempts + 1 }, 'send failed, will retry');
        }
      }
    }
    return nextDue;
  }

  /**
   * Where the backend offers it (Fabric), the fine-grained flow: endorse once, keep the signed transaction, and
   * submit those same bytes until the commit status is known, across restarts; a new proposal only when the backend
   * says one can succeed where the old one cannot (an MVCC conflict, endorsers that were down).
   */
  private async commitSend(
    id: string,
    envelope: Record<string, unknown>,
    ciphertextB64: string,
  ): Promise<{ transactionId: string }> {
    const ledger = this.options.ledger;
    const args = [JSON.stringify(envelope)];
    const transient = { ciphertext: new Uint8Array(Buffer.from(ciphertextB64, 'base64')) };
    if (!ledger.prepare || !ledger.commitPrepared) return ledger.submit('exchange:send', args, transient);
    let prepared = await this.store.get<PreparedSend>(S.outboxTx, id);
    if (!prepared) {
      const tx = await ledger.prepare('exchange:send', args, transient);
      prepared = { transactionId: tx.transactionId, bytes: Buffer.from(tx.bytes).toString('base64') };
      await this.store.batch([{ type: 'put', sublevel: S.outboxTx, key: id, value: prepared }]);
      this.log.info({ messageId: id, txId: tx.transactionId }, 'endorsed');
    } else {
      this.log.info({ messageId: id, txId: prepared.transactionId }, 'resubmitting the endorsed transaction');
    }
    try {
      return await ledger.commitPrepared(Buffer.from(prepared.bytes, 'base64'));
    } catch (err) {
      if (retryOf(err) === 'new-proposal') {
        await this.store.batch([{ type: 'del', sublevel: S.outboxTx, key: id }]);
      }
      throw err;
    }
  }

  private async drainIntents(signal: AbortSignal): Promise<number> {
    let nextDue = Infinity;
    const entries: Array<[string, Intent]> = [];
    for await (const e of this.store.sublevel<Intent>(S.intents).iterator()) entries.push(e);
    for (const [key, intent] of entries) {
      if (signal.aborted) break;
      if (intent.nextAttemptAt && Date.parse(intent.nextAttemptAt) > Date.now()) {
        nextDue = Math.min(nextDue, Date.parse(intent.nextAttemptAt));
        continue;
      }
      try {
        await this.options.ledger.submit('exchange:setStatus', [
          intent.messageId,
          intent.status,
          (intent.reason ?? '').slice(0, 500),
        ]);
        await this.store.batch([{ type: 'del', sublevel: S.intents, key }]);
      } catch (err) {
        const code = codeOf(err);
        if (isPermanent(err)) {
          // e.g. DELIVERED after ACCEPTED already went through: the later status wins, nothing to do.
          await this.store.batch([{ type: 'del', sublevel: S.intents, key }]);
          this.log.warn({ messageId: intent.messageId, status: intent.status, code }, 'status not set');
        } else {
          const next = this.backoff(intent.attempts);
          nextDue = Math.min(nextDue, next);
          await this.store.batch([
            {
              type: 'put',
              sublevel: S.intents,
              key,
              value: {
                ...intent,
                attempts: intent.attempts + 1,
                nextAttemptAt: new Date(next).toISOString(),
              },
            },
          ]);
        }
      }
    }
    return nextDue;
  }

  private intentOps(messageId: string, status: Intent['status'], reason?: string): BatchOp[] {
    // Ordered key: DELIVERED before the final status of the same message.
    const order = status === 'DELIVERED' ? '1' : '2';
    const intent: Intent = { messageId, status, reason, attempts: 0 };
    return [{ type: 'put', sublevel: S.intents, key: `${messageId}\u0000${order}`, value: intent }];
  }

  private async updateOutbox(
    id: string,
    change: (r: OutboxRecord) => OutboxRecord,
    notify?: { kind: Notification['kind']; reason?: string },
    extra: BatchOp[] = [],
  ): Promise<OutboxRecord | undefined> {
    return this.serial(async () => {
      const rec = await this.store.get<OutboxRecord>(S.outbox, id);
      if (!rec) {
        await this.store.batch(extra);
        return undefined;
      }
      const next = { ...change(rec), updatedAt: now() };
      const ops: BatchOp[] = [{ type: 'put', sublevel: S.outbox, key: id, value: next }, ...extra];
      if (next.status !== 'PENDING') {
        ops.push(
          { type: 'del', sublevel: S.pending, key: pendingKey(rec) },
          { type: 'del', sublevel: S.pending, key: id },
        );
      }
      const notification =
        notify && next.status !== rec.status
          ? this.notificationOp(ops, {
              kind: notify.kind,
              messageId: id,
              documentType: next.documentType,
              sender: this.participantId,
              addressee: next.addressee,
              status: next.status,
              reason: notify.reason,
            })
          : undefined;
      await this.store.batch(ops);
      if (notification) this.emit(notification);
      return next;
    });
  }

  // ---- the event follower ----------------------------------------------------------------------------------

  private async runFollower(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const cp = await this.store.get<Checkpoint>(S.meta, 'checkpoint');
      // The backend resumes after the checkpointed transaction, skipping the rest of its block already processed.
      const from = cp
        ? { blockNumber: BigInt(cp.blockNumber), transactionId: cp.transactionId }
        : { blockNumber: 0n };
      try {
        for await (const ev of this.options.ledger.events(from, signal)) {
          if (signal.aborted) break;
          await this.handleEvent(ev);
          this.followerBlock = ev.blockNumber;
          this.lastActivity = Date.now();
        }
      } catch (err) {
        if (signal.aborted) break;
        this.log.warn({ code: codeOf(err), err: messageOf(err) }, 'event stream broken, reconnecting');
        await new Promise((r) => setTimeout(r, this.retryInitial));
      }
    }
  }

  private checkpointOp(ev: ChaincodeEvent): BatchOp {
    return {
      type: 'put',
      sublevel: S.meta,
      key: 'checkpoint',
      value: { blockNumber: ev.blockNumber.toString(), transactionId: ev.transactionId } satisfies Checkpoint,
    };
  }

  private async handleEvent(ev: ChaincodeEvent): Promise<void> {
    const p = json(ev.payload) as {
      messageId: string;
      sender: string;
      addressee: string;
      documentType: string;
      status: string;
    };
    if (ev.eventName === 'MessageSent' && p.addressee === this.participantId) {
      await this.receive(ev, p);
      return;
    }
    if (ev.eventName === 'StatusChanged' && p.sender === this.participantId) {
      await this.updateOutbox(
        p.messageId,
        (r) => (rank(p.status) > rank(r.status) ? { ...r, status: p.status as OutboxRecord['status'] } : r),
        { kind: 'status.changed' },
        [this.checkpointOp(ev)],
      );
      return;
    }
    if (ev.eventName === 'MessageSent' && p.sender === this.participantId) {
      // Our own send, committed: a record still PENDING here was committed before a crash lost the answer.
      await this.updateOutbox(
        p.messageId,
        (r) => (r.status === 'PENDING' ? { ...r, status: 'SENT', txId: ev.transactionId } : r),
        undefined,
        [this.checkpointOp(ev)],
      );
      return;
    }
    await this.serial(() => this.store.batch([this.checkpointOp(ev)]));
  }

  private async receive(
    ev: ChaincodeEvent,
    p: { messageId: string; sender: string; documentType: string },
  ): Promise<void> {
    if (await this.store.get(S.inbox, p.messageId)) {
      await this.serial(() => this.store.batch([this.checkpointOp(ev)]));
      return;
    }
    const envelope = json(await this.options.ledger.evaluate('exchange:get', [p.messageId])) as {
      sender: string;
      senderKeyVersion: number;
      formatVersion: string;
      documentType: string;
      sentAt?: string;
      replyTo?: string;
      corrects?: string;
      ciphertextHash: string;
    };
    const at = now();
    const base: InboxRecord = {
      messageId: p.messageId,
      documentType: envelope.documentType,
      formatVersion: envelope.formatVersion,
      sender: envelope.sender,
      status: 'RECEIVED',
      receivedAt: at,
      updatedAt: at,
      sentAt: envelope.sentAt,
      replyTo: envelope.replyTo,
      corrects: envelope.corrects,
    };
    let document: Doc | undefined;
    let rejection: InboxRecord['rejection'];
    try {
      const b64 = json(await this.options.ledger.evaluate('exchange:getPayload', [p.messageId]));
      const ciphertext = new Uint8Array(Buffer.from(String(b64), 'base64'));
      if (sha256Hex(ciphertext) !== envelope.ciphertextHash) {
        throw new DmsnetError(
          'PAYLOAD_HASH_MISMATCH',
          'the stored ciphertext does not match its hash on the ledger',
        );
      }
      const opened = await openDocument({
        ciphertext,
        boxPublicKey: this.options.keys.boxPublicKey,
        boxSecretKey: this.options.keys.boxSecretKey,
        resolveSignKey: (who, v) => this.directory.signKey(who, v),
        expectedSender: { participant: envelope.sender, keyVersion: envelope.senderKeyVersion },
      });
      document = opened.document as Doc;
      base.digest = opened.digest;
      const errors = await this.validateReceived(document, envelope);
      if (errors.length > 0) {
        rejection = { code: 'DOCUMENT_INVALID', message: `breaks ${errors.length} format rule(s)`, errors };
      }
    } catch (err) {
      rejection = { code: codeOf(err), message: messageOf(err), errors: [] };
    }
    let decision: Awaited<ReturnType<DocumentHandler>> = { action: 'none' };
    if (!rejection && document) {
      const handler = this.options.handlers?.[envelope.documentType];
      if (handler) {
        try {
          decision = await handler(document);
        } catch (err) {
          this.log.error({ messageId: p.messageId, code: codeOf(err) }, 'workflow handler failed');
        }
      }
      if (decision.action === 'reject') {
        rejection = {
          code: 'REJECTED_BY_WORKFLOW',
          message: decision.comment ?? '',
          errors: decision.errors,
        };
      }
    }
    const record: InboxRecord = rejection
      ? { ...base, status: 'REJECTED', rejection }
      : decision.action === 'accept'
        ? { ...base, status: 'ACCEPTED', comment: decision.comment }
        : base;
    await this.serial(async () => {
      const ops: BatchOp[] = [
        { type: 'put', sublevel: S.inbox, key: p.messageId, value: record },
        { type: 'put', sublevel: S.inboxTime, key: `${at}\u0000${p.messageId}`, value: p.messageId },
        this.checkpointOp(ev),
        ...this.intentOps(p.messageId, 'DELIVERED'),
      ];
      // Only verified documents are kept: a payload that failed to open or verify is evidence only on the ledger.
      if (
        document &&
        !(rejection && rejection.code !== 'DOCUMENT_INVALID' && rejection.code !== 'REJECTED_BY_WORKFLOW')
      ) {
        ops.push({ type: 'put', sublevel: S.inboxDoc, key: p.messageId, value: document });
      }
      if (record.status !== 'RECEIVED')
        ops.push(...this.intentOps(p.messageId, record.status, rejection?.code));
      const n = this.notificationOp(ops, {
        kind: rejection ? 'document.rejected' : 'document.received',
        messageId: p.messageId,
        documentType: record.documentType,
        sender: record.sender,
        addressee: this.participantId,
        status: record.status,
        reason: rejection?.code,
      });
      await this.store.batch(ops);
      this.emit(n);
    });
    this.log.info(
      { messageId: p.messageId, type: record.documentType, status: record.status, code: rejection?.code },
      'received',
    );
    // A reply answers only documents that are themselves not replies, so two nodes never reply to each other forever.
    if (record.status !== 'RECEIVED' && record.documentType !== 'reply') {
      // A refusal always names what was wrong: for a payload that cannot be opened, the code itself.
      const errors = rejection?.errors.length
        ? rejection.errors
        : rejection
          ? [{ pointer: '', code: rejection.code, message: rejection.message.slice(0, 500) }]
          : [];
      await this.sendReply(record, record.status, errors, record.comment);
    }
    if (record.documentType === 'reply' && document && !rejection) await this.noteReply(document);
    this.kick();
  }

  /** Keeps the addressee's answer beside the original outbox record, so the sender sees the row errors. */
  private async noteReply(reply: Doc): Promise<void> {
    const h = reply.header as { documentId: string; replyToId?: string };
    const b = reply.body as { decision: string; errors?: FieldError[]; comment?: string };
    if (!h.replyToId) return;
    await this.updateOutbox(h.replyToId, (r) => ({
      ...r,
      reply: { messageId: h.documentId, decision: b.decision, errors: b.errors, comment: b.comment },
    }));
  }

  private async validateReceived(
    document: Doc,
    envelope: { sender: string; formatVersion: string; documentType: string },
  ): Promise<FieldError[]> {
    const h = document.header as {
      type?: string;
      formatVersion?: string;
      sender?: { ogrn?: string };
      addressee?: { ogrn?: string };
    };
    const errors: FieldError[] = [];
    // The header inside the signature must agree with the envelope the ledger accepted.
    if (h.type !== envelope.documentType) {
      errors.push({
        pointer: '/header/type',
        code: 'ENVELOPE_MISMATCH',
        message: 'differs from the ledger envelope',
      });
    }
    if (h.formatVersion !== envelope.formatVersion) {
      errors.push({
        pointer: '/header/formatVersion',
        code: 'ENVELOPE_MISMATCH',
        message: 'differs from the ledger envelope',
      });
    }
    if (h.sender?.ogrn !== envelope.sender) {
      errors.push({
        pointer: '/header/sender/ogrn',
        code: 'ENVELOPE_MISMATCH',
        message: 'differs from the ledger envelope',
      });
    }
    if (h.addressee?.ogrn !== this.participantId) {
      errors.push({
        pointer: '/header/addressee/ogrn',
        code: 'ENVELOPE_MISMATCH',
        message: 'this node is the addressee',
      });
    }
    if (errors.length) return errors;
    const schemaText = await this.directory.schemaText(envelope.documentType, envelope.formatVersion);
    return validateDocument(document, { schemaText });
  }

  // ---- notifications and the write lock --------------------------------------------------------------------

  private notificationOp(ops: BatchOp[], n: Omit<Notification, 'seq' | 'at'>): Notification {
    const full: Notification = { ...n, seq: this.nextSeq++, at: now() };
    if (full.reason === undefined) delete full.reason;
    ops.push({ type: 'put', sublevel: S.notifications, key: seqKey(full.seq), value: full });
    return full;
  }

  private emit(n: Notification): void {
    for (const l of this.listeners) {
      try {
        l(n);
      } catch (err) {
        this.log.warn({ err: messageOf(err) }, 'notification listener failed');
      }
    }
  }

  /** Read-modify-write steps run one at a time so a notification sequence number is never reused. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async firstKey(sublevel: string): Promise<string | undefined> {
    for await (const k of this.store.sublevel(sublevel).keys({ limit: 1 })) return k;
    return undefined;
  }
}

function rank(status: string): number {
  return { PENDING: 0, SENT: 1, DELIVERED: 2, ACCEPTED: 3, REJECTED: 3, FAILED: 4 }[status] ?? 0;
}
