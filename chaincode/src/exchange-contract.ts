import { createHash } from 'node:crypto';
import { Context, Contract, Info, Returns, Transaction } from './fabric.js';
import { delegationInForce } from './delegation-contract.js';
import { getParticipant } from './directory-contract.js';
import { ChaincodeError, invalid } from './errors.js';
import { getFormat, isActive } from './format-registry-contract.js';
import { actingParticipant } from './identity.js';
import { KeyType, type Envelope, type MessageStatus } from './model.js';
import { implicitCollection, privatePayloadStore, type PayloadStore } from './payload-store.js';
import { closeFiles, getPiece, purgeFiles, putPiece } from './file-pieces.js';
import { defaultRetentionDays } from '@dmsnet/formats/retention';
import { defaultRoutes, routeAllowed } from '@dmsnet/formats/routes';
import { MESSAGE_ID_PATTERN, parseMessageId } from '@dmsnet/formats/message-id';
import {
  drain,
  getJson,
  PARTICIPANT_PATTERN,
  parseJsonArg,
  parsePageSize,
  putJson,
  txTime,
} from './state.js';

type SendRequest = Pick<
  Envelope,
  | 'messageId'
  | 'sender'
  | 'addressee'
  | 'documentType'
  | 'formatVersion'
  | 'ciphertextHash'
  | 'size'
  | 'senderKeyVersion'
  | 'replyTo'
  | 'replyStatus'
  | 'corrects'
  | 'onBehalfOf'
  | 'files'
>;

const RANK: Record<MessageStatus, number> = {
  SENT: 0,
  DELIVERED: 1,
  ACCEPTED: 2,
  REJECTED: 2,
  WITHDRAWN: 2,
};
const FINAL = new Set<MessageStatus>(['ACCEPTED', 'REJECTED', 'WITHDRAWN']);
/** The addressee's decisions: once one is on the ledger the sender can no longer withdraw, only correct. */
const DECIDED = new Set<MessageStatus>(['ACCEPTED', 'REJECTED']);

/**
 * How often an addressee may ask for a missing ciphertext again (decision 0053): enough for a peer lost twice while
 * a document waited, few enough that a broken addressee cannot make a sender submit without end.
 */
export const RESEND_LIMIT = 3;

/** Fabric's refusal of a private read whose hash the peer has and whose data it does not (ledger/kvledger). */
const PRIVATE_DATA_NOT_HELD = /private data matching public hash version is not available/i;

/** Pure: may a message move from `from` to `to`? Forward only, and nothing after a final status. */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  return !FINAL.has(from) && RANK[to] > RANK[from];
}

