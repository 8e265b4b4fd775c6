// The inbox: a received document is fetched, opened, verified against the sender's key on the ledger, validated
// against its format and handed to the workflows, all recorded in one batch with the follower's checkpoint; the
// addressee's decision goes to the ledger as a status intent and to the sender as a signed reply.
import { createHash } from 'node:crypto';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { documentSummary, messageIdOf, parseMessageId, validateDocument } from '@dmsnet/formats';
import { checkLimits } from '@dmsnet/formats/limits';
import { openDocument, sha256Hex } from '../crypto/index.js';
import type { ChaincodeEvent } from '../ledger/types.js';
import type { BatchOp } from '../store/store.js';
import type { NodeContext } from './context.js';
import {
  checkpointOp,
  codeOf,
  documentIdOp,
  isTransient,
  json,
  messageOf,
  now,
  rank,
  Sublevel,
  type Doc,
} from './layout.js';
import { replyStatusOf, type Outbox } from './outbox.js';
import { checkParties } from './parties.js';
import { behalfFault } from './delegations.js';
import { NodeReceipts, type ReceiptIntent } from './receipts.js';
import type { FileOnLedger } from '@dmsnet/formats/attachments/transfer';
import { receiveFiles } from './file-arrival.js';
import type { AwaitingPayload, DocumentHandler, InboxRecord, OutboxRecord } from './types.js';

export type ReplyDecision = 'ACCEPTED' | 'REJECTED' | 'DISPUTED' | 'CONTESTED';

export class Inbox {
  private readonly receipts: NodeReceipts;
  constructor(
    private readonly ctx: NodeContext,
    private readonly outbox: Outbox,
  ) {
    this.receipts = new NodeReceipts(ctx);
  }

  async decide(
    id: string,
    status: 'ACCEPTED' | 'REJECTED',
    errors: FieldError[],
    comment?: string,
    replyDecision: ReplyDecision = status,
    rejectionCode: 'REJECTED_BY_RECIPIENT' | 'CLARIFICATION_REQUESTED' = 'REJECTED_BY_RECIPIENT',
  ): Promise<InboxRecord> {
    // Read and write under the node's write lock: of two decisions on one document the first wins, the other
    // meets its final status (409), and the reply that goes is the decision the ledger gets.
    const outcome = await this.ctx.serial(async () => {
      const rec = await this.ctx.store.get<InboxRecord>(Sublevel.inbox, id);
      if (!rec) throw new DmsnetError('NOT_FOUND', `no received document ${id}`);
      if (rec.documentType === 'reply') {
        throw new DmsnetError(
          'REPLY_IS_FINAL',
          `${id} is a reply: it is final on arrival and is not answered`,
        );
      }
      if (rec.status === 'WITHDRAWN') {
        throw new DmsnetError(
          'MESSAGE_WITHDRAWN',
          `${id} was withdrawn by its sender: ${rec.withdrawal?.reason ?? ''}`,
        );
      }
      if (rec.status === status) return { rec, updated: rec, fresh: false };
      if (rec.status !== 'RECEIVED') {
        throw new DmsnetError('STATUS_FINAL', `document ${id} is already ${rec.status}`);
      }
      const updated: InboxRecord = {
        ...rec,
        status,
        updatedAt: now(),
        comment,
        rejection:
          status === 'REJECTED' ? { code: rejectionCode, message: comment ?? '', errors } : undefined,
        ...(replyDecision === 'DISPUTED' || replyDecision === 'CONTESTED' ? { decision: replyDecision } : {}),
      };
      // The ledger's reason names a clarification request, so the trail tells it from a refusal.
      const reason =
        rejectionCode === 'CLARIFICATION_REQUESTED' ? `CLARIFICATION_REQUESTED: ${comment}` : comment;
      if (rec.email) {
        // An e-mailed document is not on the ledger: the decision stays here, and the mail bridge answers the
        // correspondent by e-mail when it sees this notification.
        const ops: BatchOp[] = [{ type: 'put', sublevel: Sublevel.inbox, key: id, value: updated }];
        const n = this.ctx.notifier.op(ops, {
          kind: 'status.changed',
          messageId: id,
          documentType: rec.documentType,
          sender: rec.sender,
          addressee: this.ctx.participantId,
          status,
          ...(reason ? { reason } : {}),
        });
        await this.ctx.store.batch(ops);
        this.ctx.notifier.emit(n);
        return { rec, updated, fresh: false };
      }
      await this.ctx.store.batch([
        { type: 'put', sublevel: Sublevel.inbox, key: id, value: updated },
        ...this.outbox.intentOps(id, status, reason),
      ]);
      return { rec, updated, fresh: true };
    });
    if (!outcome.fresh) return outcome.updated;
    await this.sendReply(outcome.updated, replyDecision, errors, comment);
    this.ctx.kick();
    return outcome.updated;
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
      createHash('sha256')
        .update(`${this.ctx.participantId}\u0000${rec.messageId}`)
        .digest('hex')
        .slice(0, 40);
    const body: Record<string, unknown> = { decision };
    if (errors.length) body.errors = errors;
    if (comment) body.comment = comment;
    const reply = {
      header: {
        documentId: replyId,
        type: 'reply',
        formatVersion: '1',
        sender: { ogrn: this.ctx.participantId },
        addressee: { ogrn: rec.sender },
        createdAt: now(),
        replyToId: parseMessageId(rec.messageId)?.documentId ?? rec.messageId,
      },
      body,
    };
    const existing = await this.ctx.store.get<OutboxRecord>(
      Sublevel.outbox,
      messageIdOf(this.ctx.participantId, replyId),
    );
    if (existing) return;
    try {
      await this.outbox.enqueue(reply);
    } catch (err) {
      // The ledger status carries the decision even when the reply cannot go (e.g. the sender was suspended).
      this.ctx.log.warn({ messageId: rec.messageId, code: codeOf(err) }, 'reply not sent');
    }
  }

