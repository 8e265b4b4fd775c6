// Signed receipts on the ledger (decision record 0034). The addressee's gateway signs a receipt over the exact
// canonical bytes it opened; the ledger keeps the receipt's SHA-256 beside the envelope (with DELIVERED) and the
// receipt itself sealed to the other party, so nobody else reads even its hashes. The sender acknowledges the
// receipt the same way. A contract of its own, so the exchange contract's status machine is untouched: an old
// gateway's plain setStatus DELIVERED still works, it only leaves no receipt.
import { Context, Contract, Info, Returns, Transaction } from './fabric.js';
import { ChaincodeError, invalid } from './errors.js';
import { actingParticipant } from './identity.js';
import { KeyType, type Envelope, type MessageStatus } from './model.js';
import { getJson, parseJsonArg, putJson, txTime } from './state.js';

export const RECEIPT_KINDS = ['delivery', 'acknowledgement'] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

/** A sealed receipt holds ids, hashes and a signature (a GOST CMS carries certificates): a few kilobytes at most. */
export const MAX_SEALED_RECEIPT_BYTES = 32 * 1024;

interface RecordRequest {
  kind: ReceiptKind;
  receiptHash: string;
  /** base64 of the signed receipt sealed (crypto_box_seal) to the other party. */
  sealed: string;
}

/** What the ledger keeps of one receipt. */
export interface StoredReceipt {
  messageId: string;
  kind: ReceiptKind;
  receiptHash: string;
  sealed: string;
  by: string;
  at: string;
  txId: string;
}

/** Envelope fields this contract adds (the exchange contract keeps whatever else is there). */
export type ReceiptFields = {
  receiptHash?: string;
  receiptAt?: string;
  receiptTxId?: string;
  receiptAckHash?: string;
  receiptAckAt?: string;
  receiptAckTxId?: string;
};

function checkRecord(r: RecordRequest): void {
  if (!RECEIPT_KINDS.includes(r.kind)) throw invalid('/kind', 'must be delivery or acknowledgement');
  if (typeof r.receiptHash !== 'string' || !/^[0-9a-f]{64}$/.test(r.receiptHash))
    throw invalid('/receiptHash', 'must be SHA-256 hex');
  if (typeof r.sealed !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(r.sealed))
    throw invalid('/sealed', 'must be base64');
  const bytes = Buffer.from(r.sealed, 'base64').length;
  // A sealed box is at least its 48 bytes of ephemeral key and tag.
  if (bytes < 48 || bytes > MAX_SEALED_RECEIPT_BYTES)
    throw invalid('/sealed', `must be a sealed box of 48 to ${MAX_SEALED_RECEIPT_BYTES} bytes`);
}

@Info({ title: 'Receipts', description: 'Signed delivery receipts and their acknowledgements, by hash' })
export class ReceiptContract extends Contract {
  constructor() {
    super('receipts');
  }

  /**
   * `delivery` by the addressee: the receipt's hash goes beside the envelope and a SENT message becomes DELIVERED in
   * the same transaction. `acknowledgement` by the sender, of a recorded delivery receipt. Each once: the same hash
   * again answers as before (a retried submit), another one is RECEIPT_EXISTS.
   */
  @Transaction()
  @Returns('string')
  async record(ctx: Context, messageId: string, requestJson: string): Promise<string> {
    const r = parseJsonArg<RecordRequest>(requestJson, 'request');
    checkRecord(r);
    const key = ctx.stub.createCompositeKey(KeyType.message, [String(messageId)]);
    const env = await getJson<Envelope & ReceiptFields>(ctx, key);
    if (!env) throw new ChaincodeError('MESSAGE_NOT_FOUND', `no message ${messageId}`);
    const me = await actingParticipant(ctx);
    const delivery = r.kind === 'delivery';
    const party = delivery ? env.addressee : env.sender;
    if (me.id !== party) {
      throw new ChaincodeError(
        'RECEIPT_NOT_PARTY',
        delivery
          ? `only the addressee ${env.addressee} records a delivery receipt`
          : `only the sender ${env.sender} acknowledges a receipt`,
      );
    }
    const earlier = delivery ? env.receiptHash : env.receiptAckHash;
    if (earlier === r.receiptHash) return JSON.stringify(env);
    if (earlier !== undefined)
      throw new ChaincodeError('RECEIPT_EXISTS', `${messageId} has its ${r.kind} receipt already`);
    if (!delivery && env.receiptHash === undefined)
      throw new ChaincodeError('RECEIPT_MISSING', `${messageId} has no delivery receipt to acknowledge`);
    // Only the statuses this contract knows: a status added later (a withdrawal, say) takes no receipt.
    const known: readonly MessageStatus[] = ['SENT', 'DELIVERED', 'ACCEPTED', 'REJECTED'];
    if (delivery && !known.includes(env.status))
      throw new ChaincodeError(
        'STATUS_NOT_FORWARD',
        `message ${messageId} is ${env.status}; it takes no receipt`,
      );
    const at = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const updated: Envelope & ReceiptFields = delivery
      ? {
          ...env,
          receiptHash: r.receiptHash,
          receiptAt: at,
          receiptTxId: txId,
          // The receipt is the delivery: a message still SENT becomes DELIVERED by the same transaction.
          ...(env.status === 'SENT'
            ? { status: 'DELIVERED' as const, statusAt: at, statusBy: me.id, statusTxId: txId }
            : {}),
        }
      : { ...env, receiptAckHash: r.receiptHash, receiptAckAt: at, receiptAckTxId: txId };
    const stored: StoredReceipt = {
      messageId: env.messageId,
      kind: r.kind,
      receiptHash: r.receiptHash,
      sealed: r.sealed,
      by: me.id,
      at,
      txId,
    };
    await putJson(ctx, key, updated);
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.receipt, [env.messageId, r.kind]), stored);
    // Public metadata only: ids, the status and the kind; the receipt stays sealed.
    const event = {
      messageId: env.messageId,
      sender: env.sender,
      addressee: env.addressee,
      documentType: env.documentType,
      formatVersion: env.formatVersion,
      status: updated.status,
      kind: r.kind,
      receiptHash: r.receiptHash,
      txId,
    };
    ctx.stub.setEvent('ReceiptRecorded', Buffer.from(JSON.stringify(event)));
    return JSON.stringify(updated);
  }

  /** A recorded receipt, sealed, for the two parties of its message. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, messageId: string, kind: string): Promise<string> {
    if (!RECEIPT_KINDS.includes(kind as ReceiptKind))
      throw invalid('/kind', 'must be delivery or acknowledgement');
    const env = await getJson<Envelope>(
      ctx,
      ctx.stub.createCompositeKey(KeyType.message, [String(messageId)]),
    );
    if (!env) throw new ChaincodeError('MESSAGE_NOT_FOUND', `no message ${messageId}`);
    const me = await actingParticipant(ctx);
    if (me.id !== env.sender && me.id !== env.addressee)
      throw new ChaincodeError('NOT_AUTHORIZED', 'only the sender and the addressee read its receipts');
    const stored = await getJson<StoredReceipt>(
      ctx,
      ctx.stub.createCompositeKey(KeyType.receipt, [env.messageId, kind]),
    );
    if (!stored) throw new ChaincodeError('RECEIPT_MISSING', `${messageId} has no ${kind} receipt`);
    return JSON.stringify(stored);
  }
}