function checkSend(r: SendRequest): void {
  const str = (v: unknown, p: RegExp) => typeof v === 'string' && p.test(v);
  if (!str(r.messageId, MESSAGE_ID_PATTERN))
    throw invalid(
      '/messageId',
      'must be <sender ОГРН>:<document id> (the id after the colon as ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$)',
    );
  if (!str(r.sender, PARTICIPANT_PATTERN)) throw invalid('/sender', 'must be a participant id (ОГРН)');
  // The id carries its sender, so an id is only ever taken by the one who may send under it.
  if (parseMessageId(r.messageId)?.sender !== r.sender) {
    throw new ChaincodeError(
      'MESSAGE_ID_FOREIGN',
      `/messageId must begin with the sender ${r.sender} and a colon`,
      [
        {
          pointer: '/messageId',
          code: 'MESSAGE_ID_FOREIGN',
          message: 'must begin with the sender’s ОГРН and a colon',
        },
      ],
    );
  }
  if (!str(r.addressee, PARTICIPANT_PATTERN)) throw invalid('/addressee', 'must be a participant id (ОГРН)');
  if (!str(r.documentType, /^[a-z][a-z0-9-]{0,63}$/))
    throw invalid('/documentType', 'must be a document type name');
  if (!str(r.formatVersion, /^[0-9A-Za-z.+-]{1,32}$/))
    throw invalid('/formatVersion', 'must be a version string');
  if (!str(r.ciphertextHash, /^[0-9a-f]{64}$/)) throw invalid('/ciphertextHash', 'must be SHA-256 hex');
  if (!Number.isInteger(r.size) || r.size < 1) throw invalid('/size', 'must be a positive integer');
  if (!Number.isInteger(r.senderKeyVersion) || r.senderKeyVersion < 1)
    throw invalid('/senderKeyVersion', 'must be a positive integer');
  for (const f of ['replyTo', 'corrects'] as const) {
    if (r[f] !== undefined && !str(r[f], MESSAGE_ID_PATTERN))
      throw invalid(`/${f}`, 'must be a message id (<sender ОГРН>:<document id>)');
  }
  // A correction replaces a document of the same sender's; nobody corrects another participant's document.
  if (r.corrects !== undefined && parseMessageId(r.corrects)?.sender !== r.sender) {
    throw new ChaincodeError(
      'CORRECTS_FOREIGN',
      `/corrects names a message of another sender than ${r.sender}`,
      [
        {
          pointer: '/corrects',
          code: 'CORRECTS_FOREIGN',
          message: 'a correction replaces a message of its own sender',
        },
      ],
    );
  }
  if (r.onBehalfOf !== undefined) {
    if (!str(r.onBehalfOf, PARTICIPANT_PATTERN))
      throw invalid('/onBehalfOf', 'must be a participant id (ОГРН)');
    if (r.onBehalfOf === r.sender || r.onBehalfOf === r.addressee)
      throw invalid('/onBehalfOf', 'names a third party: the insurer the sender or the addressee acts for');
    // A reply goes back along its document's route; whoever acts for whom is settled by that document.
    if (r.documentType === 'reply') throw invalid('/onBehalfOf', 'a reply does not carry it');
  }
  if (r.documentType === 'reply') {
    if (r.replyTo === undefined) throw invalid('/replyTo', 'a reply names the message it answers');
    if (r.replyStatus !== 'ACCEPTED' && r.replyStatus !== 'REJECTED')
      throw invalid('/replyStatus', 'a reply gives the final status it answers with: ACCEPTED or REJECTED');
  } else if (r.replyStatus !== undefined) {
    throw invalid('/replyStatus', 'only a reply carries a status');
  }
}

interface Filter {
  documentType?: string;
  status?: string;
  from?: string;
  to?: string;
}

@Info({ title: 'Exchange', description: 'Addressed, encrypted messages and their status trail' })
export class ExchangeContract extends Contract {
  constructor(private readonly payloads: PayloadStore = privatePayloadStore) {
    super('exchange');
  }

