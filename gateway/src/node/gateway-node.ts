// A participant's node: the facade over its parts — the outbox (outbox.ts), the inbox (inbox.ts), the event follower
// (follower.ts) and the notifications (notifier.ts) — which share one store and one write lock (context.ts).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { filesFolder, openSealedFile, sealedFilePath, type FileSide } from './files.js';
import { pino, type Logger } from 'pino';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import {
  Ed25519Signer,
  generateRotationKeys,
  GostKeyFileSigner,
  promoteRotation,
  publicKeysBase64,
  storeKeyOf,
  type ParticipantKeys,
  type Signer,
} from '../crypto/index.js';
import { carriedCertificates, verifyCms } from '@dmsnet/gost';
import { canonicalJson } from '@dmsnet/formats/canonical';
import type { LedgerClient } from '../ledger/types.js';
import { GatewayStore, type BatchOp } from '../store/store.js';
import type { NodeContext } from './context.js';
import { cursorKeyOf, Cursors } from './cursors.js';
import { DirectoryView } from './directory.js';
import { EventFollower } from './follower.js';
import { PayloadWaits, type PayloadWaitOptions } from './awaiting.js';
import { Inbox, type ReplyDecision } from './inbox.js';
import { codeOf, documentIdOp, json, Sublevel, type Checkpoint } from './layout.js';
import { Notifier } from './notifier.js';
import { Outbox } from './outbox.js';
import { Purger, PurgedError } from './purger.js';
import { NodeReceipts } from './receipts.js';
import { buildEvidence, evidenceDirectoryClaims, type LedgerEnvelope } from '../evidence/bundle.js';
import type {
  DocumentHandler,
  DocumentView,
  InboxRecord,
  ListQuery,
  Notification,
  OutboxRecord,
  Page,
  Participant,
  SignatureExport,
  TrailEntry,
} from './types.js';

export type { ReplyDecision };

export interface GatewayNodeOptions {
  participantId: string;
  dataDir: string;
  ledger: LedgerClient;
  keys: ParticipantKeys;
  /** The directory's version of `keys`, unless the key file records one (it does after a rotation). */
  keyVersion: number;
  /**
   * Writes the key file (encrypted with the node's passphrase). A node given it can rotate its keys; without it a
   * rotation is refused, since keys that exist only in memory would be lost at the next start.
   */
  saveKeys?: (keys: ParticipantKeys) => Promise<void>;
  /**
   * Signs for the gost2012-256 profile; by default the GOST key of the key file. A PKCS#11 token or a certified crypto
   * provider plugs in here (decision record 0014).
   */
  gostSigner?: Signer;
  logger?: Logger;
  /** Lets whenIdle() know how far the follower must get; the embedded ledger provides it. */
  ledgerHeight?: () => bigint | Promise<bigint>;
  /** Workflows per document type, called for each received, verified and valid document. */
  handlers?: Partial<Record<string, DocumentHandler>>;
  retry?: { initialMs?: number; maxMs?: number };
  /** How long a missing ciphertext is waited for, and when its sender is asked for it again (decision 0053). */
  payloadWait?: PayloadWaitOptions;
  /** How often the node purges documents whose retention has passed (default hourly; 0 turns it off). */
  retentionCheckMs?: number;
}

/**
 * A participant's node: everything between its local systems and the ledger. Writes go through durable queues
 * (outbox, status intents) and the event follower commits its checkpoint with what it wrote, so a crash at any
 * point resumes without loss or duplicates.
 */
export class GatewayNode {
  readonly participantId: string;
  readonly directory: DirectoryView;
  private readonly log: Logger;
  private writeChain: Promise<unknown> = Promise.resolve();
  private abort?: AbortController;
  private workerDone?: Promise<void>;
  private followerDone?: Promise<void>;
  private readonly outbox: Outbox;
  private readonly inbox: Inbox;
  private readonly follower: EventFollower;
  private readonly waits: PayloadWaits;
  private readonly purger: Purger;
  private readonly receipts: NodeReceipts;
  private retentionTimer?: NodeJS.Timeout;
  /** Current keys; replaced by a rotation, so the node's parts read them through the context at each use. */
  private keys: ParticipantKeys;
  private rotation?: Promise<unknown>;
  /** What the node's parts share (context.ts); the files' opener reads the keys through it. */
  private readonly ctx: NodeContext;

