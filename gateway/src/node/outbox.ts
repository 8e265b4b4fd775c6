// The outbox: documents validated, sealed once and queued durably in arrival order, then committed to the ledger
// with retries; and the status intents (DELIVERED, ACCEPTED, REJECTED) the node owes the ledger as an addressee.
import type { ErrorCode } from '@dmsnet/formats/error-codes';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { DmsnetError } from '@dmsnet/formats/errors';
import { isFinalCode } from '@dmsnet/formats/error-codes';
import { documentSummary, messageIdOf, validateDocument } from '@dmsnet/formats';
import { defaultRoutes, routeAllowed } from '@dmsnet/formats/routes';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { sealDocument, sha256Hex } from '../crypto/index.js';
import { describeSealedFile, filesFolder, ownKeyPath, readPiece, sealedFilePath } from './files.js';
import { signerFingerprintOf } from '@dmsnet/gost';
import type { BatchOp } from '../store/store.js';
import type { NodeContext } from './context.js';
import { assertParties } from './parties.js';
import { behalfFault, delegatedAddressee } from './delegations.js';
import { currentKeyOf } from './directory.js';
import { sendEndorsers } from './endorsers.js';
import {
  codeOf,
  documentIdOp,
  messageOf,
  now,
  pendingKey,
  Sublevel,
  type Doc,
  type Intent,
} from './layout.js';
import type { InboxRecord, Notification, OutboxRecord, Participant } from './types.js';
import type { ReceiptIntent } from './receipts.js';

/** The ledger status a reply's decision gives the document it answers (a dispute or a contest is a refusal). */
export function replyStatusOf(decision: string | undefined): 'ACCEPTED' | 'REJECTED' {
  return decision === 'ACCEPTED' ? 'ACCEPTED' : 'REJECTED';
}

/**
 * A refusal that no retry can fix ends the record FAILED with its code. The registry's retry class decides, the same
 * on every ledger: the embedded one throws the contract's codes as they are, while Fabric also says `retry: 'none'`
 * of every contract refusal and of commit outcomes a new proposal cannot change (`retryOf`).
 */
const retryOf = (err: unknown): string | undefined => (err as { retry?: string } | null)?.retry;
const isPermanent = (err: unknown) => isFinalCode(codeOf(err)) || retryOf(err) === 'none';

/** An endorsed transaction kept until its commit status is known, so a restart submits the very same bytes. */
interface PreparedSend {
  transactionId: string;
  bytes: string;
}

export class Outbox {
  private wake?: () => void;
  private readonly retryInitial: number;
  private readonly retryMax: number;

  constructor(
    private readonly ctx: NodeContext,
    retry: { initialMs?: number; maxMs?: number } = {},
  ) {
    this.retryInitial = retry.initialMs ?? 200;
    this.retryMax = retry.maxMs ?? 30_000;
  }

  kick(): void {
    this.wake?.();
  }

  /** Validates, seals and queues a document; answers the stored record (the same one for a resend). */
  /**
   * The signature the directory's profile for this node asks for: undefined for ed25519 (made while sealing), a CMS
   * from the GOST signer for gost2012-256, whose certificate must be the one registered.
   */
  private async signatureByProfile(
    canonical: string,
  ): Promise<{ profile: 'gost2012-256'; bytes: Uint8Array } | undefined> {
    const me = await this.ctx.directory.participant(this.ctx.participantId);
    const registered = me.signature;
    if (!registered || registered.profile !== 'gost2012-256') return undefined;
    const signer = this.ctx.gostSigner;
    if (!signer) {
      throw new DmsnetError(
        'SIGNER_UNAVAILABLE',
        'the directory registers gost2012-256 for this participant, but this node has no GOST key or signer',
      );
    }
    const bytes = await signer.sign(Buffer.from(canonical, 'utf8'));
    const cert = signerFingerprintOf(bytes);
    if (cert !== registered.fingerprint) {
      throw new DmsnetError(
        'CERT_NOT_REGISTERED',
        "this node's GOST certificate is not the one the directory registers for it: register it first",
      );
    }
    return { profile: 'gost2012-256', bytes };
  }