  /**
   * Receives a document addressed here: from the follower (`ev`, whose checkpoint goes into the arrival's batch) or,
   * for a document whose ciphertext was missing, from the waiting list (awaiting.ts, no `ev`). A ciphertext the peer
   * does not hold is no verdict on the document (a peer still reconciling, or one that lost its private data):
   * unless `lastTry`, the document is put on the waiting list and the answer is 'missing' (decision 0053).
   */
  async receive(
    ev: ChaincodeEvent | undefined,
    p: { messageId: string; sender: string; documentType: string },
    o: { lastTry?: boolean } = {},
  ): Promise<'received' | 'missing'> {
    if (await this.ctx.store.get(Sublevel.inbox, p.messageId)) {
      await this.ctx.serial(() =>
        this.ctx.store.batch([
          { type: 'del', sublevel: Sublevel.awaitingPayload, key: p.messageId },
          ...(ev ? [checkpointOp(ev)] : []),
        ]),
      );
      return 'received';
    }
    const envelope = json(await this.ctx.ledger.evaluate('exchange:get', [p.messageId])) as {
      sender: string;
      senderKeyVersion: number;
      formatVersion: string;
      documentType: string;
      sentAt?: string;
      replyTo?: string;
      replyStatus?: string;
      corrects?: string;
      onBehalfOf?: string;
      ciphertextHash: string;
      files?: FileOnLedger[];
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
      ...(envelope.onBehalfOf ? { onBehalfOf: envelope.onBehalfOf } : {}),
      ciphertextHash: envelope.ciphertextHash,
    };
    let document: Doc | undefined;
    /** Set instead of `document` when the signed text breaks a limits rule: kept as text, never as a structure. */
    let signedText: string | undefined;
    let signature: { profile: string; bytes: string } | undefined;
    let rejection: InboxRecord['rejection'];
    try {
      let b64: unknown;
      try {
        b64 = json(await this.ctx.ledger.evaluate('exchange:getPayload', [p.messageId]));
      } catch (err) {
        if (codeOf(err) !== 'PAYLOAD_MISSING' || o.lastTry) throw err;
        if (ev) await this.awaitPayload(ev, p);
        return 'missing';
      }
      const ciphertext = new Uint8Array(Buffer.from(String(b64), 'base64'));
      if (sha256Hex(ciphertext) !== envelope.ciphertextHash) {
        throw new DmsnetError(
          'PAYLOAD_HASH_MISMATCH',
          'the stored ciphertext does not match its hash on the ledger',
        );
      }
      const opened = await this.openWithOwnKeys((box) =>
        openDocument({
          ciphertext,
          ...box,
          resolveSignKey: (who, v) => this.ctx.directory.signKey(who, v),
          resolveSignature: (who) => this.ctx.directory.expectedSignature(who, envelope.sentAt),
          expectedSender: { participant: envelope.sender, keyVersion: envelope.senderKeyVersion },
        }),
      );
      signature = opened.signature;
      base.digest = opened.digest;
      // Limits first, before anything walks the structure: a document nested 10,000 deep overflows the stack of
      // every recursive walk after this one (the store's JSON.stringify among them), on every retry.
      const limits = checkLimits(opened.document);
      if (limits.length > 0) {
        signedText = opened.canonical;
        rejection = {
          code: 'DOCUMENT_INVALID',
          message: `breaks ${limits.length} size or nesting limit(s)`,
          errors: limits,
        };
      } else if (!isDocumentShape(opened.document)) {
        signedText = opened.canonical;
        rejection = {
          code: 'DOCUMENT_INVALID',
          message: 'the signed text is not a document (an object with header and body objects)',
          errors: [
            { pointer: '', code: 'DOCUMENT_SHAPE', message: 'an object with header and body objects' },
          ],
        };
      } else {
        document = opened.document;
        const errors = await this.validateReceived(document, envelope, p.messageId);
        if (errors.length === 0 && envelope.documentType === 'reply')
          errors.push(...(await this.checkReplyReceived(document, envelope)));
        if (errors.length > 0) {
          rejection = { code: 'DOCUMENT_INVALID', message: `breaks ${errors.length} format rule(s)`, errors };
        }
      }
    } catch (err) {
      // The ledger or the store failing is no verdict on the document: the follower retries the event.
      if (isTransient(err)) throw err;
      rejection = { code: codeOf(err), message: messageOf(err), errors: [] };
    }
    // The files travelled before the envelope (decision 0058): fetched, still sealed, and checked against the document.
    if (!rejection && document && envelope.files?.length) {
      try {
        const errors = await receiveFiles(this.ctx, p.messageId, envelope.files, document);
        if (errors.length > 0)
          rejection = {
            code: 'DOCUMENT_INVALID',
            message: `${errors.length} file fault(s): the files are not what the document says`,
            errors,
          };
      } catch (err) {
        if (isTransient(err)) throw err;
        // A piece this organisation's peer does not hold yet (private data still reconciling) is no verdict on the
        // document: it waits on the list of missing ciphertexts like a missing payload (decision 0053).
        if (codeOf(err) === 'PAYLOAD_MISSING' && !o.lastTry) {
          if (ev) await this.awaitPayload(ev, p);
          return 'missing';
        }
        rejection = { code: codeOf(err), message: messageOf(err), errors: [] };
      }
    }
    let decision: Awaited<ReturnType<DocumentHandler>> = { action: 'none' };
    if (!rejection && document) {
      const handler = this.ctx.handlers()?.[envelope.documentType];
      if (handler) {
        try {
          decision = await handler(document);
        } catch (err) {
          this.ctx.log.error({ messageId: p.messageId, code: codeOf(err) }, 'workflow handler failed');
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
    // A reply is final on arrival: verified, it is taken as it is; nobody answers it.
    // Only a document read in full has a number, date and amount worth listing.
    if (document) base.summary = documentSummary(document);
    const record: InboxRecord = rejection
      ? { ...base, status: 'REJECTED', rejection }
      : decision.action === 'accept'
        ? { ...base, status: 'ACCEPTED', comment: decision.comment }
        : envelope.documentType === 'reply'
          ? { ...base, status: 'ACCEPTED' }
          : base;
    // The technical receipt, apart from any business decision: what arrived, and what opened and verified.
    const receipt = await this.receipts.issue(
      {
        kind: 'delivery',
        messageId: p.messageId,
        sender: envelope.sender,
        addressee: this.ctx.participantId,
        ciphertextHash: envelope.ciphertextHash,
        ...(base.digest
          ? { documentDigest: base.digest }
          : { openFailure: rejection?.code ?? 'RECEIVE_FAILED' }),
      },
      envelope.sender,
    );
    if (receipt)
      record.receipt = { hash: receipt.kept.receiptHash, issuedAt: receipt.kept.signed!.receipt.issuedAt };
    await this.ctx.serial(async () => {
      const ops = this.arrivalOps(ev, record, receipt?.intent);
      if (receipt) ops.push(this.receipts.keepOp(p.messageId, receipt.kept));
      // Only verified documents are kept: a payload that failed to open or verify is evidence only on the ledger.
      if (
        document &&
        !(rejection && rejection.code !== 'DOCUMENT_INVALID' && rejection.code !== 'REJECTED_BY_WORKFLOW')
      ) {
        ops.push({ type: 'put', sublevel: Sublevel.inboxDoc, key: p.messageId, value: document });
        if (signature)
          ops.push({ type: 'put', sublevel: Sublevel.inboxSig, key: p.messageId, value: signature });
      } else if (signedText !== undefined) {
        ops.push({ type: 'put', sublevel: Sublevel.inboxText, key: p.messageId, value: signedText });
        if (signature)
          ops.push({ type: 'put', sublevel: Sublevel.inboxSig, key: p.messageId, value: signature });
      }
      await this.commitArrival(ops, record);
    });
    this.ctx.log.info(
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
      // Decided on arrival (a new record is never WITHDRAWN: the sender's withdrawal comes as a later event).
      await this.sendReply(record, record.status as 'ACCEPTED' | 'REJECTED', errors, record.comment);
    }
    if (record.documentType === 'reply' && document && !rejection)
      await this.noteReply(document, p.messageId);
    else if (record.documentType === 'reply' && envelope.replyTo)
      await this.followLedgerStatus(envelope.replyTo);
    this.ctx.kick();
    return 'received';
  }

  /** Puts a document on the waiting list for its ciphertext, with the follower's checkpoint, in one batch. */
  private async awaitPayload(
    ev: ChaincodeEvent,
    p: { messageId: string; sender: string; documentType: string },
  ): Promise<void> {
    await this.ctx.serial(async () => {
      const earlier = await this.ctx.store.get<AwaitingPayload>(Sublevel.awaitingPayload, p.messageId);
      const at = now();
      const entry: AwaitingPayload = earlier ?? {
        messageId: p.messageId,
        sender: p.sender,
        documentType: p.documentType,
        since: at,
        attempts: 0,
        requests: 0,
        nextAttemptAt: at,
      };
      await this.ctx.store.batch([
        { type: 'put', sublevel: Sublevel.awaitingPayload, key: p.messageId, value: entry },
        checkpointOp(ev),
      ]);
    });
    this.ctx.log.info(
      { messageId: p.messageId, sender: p.sender },
      'ciphertext not on the peer (yet): waiting for it',
    );
    this.ctx.kick();
  }

  /**
   * The sender withdrew a document addressed here: the ledger's word wins over anything decided locally (a decision
   * that raced the withdrawal was refused on the ledger), so the record becomes WITHDRAWN with the sender's reason
   * and accept, reject and the workflows that end in them refuse it from now on.
   */
  async withdrawn(ev: ChaincodeEvent, messageId: string): Promise<void> {
    const envelope = json(await this.ctx.ledger.evaluate('exchange:get', [messageId])) as {
      status: string;
      statusAt: string;
      reason?: string;
    };
    await this.ctx.serial(async () => {
      const rec = await this.ctx.store.get<InboxRecord>(Sublevel.inbox, messageId);
      const ops: BatchOp[] = [checkpointOp(ev)];
      // Withdrawn while its ciphertext was awaited: there is nothing left to receive or to ask for.
      if (!rec && envelope.status === 'WITHDRAWN')
        ops.push({ type: 'del', sublevel: Sublevel.awaitingPayload, key: messageId });
      if (!rec || rec.status === 'WITHDRAWN' || envelope.status !== 'WITHDRAWN') {
        await this.ctx.store.batch(ops);
        return;
      }
      const updated: InboxRecord = {
        ...rec,
        status: 'WITHDRAWN',
        updatedAt: now(),
        withdrawal: { reason: envelope.reason ?? '', at: envelope.statusAt },
      };
      ops.push({ type: 'put', sublevel: Sublevel.inbox, key: messageId, value: updated });
      const n = this.ctx.notifier.op(ops, {
        kind: 'status.changed',
        messageId,
        documentType: rec.documentType,
        sender: rec.sender,
        addressee: this.ctx.participantId,
        status: 'WITHDRAWN',
        reason: envelope.reason?.slice(0, 200),
      });
      await this.ctx.store.batch(ops);
      this.ctx.notifier.emit(n);
    });
    this.ctx.log.info({ messageId, status: 'WITHDRAWN' }, 'withdrawn by its sender');
  }

  /** What every arrival writes in one batch with the checkpoint: the record, its indexes and the ledger intents. */
  /**
   * Opens with the current box key, then with earlier ones newest first: a sender that sealed before reading a
   * rotation used an earlier key. A wrong key fails authentication at once, so the extra tries cost next to nothing.
   */
  private async openWithOwnKeys<T>(
    open: (box: { boxPublicKey: Uint8Array; boxSecretKey: Uint8Array }) => Promise<T>,
  ): Promise<T> {
    const keys = this.ctx.keys;
    const candidates = [keys, ...[...(keys.previous ?? [])].sort((a, b) => b.version - a.version)];
    for (let i = 0; ; i++) {
      const k = candidates[i]!;
      try {
        return await open({ boxPublicKey: k.boxPublicKey, boxSecretKey: k.boxSecretKey });
      } catch (err) {
        if (i === candidates.length - 1 || (err as { code?: string }).code !== 'SEAL_OPEN_FAILED') throw err;
      }
    }
  }

  private arrivalOps(
    ev: ChaincodeEvent | undefined,
    record: InboxRecord,
    receipt?: ReceiptIntent,
  ): BatchOp[] {
    const id = record.messageId;
    const ops: BatchOp[] = [
      { type: 'put', sublevel: Sublevel.inbox, key: id, value: record },
      { type: 'put', sublevel: Sublevel.inboxTime, key: `${record.receivedAt}\u0000${id}`, value: id },
      documentIdOp(id),
      { type: 'del', sublevel: Sublevel.awaitingPayload, key: id },
      ...(ev ? [checkpointOp(ev)] : []),
      ...this.outbox.intentOps(id, 'DELIVERED', undefined, receipt),
    ];
    if (record.status !== 'RECEIVED')
      ops.push(
        ...this.outbox.intentOps(id, record.status as 'ACCEPTED' | 'REJECTED', record.rejection?.code),
      );
    return ops;
  }

  /** Writes an arrival's batch with its notification (called under the node's write lock). */
  private async commitArrival(ops: BatchOp[], record: InboxRecord): Promise<void> {
    const n = this.ctx.notifier.op(ops, {
      kind: record.rejection ? 'document.rejected' : 'document.received',
      messageId: record.messageId,
      documentType: record.documentType,
      sender: record.sender,
      addressee: this.ctx.participantId,
      status: record.status,
      reason: record.rejection?.code,
    });
    await this.ctx.store.batch(ops);
    this.ctx.notifier.emit(n);
  }

  /**
   * What the follower records when receiving an event failed in a way no retry mends: the document is REJECTED here
   * and on the ledger with the failure's code, nothing of it is kept, and the sender gets the refusal as a reply.
   */
  async receiveFailed(
    ev: ChaincodeEvent,
    p: { messageId: string; sender: string; documentType: string },
    cause: unknown,
  ): Promise<void> {
    const at = now();
    const rejection = {
      code: 'RECEIVE_FAILED',
      message: `${codeOf(cause)}: ${messageOf(cause)}`.slice(0, 500),
      errors: [] as FieldError[],
    };
    const record: InboxRecord = {
      messageId: p.messageId,
      documentType: p.documentType,
      formatVersion: '',
      sender: p.sender,
      status: 'REJECTED',
      receivedAt: at,
      updatedAt: at,
      rejection,
    };
    const fresh = await this.ctx.serial(async () => {
      // Failing after its record was written (in a reply, say) leaves the record as it is.
      if (await this.ctx.store.get(Sublevel.inbox, p.messageId)) {
        await this.ctx.store.batch([checkpointOp(ev)]);
        return false;
      }
      await this.commitArrival(this.arrivalOps(ev, record), record);
      return true;
    });
    if (!fresh) return;
    if (p.documentType !== 'reply') {
      await this.sendReply(record, 'REJECTED', [
        { pointer: '', code: rejection.code, message: rejection.message },
      ]);
    }
    this.ctx.kick();
  }

  /**
   * Keeps the addressee's answer beside the original outbox record, so the sender sees the row errors, and takes
   * the status the reply set on the ledger (one transaction set both, so no separate status event comes).
   */
  private async noteReply(reply: Doc, replyMessageId: string): Promise<void> {
    const h = reply.header as { replyToId?: string };
    const b = reply.body as { decision: string; errors?: FieldError[]; comment?: string };
    if (!h.replyToId) return;
    const status = replyStatusOf(b.decision);
    await this.outbox.update(
      messageIdOf(this.ctx.participantId, h.replyToId),
      (r) => ({
        ...r,
        ...(rank(status) > rank(r.status) ? { status } : {}),
        reply: { messageId: replyMessageId, decision: b.decision, errors: b.errors, comment: b.comment },
      }),
      { kind: 'status.changed' },
    );
  }

  /**
   * A reply refused here still set its answered document's status on the ledger (one transaction does both), and no
   * separate status event follows: the outbox record takes the ledger's word, not the refused reply's.
   */
  private async followLedgerStatus(answered: string): Promise<void> {
    if (!(await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, answered))) return;
    try {
      const { status } = json(await this.ctx.ledger.evaluate('exchange:get', [answered])) as {
        status: string;
      };
      await this.outbox.update(
        answered,
        (r) => (rank(status) > rank(r.status) ? { ...r, status: status as OutboxRecord['status'] } : r),
        { kind: 'status.changed' },
      );
    } catch (err) {
      this.ctx.log.warn(
        { messageId: answered, code: codeOf(err) },
        'ledger status of a replied document not read',
      );
    }
  }

  /**
   * Trusts a reply only as the answer of this node's document's addressee, about that document, saying what the
   * ledger says of it. The contract already refuses anything else; this holds even against a forged ledger entry.
   */
  private async checkReplyReceived(
    reply: Doc,
    envelope: { sender: string; replyTo?: string; replyStatus?: string },
  ): Promise<FieldError[]> {
    const h = reply.header as { replyToId?: string };
    const decision = (reply.body as { decision?: string }).decision;
    const forged = (pointer: string, message: string): FieldError[] => [
      { pointer, code: 'REPLY_FORGED', message },
    ];
    // A reply answers a document of this node's, so its ledger id is this node's id and the answered document id.
    const answered = h.replyToId ? messageIdOf(this.ctx.participantId, h.replyToId) : undefined;
    if (!answered || answered !== envelope.replyTo)
      return forged('/header/replyToId', 'differs from the ledger envelope');
    const original = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, answered);
    if (!original || original.documentType === 'reply' || original.addressee !== envelope.sender)
      return forged('/header/replyToId', 'names no document this node sent to the reply’s sender');
    const status = replyStatusOf(decision);
    if (status !== envelope.replyStatus)
      return forged('/body/decision', 'differs from the status the ledger envelope carries');
    const onLedger = json(await this.ctx.ledger.evaluate('exchange:get', [answered])) as {
      status: string;
    };
    if (onLedger.status !== status)
      return forged('/body/decision', `the ledger says the answered document is ${onLedger.status}`);
    return [];
  }

  private async validateReceived(
    document: Doc,
    envelope: {
      sender: string;
      formatVersion: string;
      documentType: string;
      onBehalfOf?: string;
      sentAt?: string;
    },
    messageId: string,
  ): Promise<FieldError[]> {
    const h = document.header as {
      documentId?: string;
      type?: string;
      formatVersion?: string;
      sender?: { ogrn?: string };
      addressee?: { ogrn?: string };
    };
    const errors: FieldError[] = [];
    // The header inside the signature must agree with the envelope the ledger accepted.
    if (typeof h.documentId !== 'string' || messageIdOf(envelope.sender, h.documentId) !== messageId) {
      errors.push({
        pointer: '/header/documentId',
        code: 'ENVELOPE_MISMATCH',
        message: 'differs from the ledger message id',
      });
    }
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
    if (h.addressee?.ogrn !== this.ctx.participantId) {
      errors.push({
        pointer: '/header/addressee/ogrn',
        code: 'ENVELOPE_MISMATCH',
        message: 'this node is the addressee',
      });
    }
    const onBehalfOf = (document.header as { onBehalfOf?: unknown }).onBehalfOf;
    if (onBehalfOf !== envelope.onBehalfOf) {
      errors.push({
        pointer: '/header/onBehalfOf',
        code: 'ENVELOPE_MISMATCH',
        message: 'differs from the ledger envelope',
      });
    }
    if (errors.length) return errors;
    // Checked again here against the delegations on the ledger: an older chaincode does not check it, and only this
    // node reads the programme and the policy the delegation's scope is about (decision record 0055).
    if (envelope.onBehalfOf !== undefined) {
      const [sender, me] = await Promise.all([
        this.ctx.directory.participant(envelope.sender),
        this.ctx.directory.participant(this.ctx.participantId),
      ]);
      const fault = await behalfFault(this.ctx.directory, {
        principal: envelope.onBehalfOf,
        sender: { id: sender.id, role: sender.role },
        addressee: { id: me.id, role: me.role },
        documentType: envelope.documentType,
        body: document.body,
        at: envelope.sentAt ?? now(),
      });
      if (fault) return [fault];
    }
    const schemaText = await this.ctx.directory.schemaText(envelope.documentType, envelope.formatVersion);
    return [...validateDocument(document, { schemaText }), ...(await checkParties(this.ctx.directory, h))];
  }
}

function isDocumentShape(value: unknown): value is Doc {
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  return isObject(value) && isObject((value as Doc).header) && isObject((value as Doc).body);
}