  private constructor(
    private readonly options: GatewayNodeOptions,
    readonly store: GatewayStore,
    private readonly notifier: Notifier,
    log: Logger,
    /** Issues and checks the opaque cursors of every paged list here (workflows' lists too). */
    readonly cursors: Cursors,
  ) {
    this.participantId = options.participantId;
    this.directory = new DirectoryView(options.ledger);
    this.log = log;
    this.keys = { ...options.keys, version: options.keys.version ?? options.keyVersion };
    const current = () => this.keys;
    const ctx: NodeContext = {
      participantId: options.participantId,
      dataDir: options.dataDir,
      ledger: options.ledger,
      get keys() {
        return current();
      },
      get keyVersion() {
        return current().version ?? options.keyVersion;
      },
      gostSigner:
        options.gostSigner ??
        (options.keys.gost
          ? new GostKeyFileSigner(
              options.keys.gost.privateKey,
              options.keys.gost.certificate,
              options.keys.gost.chain,
            )
          : undefined),
      store,
      log,
      directory: this.directory,
      notifier,
      handlers: () => this.options.handlers,
      serial: (fn) => this.serial(fn),
      kick: () => this.outbox.kick(),
    };
    this.ctx = ctx;
    this.outbox = new Outbox(ctx, options.retry);
    this.inbox = new Inbox(ctx, this.outbox);
    this.waits = new PayloadWaits(ctx, this.inbox, options.payloadWait);
    this.follower = new EventFollower(ctx, this.inbox, this.outbox, this.waits, {
      initialMs: options.retry?.initialMs ?? 200,
      maxMs: Math.min(options.retry?.maxMs ?? 10_000, 10_000),
    });
    this.purger = new Purger(ctx);
    this.receipts = new NodeReceipts(ctx);
  }