  /**
   * `files`: the sealed files of a medical-documentation answer, in the order of its attachments, sealed by the upload
   * (to the addressee, the stream key also to this node: `ownKey`); they move under the record and travel first.
   */
  async enqueue(
    original: unknown,
    o: { files?: ReadonlyArray<{ path: string; ownKey: Uint8Array }> } = {},
  ): Promise<OutboxRecord> {
    const input = await this.routeOnBehalf(original);
    // Checked against the text the registry voted for that version, as every addressee will check it: a version
    // whose text does not compile is refused here, with its reason, instead of being rejected by each addressee.
    const schemaText = await this.registrySchemaText(input);
    const errors = validateDocument(input, schemaText ? { schemaText } : {});
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
      onBehalfOf?: string;
    };
    if (h.sender.ogrn !== this.ctx.participantId) {
      throw new DmsnetError('SENDER_NOT_SELF', 'the sender must be this node’s participant', [
        {
          pointer: '/header/sender/ogrn',
          code: 'SENDER_NOT_SELF',
          message: `this node sends as ${this.ctx.participantId}`,
        },
      ]);
    }
    await assertParties(this.ctx.directory, h);
    const replyStatus = h.type === 'reply' ? await this.checkReply(doc) : undefined;
    // Canonical text once: its hash tells a resend from a conflict, and the seal signs the very same text.
    const canonical = canonicalJson({ header: doc.header, body: doc.body });
    const digest = sha256Hex(canonical);
    // The ledger id carries the sender, so a document another participant sent here never shares an id with ours.
    const messageId = messageIdOf(this.ctx.participantId, h.documentId);
    const existing = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, messageId);
    if (existing) {
      if (existing.digest === digest) {
        for (const f of o.files ?? []) await rm(f.path, { force: true });
        return existing;
      }
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
      addressee = await this.ctx.directory.participant(h.addressee.ogrn);
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
    if (h.type !== 'reply') await this.checkRoute(h.type, h.formatVersion, addressee);
    if (h.onBehalfOf !== undefined) {
      const me = await this.ctx.directory.participant(this.ctx.participantId);
      const fault = await behalfFault(this.ctx.directory, {
        principal: h.onBehalfOf,
        sender: { id: me.id, role: me.role },
        addressee: { id: addressee.id, role: addressee.role },
        documentType: h.type,
        body: doc.body,
        at: now(),
      });
      if (fault) throw new DmsnetError(fault.code as ErrorCode, fault.message, [fault]);
    }
    const key = currentKeyOf(addressee);
    // Read once: a rotation while this document is sealed must not pair one version's key with another's number.
    const signing = { secretKey: this.ctx.keys.signSecretKey, version: this.ctx.keyVersion };
    const signature = await this.signatureByProfile(canonical);
    // Sealed once and stored: a resend after a crash must carry the very same bytes and hash.
    const ciphertext = await sealDocument({
      document: doc,
      canonical,
      signSecretKey: signing.secretKey,
      signature,
      senderId: this.ctx.participantId,
      keyVersion: signing.version,
      recipientBoxPublicKey: key.x25519,
    });
    const files = o.files ? await this.placeFiles(messageId, o.files) : undefined;
    const at = now();
    const record: OutboxRecord = {
      messageId,
      documentType: h.type,
      formatVersion: h.formatVersion,
      addressee: h.addressee.ogrn,
      status: 'PENDING',
      createdAt: at,
      updatedAt: at,
      digest,
      ciphertextHash: sha256Hex(ciphertext),
      size: ciphertext.byteLength,
      // A document answers one its addressee sent; a correction replaces one of this node's own.
      replyTo: h.replyToId ? messageIdOf(h.addressee.ogrn, h.replyToId) : undefined,
      ...(replyStatus ? { replyStatus } : {}),
      corrects: h.correctsId ? messageIdOf(this.ctx.participantId, h.correctsId) : undefined,
      ...(h.onBehalfOf ? { onBehalfOf: h.onBehalfOf } : {}),
      // The envelope must name the key the payload was signed with, even if the keys rotate before it is submitted.
      keyVersion: signing.version,
      ...(files ? { files } : {}),
      attempts: 0,
      summary: documentSummary(doc),
    };
    await this.ctx.serial(async () => {
      // Re-check inside the write lock: two concurrent sends of one id must not both be stored.
      const again = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, messageId);
      if (again) return;
      await this.ctx.store.batch([
        { type: 'put', sublevel: Sublevel.outbox, key: record.messageId, value: record },
        { type: 'put', sublevel: Sublevel.outboxDoc, key: record.messageId, value: doc },
        ...(signature
          ? [
              {
                type: 'put' as const,
                sublevel: Sublevel.outboxSig,
                key: record.messageId,
                value: { profile: signature.profile, bytes: Buffer.from(signature.bytes).toString('base64') },
              },
            ]
          : []),
        {
          type: 'put',
          sublevel: Sublevel.outboxCt,
          key: record.messageId,
          value: Buffer.from(ciphertext).toString('base64'),
        },
        {
          type: 'put',
          sublevel: Sublevel.outboxTime,
          key: `${at}\u0000${record.messageId}`,
          value: record.messageId,
        },
        { type: 'put', sublevel: Sublevel.pending, key: pendingKey(record), value: record.messageId },
        documentIdOp(record.messageId),
      ]);
    });
    const stored = (await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, messageId)) as OutboxRecord;
    if (stored.digest !== digest) {
      throw new DmsnetError(
        'MESSAGE_ID_CONFLICT',
        `document ${h.documentId} was already sent with other content`,
      );
    }
    this.ctx.log.info(
      { messageId: record.messageId, type: record.documentType, size: record.size },
      'queued',
    );
    this.kick();
    return stored;
  }

  /** Moves uploaded sealed files under the document's id, keeps the own key beside each, describes them for the ledger. */
  private async placeFiles(
    messageId: string,
    files: ReadonlyArray<{ path: string; ownKey: Uint8Array }>,
  ): Promise<NonNullable<OutboxRecord['files']>> {
    await mkdir(filesFolder(this.ctx.dataDir, 'out'), { recursive: true });
    const out: NonNullable<OutboxRecord['files']> = [];
    for (const [i, f] of files.entries()) {
      const path = sealedFilePath(this.ctx.dataDir, 'out', messageId, i);
      await writeFile(ownKeyPath(path), f.ownKey, { mode: 0o600 });
      await rename(f.path, path);
      out.push({ ...(await describeSealedFile(path)), sent: 0 });
    }
    return out;
  }

  /**
   * Sends the pieces of a record's files not yet committed, one transaction each, recording after each how far it got:
   * a crash after piece k resumes at k + 1, and a piece committed whose answer was lost is no change on the ledger.
   */
  private async sendFiles(rec: OutboxRecord): Promise<void> {
    const files = rec.files ?? [];
    let endorsingOrganizations: readonly string[] | undefined;
    for (const [i, f] of files.entries()) {
      const path = sealedFilePath(this.ctx.dataDir, 'out', rec.messageId, i);
      for (let seq = f.sent; seq < f.chunks; seq++) {
        endorsingOrganizations ??= await sendEndorsers(
          this.ctx.directory,
          this.ctx.participantId,
          rec.addressee,
        );
        const piece = await readPiece(path, seq);
        await this.ctx.ledger.submit(
          'exchange:putFilePiece',
          [rec.messageId, rec.addressee, String(i), String(seq)],
          { piece },
          { endorsingOrganizations },
        );
        await this.update(rec.messageId, (r) => ({
          ...r,
          files: (r.files ?? []).map((x, j) => (j === i ? { ...x, sent: Math.max(x.sent, seq + 1) } : x)),
        }));
      }
      if (f.chunks > f.sent)
        this.ctx.log.info({ messageId: rec.messageId, file: i, pieces: f.chunks }, 'file sent');
    }
  }

  /**
   * A clinic's document to an insurer that has delegated receiving its type to one assistance company goes to that
   * company instead, naming the insurer in `onBehalfOf` (decision record 0055); anything else is sent as given.
   */
  private async routeOnBehalf(input: unknown): Promise<unknown> {
    const doc = input as Doc | null;
    const h = (doc?.header ?? undefined) as
      { type?: unknown; addressee?: { ogrn?: unknown }; onBehalfOf?: unknown } | undefined;
    if (
      !h ||
      h.onBehalfOf !== undefined ||
      typeof h.type !== 'string' ||
      typeof h.addressee?.ogrn !== 'string'
    )
      return input;
    if (!routeAllowed(defaultRoutes(h.type), 'clinic', 'insurer')) return input;
    let insurer: Participant;
    try {
      insurer = await this.ctx.directory.participant(h.addressee.ogrn);
    } catch {
      return input; // an unknown addressee is refused below, with its own code
    }
    if (insurer.role !== 'insurer') return input;
    const d = await delegatedAddressee(this.ctx.directory, {
      insurer: insurer.id,
      documentType: h.type,
      body: (doc as Doc).body,
      at: now(),
    });
    if (!d) return input;
    this.ctx.log.info(
      { type: h.type, insurer: insurer.id, agent: d.agent, delegation: d.id },
      'sent to the agent',
    );
    return { ...(doc as Doc), header: { ...h, addressee: { ogrn: d.agent }, onBehalfOf: insurer.id } };
  }

  /** The registry's schema text for the document's type and version; undefined when it has none or is unreachable. */
  private async registrySchemaText(input: unknown): Promise<string | undefined> {
    const h = (input as { header?: { type?: unknown; formatVersion?: unknown } } | null)?.header;
    if (typeof h?.type !== 'string' || typeof h.formatVersion !== 'string') return undefined;
    try {
      return await this.ctx.directory.schemaText(h.type, h.formatVersion);
    } catch {
      // Unknown to the registry: the bundled schema judges it, and the ledger refuses a version that is not active.
      return undefined;
    }
  }

  /** The role × type matrix of the format version, checked here so a refusal is immediate and names the field. */
  private async checkRoute(type: string, version: string, addressee: Participant): Promise<void> {
    let routes: ReadonlyArray<readonly [string, string]>;
    try {
      routes = await this.ctx.directory.routes(type, version);
    } catch (err) {
      // A version the registry does not know is the ledger's to refuse (FORMAT_NOT_ACTIVE), with its own code.
      if (codeOf(err) === 'LEDGER_UNAVAILABLE') throw err;
      return;
    }
    const me = await this.ctx.directory.participant(this.ctx.participantId);
    if (!routeAllowed(routes, me.role, addressee.role)) {
      const message = `${type} ${version} goes by its routes; role ${me.role} to role ${addressee.role} is not one`;
      throw new DmsnetError('ROUTE_NOT_ALLOWED', message, [
        { pointer: '/header/addressee/ogrn', code: 'ROUTE_NOT_ALLOWED', message },
      ]);
    }
  }

  /**
   * A reply answers a document this node received from the reply's addressee and has decided; it carries that
   * decision as the ledger status it sets. Anything else is refused here as the ledger would refuse it.
   */
  private async checkReply(doc: Doc): Promise<'ACCEPTED' | 'REJECTED'> {
    const h = doc.header as { replyToId?: string; addressee: { ogrn: string } };
    const decision = (doc.body as { decision?: string }).decision;
    const status = replyStatusOf(decision);
    const refuse = (code: ErrorCode, pointer: string, message: string) =>
      new DmsnetError(code, message, [{ pointer, code, message }]);
    const original = h.replyToId
      ? await this.ctx.store.get<InboxRecord>(Sublevel.inbox, messageIdOf(h.addressee.ogrn, h.replyToId))
      : undefined;
    if (!original || original.sender !== h.addressee.ogrn) {
      throw refuse(
        'REPLY_NOT_ADDRESSEE',
        '/header/replyToId',
        'a reply answers a document this node received from the reply’s addressee',
      );
    }
    if (original.documentType === 'reply')
      throw refuse('REPLY_TO_REPLY', '/header/replyToId', 'a reply is final on arrival; it is not answered');
    if (original.status !== status) {
      throw refuse(
        'REPLY_STATUS_MISMATCH',
        '/body/decision',
        `the answered document is ${original.status} here; decide it with accept or reject`,
      );
    }
    return status;
  }

  /** The worker: drains the queues until `signal` aborts, sleeping until the next item is due or a kick. */
  async run(
    signal: AbortSignal,
    /** Further queues drained in the same loop (the waiting list of missing ciphertexts), each returning its next due. */
    others: ReadonlyArray<(signal: AbortSignal) => Promise<number>> = [],
  ): Promise<void> {
    while (!signal.aborted) {
      let nextDue = Infinity;
      try {
        nextDue = Math.min(await this.drainPending(signal), await this.drainIntents(signal));
        for (const drain of others) nextDue = Math.min(nextDue, await drain(signal));
      } catch (err) {
        this.ctx.log.error({ code: codeOf(err), err: messageOf(err) }, 'outbox worker error');
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
    for await (const e of this.ctx.store.sublevel<string>(Sublevel.pending).iterator()) queue.push(e);
    for (const [key, value] of queue) {
      if (signal.aborted) break;
      // Queues written before arrival order was kept hold the id as the key (and 1 as the value).
      const id = typeof value === 'string' ? value : key;
      const rec = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, id);
      if (!rec || rec.status !== 'PENDING') {
        await this.ctx.store.batch([{ type: 'del', sublevel: Sublevel.pending, key }]);
        continue;
      }
      if (rec.nextAttemptAt && Date.parse(rec.nextAttemptAt) > Date.now()) {
        nextDue = Math.min(nextDue, Date.parse(rec.nextAttemptAt));
        continue;
      }
      // A reply waits for the DELIVERED of the document it answers, so the ledger's trail keeps that step.
      if (rec.replyTo && (await this.ctx.store.get(Sublevel.intents, `${rec.replyTo}\u00001`))) {
        nextDue = Math.min(nextDue, Date.now() + 50);
        continue;
      }
      const ct = await this.ctx.store.get<string>(Sublevel.outboxCt, id);
      const envelope = {
        ...(rec.files
          ? {
              files: rec.files.map((f) => ({ sealedBytes: f.sealedBytes, chunks: f.chunks, chain: f.chain })),
            }
          : {}),
        messageId: rec.messageId,
        sender: this.ctx.participantId,
        addressee: rec.addressee,
        documentType: rec.documentType,
        formatVersion: rec.formatVersion,
        ciphertextHash: rec.ciphertextHash,
        size: rec.size,
        senderKeyVersion: rec.keyVersion ?? this.ctx.keyVersion,
        ...(rec.replyTo ? { replyTo: rec.replyTo } : {}),
        ...(rec.replyStatus ? { replyStatus: rec.replyStatus } : {}),
        ...(rec.corrects ? { corrects: rec.corrects } : {}),
        ...(rec.onBehalfOf ? { onBehalfOf: rec.onBehalfOf } : {}),
      };
      try {
        // The files first: the ledger announces the document only once they are all there.
        if (rec.files?.some((f) => f.sent < f.chunks)) await this.sendFiles(rec);
        const res = await this.commitSend(id, envelope, ct ?? '');
        await this.update(
          id,
          (r) =>
            r.status === 'PENDING'
              ? { ...r, status: 'SENT', txId: res.transactionId, lastError: undefined }
              : r,
          undefined,
          [{ type: 'del', sublevel: Sublevel.outboxTx, key: id }],
        );
        this.ctx.log.info({ messageId: id, txId: res.transactionId }, 'committed');
      } catch (err) {
        const code = codeOf(err);
        // A piece or the envelope just after the previous piece committed may be endorsed by a peer a block behind
        // (Fabric has no read-your-writes across peers), which refuses it as out of order or incomplete until it
        // catches up: tried again with the backoff, a few times, before it counts as a refusal (decision 0058).
        const peerBehind =
          rec.files !== undefined &&
          (code === 'FILE_CHUNK_ORDER' || code === 'FILES_INCOMPLETE') &&
          rec.attempts < 8;
        if (isPermanent(err) && !peerBehind) {
          await this.update(
            id,
            (r) => ({ ...r, status: 'FAILED', lastError: { code, message: messageOf(err) } }),
            {
              kind: 'status.changed',
              reason: code,
            },
            [{ type: 'del', sublevel: Sublevel.outboxTx, key: id }],
          );
          this.ctx.log.warn({ messageId: id, code }, 'refused by the ledger');
        } else {
          const next = this.backoff(rec.attempts);
          nextDue = Math.min(nextDue, next);
          await this.update(id, (r) => ({
            ...r,
            attempts: r.attempts + 1,
            nextAttemptAt: new Date(next).toISOString(),
            lastError: { code, message: messageOf(err) },
          }));
          this.ctx.log.warn({ messageId: id, code, attempts: rec.attempts + 1 }, 'send failed, will retry');
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
    const ledger = this.ctx.ledger;
    const args = [JSON.stringify(envelope)];
    const transient = { ciphertext: new Uint8Array(Buffer.from(ciphertextB64, 'base64')) };
    if (!ledger.prepare || !ledger.commitPrepared) return ledger.submit('exchange:send', args, transient);
    let prepared = await this.ctx.store.get<PreparedSend>(Sublevel.outboxTx, id);
    if (!prepared) {
      const endorsingOrganizations = await sendEndorsers(
        this.ctx.directory,
        this.ctx.participantId,
        String(envelope.addressee),
      );
      const tx = await ledger.prepare('exchange:send', args, transient, { endorsingOrganizations });
      prepared = { transactionId: tx.transactionId, bytes: Buffer.from(tx.bytes).toString('base64') };
      await this.ctx.store.batch([{ type: 'put', sublevel: Sublevel.outboxTx, key: id, value: prepared }]);
      this.ctx.log.info({ messageId: id, txId: tx.transactionId }, 'endorsed');
    } else {
      this.ctx.log.info(
        { messageId: id, txId: prepared.transactionId },
        'resubmitting the endorsed transaction',
      );
    }
    try {
      return await ledger.commitPrepared(Buffer.from(prepared.bytes, 'base64'));
    } catch (err) {
      if (retryOf(err) === 'new-proposal') {
        await this.ctx.store.batch([{ type: 'del', sublevel: Sublevel.outboxTx, key: id }]);
      }
      throw err;
    }
  }

  /**
   * The addressee's organisation lost the ciphertext of a document this node sent and asked for it on the ledger
   * (decision 0053): the very bytes sealed once (decision 0006) go again, endorsed by the addressee's organisation,
   * whose collection takes them; the record counts the re-sends. Called by the follower, whose checkpoint goes in
   * the same batch, so a crash sends again at most once more (the contract writes nothing for a request answered).
   */
  async resend(messageId: string, checkpoint: BatchOp): Promise<void> {
    const rec = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, messageId);
    const ct = rec && (await this.ctx.store.get<string>(Sublevel.outboxCt, messageId));
    if (!rec || !ct) {
      // Purged here, or sent from another node's store: nothing to send; the addressee refuses it in the end.
      this.ctx.log.warn({ messageId }, 'asked to send a ciphertext again that this node does not hold');
      await this.ctx.serial(() => this.ctx.store.batch([checkpoint]));
      return;
    }
    const endorsingOrganizations = await sendEndorsers(
      this.ctx.directory,
      this.ctx.participantId,
      rec.addressee,
    );
    const res = await this.ctx.ledger.submit(
      'exchange:resend',
      [messageId],
      { ciphertext: new Uint8Array(Buffer.from(ct, 'base64')) },
      { endorsingOrganizations },
    );
    const env = JSON.parse(Buffer.from(res.result).toString('utf8')) as { resends?: number };
    await this.update(
      messageId,
      (r) => (env.resends ? { ...r, resent: { count: env.resends, at: now() } } : r),
      undefined,
      [checkpoint],
    );
    this.ctx.log.info(
      { messageId, addressee: rec.addressee, resends: env.resends ?? 0, txId: res.transactionId },
      'sent the ciphertext again at the addressee’s request',
    );
  }

  private async drainIntents(signal: AbortSignal): Promise<number> {
    let nextDue = Infinity;
    const entries: Array<[string, Intent]> = [];
    for await (const e of this.ctx.store.sublevel<Intent>(Sublevel.intents).iterator()) entries.push(e);
    for (const [key, intent] of entries) {
      if (signal.aborted) break;
      if (intent.nextAttemptAt && Date.parse(intent.nextAttemptAt) > Date.now()) {
        nextDue = Math.min(nextDue, Date.parse(intent.nextAttemptAt));
        continue;
      }
      try {
        if (intent.receipt) {
          const { kind, receiptHash, sealed } = intent.receipt;
          await this.ctx.ledger.submit('receipts:record', [
            intent.messageId,
            JSON.stringify({ kind, receiptHash, sealed }),
          ]);
        } else {
          await this.ctx.ledger.submit('exchange:setStatus', [
            intent.messageId,
            intent.status,
            (intent.reason ?? '').slice(0, 500),
          ]);
        }
        await this.ctx.store.batch([{ type: 'del', sublevel: Sublevel.intents, key }]);
      } catch (err) {
        const code = codeOf(err);
        if (isPermanent(err) && intent.receipt?.kind === 'delivery') {
          // A ledger without the receipts contract (or one refusing this receipt) still gets its DELIVERED: the
          // status never waits on the receipt, and the receipt stays kept here with its code.
          this.ctx.log.warn(
            { messageId: intent.messageId, code },
            'receipt not recorded; DELIVERED without it',
          );
          await this.ctx.store.batch([
            {
              type: 'put',
              sublevel: Sublevel.intents,
              key,
              value: { ...intent, receipt: undefined, attempts: 0 },
            },
          ]);
          nextDue = Date.now();
        } else if (isPermanent(err)) {
          // e.g. DELIVERED after ACCEPTED already went through: the later status wins, nothing to do.
          await this.ctx.store.batch([{ type: 'del', sublevel: Sublevel.intents, key }]);
          this.ctx.log.warn({ messageId: intent.messageId, status: intent.status, code }, 'status not set');
        } else {
          const next = this.backoff(intent.attempts);
          nextDue = Math.min(nextDue, next);
          await this.ctx.store.batch([
            {
              type: 'put',
              sublevel: Sublevel.intents,
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

  intentOps(
    messageId: string,
    status: Intent['status'],
    reason?: string,
    receipt?: ReceiptIntent,
  ): BatchOp[] {
    // Ordered key: DELIVERED before the final status of the same message; an acknowledgement of a receipt (kept by
    // the sender, whose intents never hold a status) after both.
    const order = receipt?.kind === 'acknowledgement' ? '3' : status === 'DELIVERED' ? '1' : '2';
    const intent: Intent = { messageId, status, reason, attempts: 0, ...(receipt ? { receipt } : {}) };
    return [{ type: 'put', sublevel: Sublevel.intents, key: `${messageId}\u0000${order}`, value: intent }];
  }

  async update(
    id: string,
    change: (r: OutboxRecord) => OutboxRecord,
    notify?: { kind: Notification['kind']; reason?: string },
    extra: BatchOp[] = [],
  ): Promise<OutboxRecord | undefined> {
    return this.ctx.serial(async () => {
      const rec = await this.ctx.store.get<OutboxRecord>(Sublevel.outbox, id);
      if (!rec) {
        await this.ctx.store.batch(extra);
        return undefined;
      }
      const next = { ...change(rec), updatedAt: now() };
      const ops: BatchOp[] = [{ type: 'put', sublevel: Sublevel.outbox, key: id, value: next }, ...extra];
      if (next.status !== 'PENDING') {
        ops.push(
          { type: 'del', sublevel: Sublevel.pending, key: pendingKey(rec) },
          { type: 'del', sublevel: Sublevel.pending, key: id },
        );
      }
      const notification =
        notify && next.status !== rec.status
          ? this.ctx.notifier.op(ops, {
              kind: notify.kind,
              messageId: id,
              documentType: next.documentType,
              sender: this.ctx.participantId,
              addressee: next.addressee,
              status: next.status,
              reason: notify.reason,
            })
          : undefined;
      await this.ctx.store.batch(ops);
      if (notification) this.ctx.notifier.emit(notification);
      return next;
    });
  }
}