  @Transaction()
  @Returns('string')
  async send(ctx: Context, envelopeJson: string): Promise<string> {
    const r = parseJsonArg<SendRequest>(envelopeJson, 'envelope');
    checkSend(r);
    const me = await actingParticipant(ctx);
    if (me.id !== r.sender)
      throw new ChaincodeError(
        'IMPERSONATION',
        `the submitting identity acts for ${me.id}, not for ${r.sender}`,
      );
    if (me.status !== 'ACTIVE')
      throw new ChaincodeError('SENDER_INACTIVE', `participant ${me.id} is suspended`);
    if (!me.keys.some((k) => k.version === r.senderKeyVersion))
      throw invalid('/senderKeyVersion', `is not a key version of ${me.id}`);
    // Ciphertext travels as transient data: arguments stay in the block, state would store it a second time.
    const ciphertext = ctx.stub.getTransient().get('ciphertext');
    if (!ciphertext || ciphertext.length === 0)
      throw new ChaincodeError('PAYLOAD_MISSING', 'the transient field "ciphertext" is missing');
    if (
      createHash('sha256').update(ciphertext).digest('hex') !== r.ciphertextHash ||
      ciphertext.length !== r.size
    ) {
      throw new ChaincodeError(
        'PAYLOAD_HASH_MISMATCH',
        'the ciphertext does not match ciphertextHash and size',
      );
    }
    const key = ctx.stub.createCompositeKey(KeyType.message, [r.messageId]);
    const existing = await getJson<Envelope>(ctx, key);
    if (existing) {
      if (existing.ciphertextHash === r.ciphertextHash && existing.sender === r.sender)
        return JSON.stringify(existing);
      throw new ChaincodeError('MESSAGE_ID_CONFLICT', `message ${r.messageId} exists with another payload`);
    }
    let addressee;
    try {
      addressee = await getParticipant(ctx, r.addressee);
    } catch {
      throw new ChaincodeError('ADDRESSEE_UNKNOWN', `no participant ${r.addressee}`);
    }
    if (addressee.status !== 'ACTIVE')
      throw new ChaincodeError('ADDRESSEE_INACTIVE', `participant ${r.addressee} is suspended`);
    const at = txTime(ctx);
    const format = await getFormat(ctx, r.documentType, r.formatVersion);
    if (!isActive(format, at)) {
      throw new ChaincodeError(
        'FORMAT_NOT_ACTIVE',
        `${r.documentType} version ${r.formatVersion} is not active`,
      );
    }
    const txId = ctx.stub.getTxID();
    if (r.documentType === 'reply') {
      await this.answer(ctx, r, at);
    } else {
      const routes = format?.routes ?? defaultRoutes(r.documentType);
      if (!routeAllowed(routes, me.role, addressee.role)) {
        throw new ChaincodeError(
          'ROUTE_NOT_ALLOWED',
          `${r.documentType} ${r.formatVersion} goes by its routes; role ${me.role} to role ${addressee.role} is not one`,
        );
      }
      // A document may answer another (an act answers an invoice), but only one its addressee sent to its sender.
      if (r.replyTo !== undefined) await this.answered(ctx, r);
      if (r.onBehalfOf !== undefined) await this.behalfCovered(ctx, r, me.role, addressee.role, at);
    }
    // Files travel before their envelope (decision 0058): the document is announced only once they are all whole.
    await closeFiles(ctx, r, r.files);
    // The addressee's home organisation (its first identity) keeps the ciphertext; its peers alone store it.
    const collection = implicitCollection(addressee.identities[0]?.mspId ?? '');
    const env: Envelope = {
      messageId: r.messageId,
      sender: r.sender,
      addressee: r.addressee,
      documentType: r.documentType,
      formatVersion: r.formatVersion,
      ciphertextHash: r.ciphertextHash,
      size: r.size,
      senderKeyVersion: r.senderKeyVersion,
      ...(r.replyTo ? { replyTo: r.replyTo } : {}),
      ...(r.replyStatus ? { replyStatus: r.replyStatus } : {}),
      ...(r.corrects ? { corrects: r.corrects } : {}),
      ...(r.onBehalfOf ? { onBehalfOf: r.onBehalfOf } : {}),
      ...(r.files
        ? { files: r.files.map((f) => ({ sealedBytes: f.sealedBytes, chunks: f.chunks, chain: f.chain })) }
        : {}),
      status: 'SENT',
      sentAt: at,
      txId,
      statusAt: at,
      statusBy: r.sender,
      statusTxId: txId,
      collection,
    };
    await putJson(ctx, key, env);
    await this.payloads.put(ctx, collection, r.messageId, ciphertext);
    // Index entries per participant and time: an inbox is a range scan, and no key is shared by all senders.
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(KeyType.inbox, [r.addressee, at, r.messageId]),
      Buffer.from([0]),
    );
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(KeyType.outbox, [r.sender, at, r.messageId]),
      Buffer.from([0]),
    );
    // The insurer's own index of what was done in its name: it lists envelopes, never reads the payloads.
    if (r.onBehalfOf !== undefined) {
      await ctx.stub.putState(
        ctx.stub.createCompositeKey(KeyType.onBehalf, [r.onBehalfOf, at, r.messageId]),
        Buffer.from([0]),
      );
    }
    this.event(ctx, 'MessageSent', env);
    return JSON.stringify(env);
  }

  @Transaction()
  @Returns('string')
  async setStatus(ctx: Context, messageId: string, status: string, reason: string): Promise<string> {
    if (!['DELIVERED', 'ACCEPTED', 'REJECTED'].includes(status))
      throw invalid('/status', 'must be DELIVERED, ACCEPTED or REJECTED');
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (me.id !== env.addressee)
      throw new ChaincodeError(
        'STATUS_NOT_ADDRESSEE',
        `only the addressee ${env.addressee} moves the status`,
      );
    if (env.status === status) return JSON.stringify(env);
    if (!canMove(env.status, status as MessageStatus)) {
      throw new ChaincodeError(
        'STATUS_NOT_FORWARD',
        `message ${messageId} is ${env.status}; it cannot become ${status}`,
      );
    }
    const at = txTime(ctx);
    const updated: Envelope = {
      ...env,
      status: status as MessageStatus,
      statusAt: at,
      statusBy: me.id,
      statusTxId: ctx.stub.getTxID(),
    };
    if (reason !== undefined && reason !== '') updated.reason = String(reason).slice(0, 500);
    else delete updated.reason;
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.message, [messageId]), updated);
    this.event(ctx, 'StatusChanged', updated);
    return JSON.stringify(updated);
  }

  /**
   * The sender takes a message back (sent to the wrong addressee, or with a mistake) while its addressee has not
   * decided: the status becomes WITHDRAWN with the sender's reason, final, and the addressee can no longer accept,
   * reject or answer it. After a decision only a correction (`corrects`) changes anything. The id stays taken: a
   * ledger id is never reused, so the sender sends again under a new one (decision record 0032).
   */
  @Transaction()
  @Returns('string')
  async withdraw(ctx: Context, messageId: string, reason: string): Promise<string> {
    if (typeof reason !== 'string' || reason.trim() === '')
      throw invalid('/reason', 'a withdrawal says why (1 to 500 characters)');
    if (reason.length > 500) throw invalid('/reason', 'must be at most 500 characters');
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (me.id !== env.sender)
      throw new ChaincodeError('WITHDRAW_NOT_SENDER', `only the sender ${env.sender} withdraws ${messageId}`);
    if (env.status === 'WITHDRAWN') return JSON.stringify(env);
    if (env.documentType === 'reply')
      throw new ChaincodeError('REPLY_IS_FINAL', `${messageId} is a reply; a decision is not withdrawn`);
    if (DECIDED.has(env.status)) {
      throw new ChaincodeError(
        'WITHDRAW_DECIDED',
        `${messageId} is ${env.status} by its addressee; send a correction (corrects) instead`,
      );
    }
    const at = txTime(ctx);
    const updated: Envelope = {
      ...env,
      status: 'WITHDRAWN',
      statusAt: at,
      statusBy: me.id,
      statusTxId: ctx.stub.getTxID(),
      reason: reason.trim(),
    };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.message, [messageId]), updated);
    this.event(ctx, 'StatusChanged', updated);
    return JSON.stringify(updated);
  }

  /**
   * The addressee's peer has no ciphertext for a message not yet delivered (a one-peer organisation whose peer lost
   * its private data, decision 0053): the addressee asks its sender, whose gateway keeps the sealed bytes, to send
   * them again. Only the addressee asks, only while the message is SENT, at most RESEND_LIMIT times; the event tells
   * the sender's follower.
   */
  @Transaction()
  @Returns('string')
  async requestResend(ctx: Context, messageId: string): Promise<string> {
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (me.id !== env.addressee)
      throw new ChaincodeError(
        'RESEND_NOT_ADDRESSEE',
        `only the addressee ${env.addressee} asks for ${messageId} again`,
      );
    if (env.status !== 'SENT' || env.purgedAt)
      throw new ChaincodeError(
        'RESEND_NOT_WAITING',
        `${messageId} is ${env.purgedAt ? 'purged' : env.status}; only a document not yet delivered is sent again`,
      );
    const asked = env.resendRequests ?? 0;
    if (asked >= RESEND_LIMIT)
      throw new ChaincodeError(
        'RESEND_LIMIT',
        `${messageId} was asked for ${asked} times already, the most a document is sent again`,
      );
    const updated: Envelope = { ...env, resendRequests: asked + 1, resendRequestedAt: txTime(ctx) };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.message, [messageId]), updated);
    this.event(ctx, 'ResendRequested', updated);
    return JSON.stringify(updated);
  }

  /**
   * The sender's answer to a request: the very ciphertext whose hash the envelope holds (sealed once, decision 0006)
   * goes into the addressee's collection again. Nothing else changes, so the addressee receives the document once.
   * Without an open request (answered already, or the document delivered meanwhile) it writes nothing.
   */
  @Transaction()
  @Returns('string')
  async resend(ctx: Context, messageId: string): Promise<string> {
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (me.id !== env.sender)
      throw new ChaincodeError('RESEND_NOT_SENDER', `only the sender ${env.sender} sends ${messageId} again`);
    const ciphertext = ctx.stub.getTransient().get('ciphertext');
    if (!ciphertext || ciphertext.length === 0)
      throw new ChaincodeError('PAYLOAD_MISSING', 'the transient field "ciphertext" is missing');
    if (
      createHash('sha256').update(ciphertext).digest('hex') !== env.ciphertextHash ||
      ciphertext.length !== env.size
    ) {
      throw new ChaincodeError(
        'PAYLOAD_HASH_MISMATCH',
        'the ciphertext does not match the envelope’s ciphertextHash and size',
      );
    }
    const done = env.resends ?? 0;
    if (env.status !== 'SENT' || env.purgedAt || done >= (env.resendRequests ?? 0))
      return JSON.stringify(env);
    await this.payloads.put(ctx, env.collection ?? '', messageId, ciphertext);
    const updated: Envelope = { ...env, resends: done + 1 };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.message, [messageId]), updated);
    this.event(ctx, 'PayloadResent', updated);
    return JSON.stringify(updated);
  }

  /**
   * One piece of a sealed file of the sender's document `messageId`, sent before its envelope (decision 0058): the
   * bytes as the transient field "piece" into the addressee organisation's collection, its hash into public state.
   */
  @Transaction()
  @Returns('string')
  async putFilePiece(
    ctx: Context,
    messageId: string,
    addressee: string,
    index: string,
    seq: string,
  ): Promise<string> {
    const f = await putPiece(ctx, messageId, addressee, index, seq);
    return JSON.stringify({ index: f.index, chunks: f.chunks, sealedBytes: f.sealedBytes, chain: f.chain });
  }

  /** A piece of a delivered document's file, read by its addressee's organisation alone (base64). */
  @Transaction(false)
  @Returns('string')
  async getFilePiece(ctx: Context, messageId: string, index: string, seq: string): Promise<string> {
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (me.id !== env.addressee)
      throw new ChaincodeError('NOT_AUTHORIZED', 'only the addressee reads the files');
    if (env.purgedAt)
      throw new ChaincodeError('PAYLOAD_PURGED', `the files of ${messageId} were purged at ${env.purgedAt}`);
    return JSON.stringify(await getPiece(ctx, env, index, seq));
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, messageId: string): Promise<string> {
    return JSON.stringify(await this.mustGet(ctx, messageId));
  }

  @Transaction(false)
  @Returns('string')
  async getPayload(ctx: Context, messageId: string): Promise<string> {
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    // The sender keeps its own copy; the ciphertext on the ledger is the addressee's alone.
    if (me.id !== env.addressee) {
      throw new ChaincodeError('NOT_AUTHORIZED', 'only the addressee reads the payload');
    }
    if (env.purgedAt)
      throw new ChaincodeError('PAYLOAD_PURGED', `the payload of ${messageId} was purged at ${env.purgedAt}`);
    let ct: Uint8Array | undefined;
    try {
      ct = await this.payloads.get(ctx, env.collection ?? '', messageId);
    } catch (err) {
      // A peer holding the hash but not the data (rebuilt, not yet reconciled, or lost) says so as a failure:
      // it is the same answer — this peer has no payload — which the addressee's gateway waits on (decision 0053).
      if (!PRIVATE_DATA_NOT_HELD.test(err instanceof Error ? err.message : String(err))) throw err;
    }
    if (!ct) throw new ChaincodeError('PAYLOAD_MISSING', `no payload for ${messageId} on this peer`);
    return JSON.stringify(Buffer.from(ct).toString('base64'));
  }

  /**
   * Removes a message's ciphertext from private state and its history on every peer; envelope, hash and trail stay.
   * The addressee may purge at any time; anyone else once the document type's retention has passed since the final
   * status.
   */
  @Transaction()
  @Returns('string')
  async purge(ctx: Context, messageId: string): Promise<string> {
    const env = await this.mustGet(ctx, messageId);
    const me = await actingParticipant(ctx);
    if (env.purgedAt) return JSON.stringify(env);
    const at = txTime(ctx);
    if (me.id !== env.addressee) {
      if (!FINAL.has(env.status)) {
        throw new ChaincodeError(
          'PURGE_NOT_FINAL',
          `${messageId} is ${env.status}; only its addressee purges it now`,
        );
      }
      const f = await getFormat(ctx, env.documentType, env.formatVersion);
      const days = f?.retentionDays ?? defaultRetentionDays(env.documentType);
      const until = new Date(Date.parse(env.statusAt) + days * 86_400_000).toISOString();
      if (at < until) {
        throw new ChaincodeError(
          'RETENTION_NOT_PASSED',
          `${messageId} is kept ${days} days after its final status, until ${until}; only its addressee purges it before`,
        );
      }
    }
    await this.payloads.purge(ctx, env.collection ?? '', messageId);
    await purgeFiles(ctx, env);
    const updated: Envelope = { ...env, purgedAt: at, purgedBy: me.id, purgeTxId: ctx.stub.getTxID() };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.message, [messageId]), updated);
    this.event(ctx, 'PayloadPurged', updated);
    return JSON.stringify(updated);
  }

  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, messageId: string): Promise<string> {
    await this.mustGet(ctx, messageId);
    const it = await ctx.stub.getHistoryForKey(ctx.stub.createCompositeKey(KeyType.message, [messageId]));
    const trail: Array<{ status: string; at: string; txId: string; by: string; reason?: string }> = [];
    const h = it as unknown as {
      next(): Promise<{ value?: { value: Uint8Array; isDelete: boolean }; done?: boolean }>;
      close(): Promise<void>;
    };
    try {
      for (let r = await h.next(); !r.done; r = await h.next()) {
        if (!r.value || r.value.isDelete) continue;
        const e = JSON.parse(Buffer.from(r.value.value).toString('utf8')) as Envelope;
        // A purge rewrites the envelope without a new status: one trail entry per status transaction.
        if (trail.some((t) => t.txId === e.statusTxId)) continue;
        trail.push({
          status: e.status,
          at: e.statusAt,
          txId: e.statusTxId,
          by: e.statusBy,
          // A withdrawal says why on the ledger: both sides' trails show the sender's reason.
          ...(e.status === 'WITHDRAWN' && e.reason ? { reason: e.reason } : {}),
        });
      }
    } finally {
      await h.close();
    }
    // Peers return history newest first on some versions: the trail is told in time order.
    trail.sort(
      (a, b) => RANK[a.status as MessageStatus] - RANK[b.status as MessageStatus] || a.at.localeCompare(b.at),
    );
    return JSON.stringify(trail);
  }

  @Transaction(false)
  @Returns('string')
  async inbox(
    ctx: Context,
    participantId: string,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    return this.list(ctx, KeyType.inbox, participantId, filterJson, pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('string')
  async outbox(
    ctx: Context,
    participantId: string,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    return this.list(ctx, KeyType.outbox, participantId, filterJson, pageSize, bookmark);
  }

  /** The envelopes of documents an assistance company sent or received on this insurer's behalf (decision 0055). */
  @Transaction(false)
  @Returns('string')
  async onBehalf(
    ctx: Context,
    participantId: string,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    return this.list(ctx, KeyType.onBehalf, participantId, filterJson, pageSize, bookmark);
  }

  /**
   * An envelope naming `onBehalfOf` needs a delegation in force from that insurer: to the sender, covering what it
   * sends, when an assistance company sends; to the addressee, covering what it receives, when one is sent to.
   */
  private async behalfCovered(
    ctx: Context,
    r: SendRequest,
    senderRole: string,
    addresseeRole: string,
    at: string,
  ): Promise<void> {
    const principal = r.onBehalfOf as string;
    if (senderRole === 'assistance')
      await delegationInForce(ctx, principal, r.sender, r.documentType, 'sends', at);
    else if (addresseeRole === 'assistance')
      await delegationInForce(ctx, principal, r.addressee, r.documentType, 'receives', at);
    else
      throw invalid('/onBehalfOf', 'only an assistance company acts for an insurer, as sender or addressee');
  }

  private async list(
    ctx: Context,
    index: string,
    participantId: string,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ) {
    const me = await actingParticipant(ctx);
    if (me.id !== participantId)
      throw new ChaincodeError('NOT_AUTHORIZED', 'a participant lists only its own messages');
    const f = parseJsonArg<Filter>(filterJson || '{}', 'filter');
    const size = parsePageSize(pageSize);
    // The time range starts the scan: the bookmark of a partial-composite-key query is the key to start from.
    let next = bookmark || (f.from ? ctx.stub.createCompositeKey(index, [participantId, f.from]) : '');
    const items: Envelope[] = [];
    let resume = '';
    scan: for (;;) {
      const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
        index,
        [participantId],
        size,
        next,
      );
      const keys: string[] = [];
      await drain(iterator, (kv) => void keys.push(kv.key));
      for (const key of keys) {
        const [, at, id] = ctx.stub.splitCompositeKey(key).attributes;
        if (f.to && at > f.to) break scan;
        const env = await getJson<Envelope>(ctx, ctx.stub.createCompositeKey(KeyType.message, [id]));
        if (
          !env ||
          (f.documentType && env.documentType !== f.documentType) ||
          (f.status && env.status !== f.status)
        )
          continue;
        items.push(env);
        if (items.length === size) {
          resume = key + '\u0000';
          break scan;
        }
      }
      if (keys.length < size || !metadata.bookmark) break;
      next = metadata.bookmark;
    }
    return JSON.stringify({ items, bookmark: resume });
  }

  /**
   * A reply is the addressee's decision on the message it answers: only that message's addressee sends it, only
   * back to its sender, once, and its status becomes the message's final status in the same transaction — so the
   * first decision wins and a reply can never say other than the ledger.
   */
  private async answer(ctx: Context, r: SendRequest, at: string): Promise<void> {
    const replyTo = r.replyTo as string;
    const status = r.replyStatus as 'ACCEPTED' | 'REJECTED';
    const key = ctx.stub.createCompositeKey(KeyType.message, [replyTo]);
    const original = await this.answered(ctx, r);
    const replyKey = ctx.stub.createCompositeKey(KeyType.reply, [replyTo]);
    const earlier = await ctx.stub.getState(replyKey);
    if (earlier && earlier.length > 0) {
      throw new ChaincodeError(
        'REPLY_EXISTS',
        `${replyTo} was answered already by ${Buffer.from(earlier).toString('utf8')}`,
      );
    }
    if (original.status !== status) {
      if (!canMove(original.status, status)) {
        throw new ChaincodeError(
          'REPLY_STATUS_MISMATCH',
          `${replyTo} is ${original.status}; a reply cannot make it ${status}`,
        );
      }
      const txId = ctx.stub.getTxID();
      await putJson(ctx, key, { ...original, status, statusAt: at, statusBy: r.sender, statusTxId: txId });
    }
    await ctx.stub.putState(replyKey, Buffer.from(r.messageId, 'utf8'));
  }

  /** The message `r` answers, which must exist, must not be a reply, and must have gone from r's addressee to r's sender. */
  private async answered(ctx: Context, r: SendRequest): Promise<Envelope> {
    const replyTo = r.replyTo as string;
    const original = await getJson<Envelope>(ctx, ctx.stub.createCompositeKey(KeyType.message, [replyTo]));
    if (!original) throw new ChaincodeError('REPLY_TARGET_UNKNOWN', `no message ${replyTo} to answer`);
    if (original.documentType === 'reply')
      throw new ChaincodeError('REPLY_TO_REPLY', `${replyTo} is a reply; a reply is final on arrival`);
    if (original.status === 'WITHDRAWN')
      throw new ChaincodeError('MESSAGE_WITHDRAWN', `${replyTo} was withdrawn by its sender`);
    if (original.addressee !== r.sender || original.sender !== r.addressee) {
      throw new ChaincodeError(
        'REPLY_NOT_ADDRESSEE',
        `only ${original.addressee}, the addressee of ${replyTo}, answers it, and only to its sender`,
      );
    }
    return original;
  }

  private async mustGet(ctx: Context, messageId: string): Promise<Envelope> {
    const env = await getJson<Envelope>(
      ctx,
      ctx.stub.createCompositeKey(KeyType.message, [String(messageId)]),
    );
    if (!env) throw new ChaincodeError('MESSAGE_NOT_FOUND', `no message ${messageId}`);
    return env;
  }

  /** Event payloads are public: ids and metadata only, never content. */
  private event(ctx: Context, name: string, e: Envelope): void {
    const payload = {
      messageId: e.messageId,
      sender: e.sender,
      addressee: e.addressee,
      documentType: e.documentType,
      formatVersion: e.formatVersion,
      status: e.status,
      ...(e.replyTo ? { replyTo: e.replyTo, replyStatus: e.replyStatus } : {}),
      ...(e.onBehalfOf ? { onBehalfOf: e.onBehalfOf } : {}),
      // Already in public state: the sender learns from the event why its document was refused.
      ...(e.reason ? { reason: e.reason } : {}),
      txId: ctx.stub.getTxID(),
    };
    ctx.stub.setEvent(name, Buffer.from(JSON.stringify(payload)));
  }
}