  static async open(options: GatewayNodeOptions): Promise<GatewayNode> {
    await mkdir(options.dataDir, { recursive: true });
    // Documents, roster and letters hold personal data: every value is sealed under the participant's store key.
    const storeKey = await storeKeyOf(options.keys);
    const store = await GatewayStore.open(options.dataDir, { key: storeKey });
    const log = (options.logger ?? pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'info' })).child({
      participant: options.participantId,
    });
    const cursors = new Cursors(cursorKeyOf(storeKey));
    const node = new GatewayNode(options, store, await Notifier.open(store, log), log, cursors);
    const cp = await store.get<Checkpoint>(Sublevel.meta, 'checkpoint');
    if (cp) node.follower.block = BigInt(cp.blockNumber);
    return node;
  }

  // ---- lifecycle -------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.abort) return;
    if (this.keys.next) {
      // A rotation was cut short: if its transaction committed, the directory already publishes the new key.
      await this.settleRotation().catch((err: unknown) =>
        this.log.warn({ code: codeOf(err) }, 'could not settle an interrupted key rotation'),
      );
    }
    this.abort = new AbortController();
    this.workerDone = this.outbox.run(this.abort.signal, [(signal) => this.waits.drain(signal)]);
    this.followerDone = this.follower.run(this.abort.signal);
    const every = this.options.retentionCheckMs ?? 3_600_000;
    if (every > 0) {
      const pass = () =>
        void this.purger
          .purgeExpired()
          .catch((err: unknown) => this.log.warn({ code: codeOf(err) }, 'retention pass failed'));
      this.retentionTimer = setInterval(pass, every);
      this.retentionTimer.unref();
      pass();
    }
  }

  async stop(): Promise<void> {
    const a = this.abort;
    clearInterval(this.retentionTimer);
    if (a) {
      this.abort = undefined;
      a.abort();
      this.outbox.kick();
      await Promise.allSettled([this.workerDone, this.followerDone]);
    }
    await this.writeChain.catch(() => undefined);
    await this.store.close();
  }

  /**
   * Resolves once nothing is queued and the follower has handled every event on the ledger: by walking the blocks
   * after the follower's position where the ledger can (embedded and Fabric: a newest block without an event of the
   * chaincode holds nothing up), by the height where it only tells that, else after a quiet half second.
   */
  async whenIdle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queued = (await this.firstKey(Sublevel.pending)) ?? (await this.firstKey(Sublevel.intents));
      let caughtUp: boolean;
      const ledger = this.options.ledger;
      if (ledger.eventsAfter) {
        // Asked only when nothing is queued here: it walks the blocks after the follower's position.
        caughtUp =
          queued === undefined &&
          !(await ledger.eventsAfter(
            this.follower.block < 0n
              ? { blockNumber: 0n }
              : { blockNumber: this.follower.block, transactionId: this.follower.transactionId },
          ));
      } else if (this.options.ledgerHeight) {
        // Only a ledger whose every block carries an event settles this way.
        caughtUp = this.follower.block >= (await this.options.ledgerHeight()) - 1n;
      } else {
        caughtUp = Date.now() - this.follower.lastActivity > 500;
      }
      if (queued === undefined && caughtUp) return;
      if (Date.now() > deadline) throw new DmsnetError('IDLE_TIMEOUT', 'the node did not settle in time');
      await new Promise((r) => setTimeout(r, ledger.eventsAfter && !this.options.ledgerHeight ? 100 : 25));
    }
  }

  // ---- keys ------------------------------------------------------------------------------------------------

  /**
   * Replaces the participant's box and signing keys: new key pairs are written to the key file first, then the
   * directory records them as the next version (`directory:rotateKeys`, by the participant's own identity), then they
   * become current. Earlier box keys stay in the key file, so documents sealed to them still open here.
   */
  rotateKeys(): Promise<{ version: number; x25519: string; ed25519: string; validFrom?: string }> {
    const run = async () => {
      const save = this.options.saveKeys;
      if (!save) {
        throw new DmsnetError(
          'KEY_ROTATION_UNAVAILABLE',
          'this node was started without its key file, so new keys could not be kept',
        );
      }
      const settled = await this.settleRotation();
      if (settled) return settled;
      if (!this.keys.next) {
        const pending = { ...this.keys, next: await generateRotationKeys() };
        await save(pending);
        this.keys = pending;
      }
      const next = this.keys.next!;
      const recorded = json(
        (
          await this.options.ledger.submit('directory:rotateKeys', [
            this.participantId,
            JSON.stringify(publicKeysBase64(next)),
          ])
        ).result,
      ) as { version: number; x25519: string; ed25519: string; validFrom?: string };
      await this.promote(recorded.version);
      this.log.info({ keyVersion: recorded.version }, 'participant keys rotated');
      return recorded;
    };
    const p = (this.rotation ?? Promise.resolve()).then(run, run);
    this.rotation = p.catch(() => undefined);
    return p;
  }

  /** If the directory's newest key is the pending one, makes it current; answers that key, or undefined. */
  private async settleRotation(): Promise<
    { version: number; x25519: string; ed25519: string; validFrom?: string } | undefined
  > {
    const next = this.keys.next;
    if (!next) return undefined;
    const me = await this.directory.participant(this.participantId);
    const newest = me.keys.reduce((a, b) => (b.version > a.version ? b : a));
    const pub = publicKeysBase64(next);
    if (newest.x25519 !== pub.x25519 || newest.ed25519 !== pub.ed25519) return undefined;
    await this.promote(newest.version);
    return newest;
  }

  private async promote(version: number): Promise<void> {
    const promoted = promoteRotation(this.keys, version);
    await this.options.saveKeys!(promoted);
    this.keys = promoted;
  }

  // ---- formats --------------------------------------------------------------------------------------------

  /**
   * The version of a type to send now — the newest active one — with the registry's schema text for it; undefined
   * while the registry cannot be read or has none active (a caller then falls back to the bundled version 1).
   */
  async sendingFormat(type: string): Promise<{ version: string; schemaText: string } | undefined> {
    try {
      const active = (await this.directory.activeFormats()) as Array<{ type: string; version: string }>;
      const newest = active
        .filter((a) => a.type === type)
        .sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }))[0];
      if (!newest) return undefined;
      return { version: newest.version, schemaText: await this.directory.schemaText(type, newest.version) };
    } catch (err) {
      this.log.warn({ code: codeOf(err), type }, 'active format version unknown; sending version 1');
      return undefined;
    }
  }

  // ---- sending and deciding --------------------------------------------------------------------------------

  /** Validates, seals and queues a document for the ledger; a resend of the same content answers the same record. */
  send(input: unknown): Promise<OutboxRecord> {
    return this.outbox.enqueue(input);
  }

  /** Sends a document with its sealed files (a medical-documentation answer, decision 0058): files first, then it. */
  sendWithFiles(
    input: unknown,
    files: ReadonlyArray<{ path: string; ownKey: Uint8Array }>,
  ): Promise<OutboxRecord> {
    return this.outbox.enqueue(input, { files });
  }

  /** Where an upload seals files before they are sent: the node's outgoing files folder. */
  uploadFolder(): string {
    return filesFolder(this.options.dataDir, 'out');
  }

  /** This node's current box public key: the upload seals each file's key to it too, to open its own copy. */
  ownBoxPublicKey(): Uint8Array {
    return this.keys.boxPublicKey;
  }

  /**
   * The opened plaintext of file `index` of a document this node sent or received, chunk by chunk; with the declared
   * attachment (media type, size) from the document. Refused when the node does not hold the file.
   */
  async attachment(
    ref: string,
    index: number,
  ): Promise<{
    messageId: string;
    declared: { mediaType: string; size: number; fileName?: string };
    chunks: AsyncIterable<Uint8Array>;
  }> {
    const view = await this.getDocument(ref);
    const side: FileSide = view.direction === 'out' ? 'out' : 'in';
    const attachments =
      (
        view.document as
          | { body?: { attachments?: Array<{ mediaType: string; size: number; fileName?: string }> } }
          | undefined
      )?.body?.attachments ?? [];
    const declared = attachments[index];
    const path = sealedFilePath(this.options.dataDir, side, view.record.messageId, index);
    if (!declared || !existsSync(path))
      throw new DmsnetError(
        'ATTACHMENT_NOT_FOUND',
        `${view.record.messageId} has no file ${index} at this node`,
      );
    return { messageId: view.record.messageId, declared, chunks: openSealedFile(this.ctx, path, side) };
  }

  async accept(id: string, o: { comment?: string } = {}): Promise<InboxRecord> {
    return this.inbox.decide(await this.resolveId(id), 'ACCEPTED', [], o.comment);
  }

  /** The reply says why: REJECTED (default), DISPUTED (an expertise act) or CONTESTED (a price list). */
  async reject(
    id: string,
    o: { errors: FieldError[]; comment?: string; decision?: ReplyDecision },
  ): Promise<InboxRecord> {
    return this.inbox.decide(await this.resolveId(id), 'REJECTED', o.errors, o.comment, o.decision);
  }

  /**
   * Takes back a document this node sent, before its addressee decided (decision record 0032): the ledger records
   * WITHDRAWN with the reason and refuses any later decision; the addressee's gateway marks it and stops acting on
   * it. A decided document is corrected instead (WITHDRAW_DECIDED).
   */
  async withdraw(id: string, reason: string): Promise<OutboxRecord> {
    const messageId = await this.resolveId(id);
    const rec = await this.store.get<OutboxRecord>(Sublevel.outbox, messageId);
    if (!rec) throw new DmsnetError('NOT_FOUND', `no sent document ${id}`);
    if (rec.documentType === 'reply')
      throw new DmsnetError('REPLY_IS_FINAL', `${id} is a reply; a decision is not withdrawn`);
    if (rec.status === 'WITHDRAWN') return rec;
    if (rec.status === 'PENDING' || rec.status === 'FAILED')
      throw new DmsnetError('NOT_ON_LEDGER', `${id} is ${rec.status}: it is not on the ledger yet`);
    const env = json((await this.options.ledger.submit('exchange:withdraw', [messageId, reason])).result) as {
      statusAt: string;
      reason?: string;
    };
    const withdrawal = { reason: env.reason ?? reason, at: env.statusAt };
    return (await this.outbox.update(messageId, (r) => ({ ...r, status: 'WITHDRAWN', withdrawal }), {
      kind: 'status.changed',
      reason: withdrawal.reason.slice(0, 200),
    })) as OutboxRecord;
  }

  /**
   * A clarification request (уведомление об уточнении): a business answer apart from the receipt signed on arrival.
   * The document ends REJECTED (the status intent's reason names the request), and the sender gets the comment in the reply
   * as an error of that code at the document root, so a gateway of any version reads it; it answers with a correction.
   */
  async clarify(id: string, o: { comment: string }): Promise<InboxRecord> {
    const comment = typeof o.comment === 'string' ? o.comment.trim() : '';
    if (!comment) {
      throw new DmsnetError('INVALID_ARGUMENT', 'a clarification request says what to clarify', [
        { pointer: '/comment', code: 'INVALID_ARGUMENT', message: 'must be a non-empty text' },
      ]);
    }
    const errors = [{ pointer: '', code: 'CLARIFICATION_REQUESTED', message: comment }];
    return this.inbox.decide(
      await this.resolveId(id),
      'REJECTED',
      errors,
      comment,
      'REJECTED',
      'CLARIFICATION_REQUESTED',
    );
  }

  /**
   * Destroys this node's copies of a document now (and the ledger's ciphertext when this node is its addressee);
   * envelope, hash and trail stay on the ledger.
   */
  async purge(id: string): Promise<OutboxRecord | InboxRecord> {
    return this.purger.purge(await this.resolveId(id));
  }

  /** Purges what has outlived its retention; the node also does it on its own every `retentionCheckMs`. */
  purgeExpired(at?: number): Promise<number> {
    return this.purger.purgeExpired(at);
  }

  /** Workflows are built on the node's store, so they are attached after open and before start. */
  setHandlers(handlers: Partial<Record<string, DocumentHandler>>): void {
    this.options.handlers = { ...this.options.handlers, ...handlers };
  }

  // ---- reading ---------------------------------------------------------------------------------------------

  listOutbox(q: ListQuery): Promise<Page<OutboxRecord>> {
    return this.list<OutboxRecord>('outbox', Sublevel.outboxTime, Sublevel.outbox, q);
  }

  listInbox(q: ListQuery): Promise<Page<InboxRecord>> {
    return this.list<InboxRecord>('inbox', Sublevel.inboxTime, Sublevel.inbox, q);
  }

  private async list<T extends { documentType: string; status: string }>(
    name: 'inbox' | 'outbox',
    index: string,
    primary: string,
    q: ListQuery,
  ): Promise<Page<T>> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const range: { gt?: string; gte?: string; lt?: string; reverse?: boolean } = {};
    if (q.order === 'desc') {
      // Newest first: the cursor is then an upper bound.
      range.reverse = true;
      if (q.cursor) range.lt = this.cursors.read(name, q.cursor);
      else if (q.to) range.lt = q.to + '\uffff';
      if (q.from) range.gte = q.from;
    } else {
      if (q.cursor) range.gt = this.cursors.read(name, q.cursor);
      else if (q.from) range.gte = q.from;
      if (q.to) range.lt = q.to + '\uffff';
    }
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
      if (q.replies === 'exclude' && rec.documentType === 'reply') continue;
      if (q.status && rec.status !== q.status) continue;
      if (q.counterparty) {
        const r = rec as unknown as { sender?: string; addressee?: string };
        if ((r.sender ?? r.addressee) !== q.counterparty) continue;
      }
      items.push(rec);
    }
    return { items, nextCursor: more && lastKey ? this.cursors.issue(name, lastKey) : undefined };
  }

  /**
   * The ledger id (`<sender ОГРН>:<documentId>`) of a document known here by `id`: a ledger id stands for itself; the
   * id a sender gave its document stands for it while no other document here has that id (two senders may pick the
   * same id, and then only the ledger id tells which one is meant: ID_AMBIGUOUS, never a silent pick).
   */
  async resolveId(id: string): Promise<string> {
    if ((await this.store.get(Sublevel.outbox, id)) || (await this.store.get(Sublevel.inbox, id))) return id;
    const found: string[] = [];
    const range = { gte: `${id}\u0000`, lt: `${id}\u0001`, limit: 20 };
    for await (const [, messageId] of this.store.sublevel<string>(Sublevel.byDocumentId).iterator(range))
      found.push(messageId);
    if (found.length > 1) {
      throw new DmsnetError(
        'ID_AMBIGUOUS',
        `${found.length} documents here have the id ${id}: name one by its ledger id (${found.join(', ')})`,
        found.map((messageId) => ({ pointer: '/path/id', code: 'ID_AMBIGUOUS', message: messageId })),
      );
    }
    return found[0] ?? id;
  }

  async getDocument(ref: string): Promise<DocumentView> {
    const id = await this.resolveId(ref);
    const out = await this.store.get<OutboxRecord>(Sublevel.outbox, id);
    const inc = out ? undefined : await this.store.get<InboxRecord>(Sublevel.inbox, id);
    const record = out ?? inc;
    if (!record) throw new DmsnetError('NOT_FOUND', `no document ${id} at this node`);
    if (record.purgedAt) {
      let trail: TrailEntry[] = [];
      try {
        trail = json(await this.options.ledger.evaluate('exchange:history', [id])) as TrailEntry[];
      } catch (err) {
        if (codeOf(err) !== 'MESSAGE_NOT_FOUND') throw err;
      }
      throw new PurgedError(id, record.purgedAt, record.ciphertextHash, trail);
    }
    const document = await this.store.get(out ? Sublevel.outboxDoc : Sublevel.inboxDoc, id);
    const signedText =
      out || document !== undefined ? undefined : await this.store.get<string>(Sublevel.inboxText, id);
    const receipts = await this.receipts.kept(id);
    let trail: TrailEntry[] = [];
    let envelope: Record<string, unknown> | undefined;
    if (record.status !== 'PENDING' && record.status !== 'FAILED') {
      try {
        envelope = json(await this.options.ledger.evaluate('exchange:get', [id])) as Record<string, unknown>;
        trail = json(await this.options.ledger.evaluate('exchange:history', [id])) as TrailEntry[];
      } catch (err) {
        if (codeOf(err) !== 'MESSAGE_NOT_FOUND') throw err;
      }
    }
    return {
      direction: out ? 'out' : 'in',
      document,
      ...(signedText !== undefined ? { signedText } : {}),
      record,
      envelope,
      status: record.status,
      trail,
      ...(Object.keys(receipts).length ? { receipts } : {}),
    };
  }

  /** This node's record of a document sent or received, without opening it (e.g. to know its type first). */
  async recordOf(ref: string): Promise<OutboxRecord | InboxRecord | undefined> {
    const id = await this.resolveId(ref);
    return (
      (await this.store.get<OutboxRecord>(Sublevel.outbox, id)) ??
      (await this.store.get<InboxRecord>(Sublevel.inbox, id))
    );
  }

  /** This node's record of a received document (its local decision state), without opening it. */
  async received(id: string): Promise<InboxRecord | undefined> {
    return this.store.get<InboxRecord>(Sublevel.inbox, await this.resolveId(id));
  }

  /**
   * A GOST-signed document as other e-document tools take it: the canonical bytes that were signed, the detached
   * CMS, and the signer's certificate chain (signer first, the trusted root last). An Ed25519-signed document has
   * no CMS to export (NO_CMS_SIGNATURE).
   */
  async exportSignature(ref: string): Promise<SignatureExport> {
    const view = await this.getDocument(ref);
    const id = view.record.messageId;
    const sig = await this.store.get<{ profile: string; bytes: string }>(
      view.direction === 'out' ? Sublevel.outboxSig : Sublevel.inboxSig,
      id,
    );
    if (!sig || sig.profile !== 'gost2012-256' || !view.document) {
      throw new DmsnetError(
        'NO_CMS_SIGNATURE',
        `document ${id} is signed with Ed25519 (its sender's profile), which has no CMS signature to export`,
      );
    }
    const doc = view.document as { header: unknown; body: unknown };
    const canonical = Buffer.from(canonicalJson({ header: doc.header, body: doc.body }), 'utf8');
    const signature = new Uint8Array(Buffer.from(sig.bytes, 'base64'));
    let chain: Uint8Array[];
    try {
      chain = verifyCms({
        signature,
        content: canonical,
        trustedRoots: await this.directory.trustedRoots(),
      }).chain.map((c) => c.der);
    } catch {
      // No longer verifiable here (a root withdrawn since): the certificates the signature carries still go out.
      chain = carriedCertificates(signature);
    }
    return { messageId: id, profile: 'gost2012-256', canonical, signature, chain };
  }

  /**
   * The evidence bundle of a document (decision 0034): a zip with the signed bytes, the sender's signature, the
   * receipts, the ledger's envelope and trail, the directory entries the signatures are held to and, on Fabric, the
   * blocks and the channel config that prove the ledger's part. `dmsnet-verify` checks it offline.
   */
  async evidence(ref: string): Promise<{ messageId: string; zip: Uint8Array }> {
    const view = await this.getDocument(ref);
    const id = view.record.messageId;
    if (!view.envelope)
      throw new DmsnetError('NOT_FOUND', `document ${id} is not on the ledger yet: no evidence to give`);
    const envelope = view.envelope as LedgerEnvelope;
    const doc = view.document as { header: unknown; body: unknown } | undefined;
    const canonical =
      doc !== undefined
        ? Buffer.from(canonicalJson({ header: doc.header, body: doc.body }), 'utf8')
        : view.signedText !== undefined
          ? Buffer.from(view.signedText, 'utf8')
          : undefined;
    const stored = await this.store.get<{ profile: 'ed25519' | 'gost2012-256'; bytes: string }>(
      view.direction === 'out' ? Sublevel.outboxSig : Sublevel.inboxSig,
      id,
    );
    let signature: Uint8Array | undefined = stored ? Buffer.from(stored.bytes, 'base64') : undefined;
    // An Ed25519 signature of this node's is not stored apart (it travels sealed), but Ed25519 is deterministic: the
    // same key over the same bytes gives the very signature the addressee received.
    if (
      !signature &&
      canonical &&
      view.direction === 'out' &&
      envelope.senderKeyVersion === this.options.keyVersion
    )
      signature = new Ed25519Signer(this.options.keys.signSecretKey).signSync(canonical);
    if (!canonical || !signature) {
      throw new DmsnetError(
        'EVIDENCE_INVALID',
        `document ${id} has no signed bytes or signature kept at this node (refused on arrival, or signed with a key version no longer held)`,
      );
    }
    const roots = json(await this.options.ledger.evaluate('directory:listTrustedRoots', [])) as Array<{
      certificate: string;
      status: string;
    }>;
    const receipts = await this.receipts.kept(id);
    const directory = {
      sender: await this.directory.participant(envelope.sender),
      addressee: await this.directory.participant(envelope.addressee),
      trustedRoots: roots.filter((r) => r.status === 'ACTIVE').map((r) => r.certificate),
    };
    // The message's transactions and the directory's that registered the keys its signatures are held to.
    const txIds = [
      envelope.txId,
      envelope.receiptTxId,
      envelope.receiptAckTxId,
      ...evidenceDirectoryClaims({ directory, envelope, receipt: receipts.delivery?.signed }).map(
        (c) => c.txId,
      ),
    ].filter((t, i, all): t is string => typeof t === 'string' && all.indexOf(t) === i);
    const zip = await buildEvidence({
      createdBy: this.participantId,
      canonical,
      signature: {
        profile: stored?.profile ?? 'ed25519',
        bytes: signature,
        participant: envelope.sender,
        keyVersion: envelope.senderKeyVersion,
      },
      envelope,
      trail: view.trail,
      directory,
      receipt: receipts.delivery?.signed,
      acknowledgement: receipts.acknowledgement?.signed,
      proof: this.options.ledger.proof ? await this.options.ledger.proof(txIds) : undefined,
    });
    this.log.info({ messageId: id, bytes: zip.byteLength }, 'evidence bundle made');
    return { messageId: id, zip };
  }

  /**
   * Registers how this participant signs (a directory transaction by its own identity, kept in its signature trail):
   * `gost2012-256` registers the certificate of the node's GOST signer.
   */
  async setSignatureProfile(profile: 'ed25519' | 'gost2012-256'): Promise<unknown> {
    const body: { profile: string; certificate?: string } = { profile };
    if (profile === 'gost2012-256') {
      const cert = this.options.keys.gost?.certificate ?? this.gostSignerCertificate();
      if (!cert) {
        throw new DmsnetError(
          'SIGNER_UNAVAILABLE',
          'this node has no GOST key: put one in its key file first (dmsnet-node gost-key)',
        );
      }
      body.certificate = Buffer.from(cert).toString('base64');
    }
    const res = await this.options.ledger.submit('directory:setSignatureProfile', [
      this.participantId,
      JSON.stringify(body),
    ]);
    return json(res.result);
  }

  private gostSignerCertificate(): Uint8Array | undefined {
    const signer = this.options.gostSigner as { certificate?: { der: Uint8Array } } | undefined;
    return signer?.certificate?.der;
  }

  async participants(q: { limit?: number; cursor?: string }): Promise<Page<Participant>> {
    const bookmark = q.cursor ? this.cursors.read('participants', q.cursor) : undefined;
    const page = await this.directory.list(Math.min(Math.max(q.limit ?? 100, 1), 500), bookmark);
    return {
      items: page.items,
      nextCursor: page.bookmark ? this.cursors.issue('participants', page.bookmark) : undefined,
    };
  }

  participant(id: string): Promise<Participant> {
    return this.directory.participant(id);
  }

  activeFormats(): Promise<unknown[]> {
    return this.directory.activeFormats();
  }

  readonly notifications = {
    list: (afterSeq: number, limit: number): Promise<Notification[]> => this.notifier.list(afterSeq, limit),
    subscribe: (listener: (n: Notification) => void): (() => void) => this.notifier.subscribe(listener),
    lastSeq: (): number => this.notifier.lastSeq(),
  };

  /**
   * A document that reached this node outside the ledger (the mail bridge: a correspondent not on the network sent
   * it by e-mail) enters the inbox like any other, marked with how it came, in one batch with the caller's own
   * writes (e.g. the mail bridge's IMAP position), so the two commit together or not at all. An id already in the
   * inbox is left as it is and the caller's writes still land: the arrival is idempotent.
   */
  async receiveOffLedger(
    arrivals: ReadonlyArray<{ record: InboxRecord; document: unknown }>,
    extra: readonly BatchOp[],
  ): Promise<void> {
    await this.serial(async () => {
      const ops: BatchOp[] = [...extra];
      const fresh: Notification[] = [];
      for (const { record, document } of arrivals) {
        const id = record.messageId;
        if (await this.store.get(Sublevel.inbox, id)) continue;
        ops.push(
          { type: 'put', sublevel: Sublevel.inbox, key: id, value: record },
          { type: 'put', sublevel: Sublevel.inboxTime, key: `${record.receivedAt}\u0000${id}`, value: id },
          { type: 'put', sublevel: Sublevel.inboxDoc, key: id, value: document },
          documentIdOp(id),
        );
        fresh.push(
          this.notifier.op(ops, {
            kind: 'document.received',
            messageId: id,
            documentType: record.documentType,
            sender: record.sender,
            addressee: this.participantId,
            status: record.status,
          }),
        );
      }
      await this.store.batch(ops);
      for (const n of fresh) this.notifier.emit(n);
    });
  }

  /**
   * A workflow's own event (an invoice's payment state moved) numbered and kept with the workflow's writes in one
   * batch, then passed to SSE and webhooks like the node's own notifications.
   */
  async notify(n: Omit<Notification, 'seq' | 'at'>, extra: readonly BatchOp[] = []): Promise<Notification> {
    return this.serial(async () => {
      const ops: BatchOp[] = [...extra];
      const full = this.notifier.op(ops, n);
      await this.store.batch(ops);
      this.notifier.emit(full);
      return full;
    });
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
