// A node's side of receipts: the addressee signs one on arrival and records its hash with DELIVERED; the sender
// opens it from the ledger, holds it to the directory and to what it sent, keeps it, and acknowledges it with a
// receipt of its own, which the addressee holds to the directory in turn. Anything that does not verify is kept with
// its code (INVALID), never dropped and never trusted.
import { DmsnetError } from '@dmsnet/formats/errors';
import { Ed25519Signer, type Signer } from '../crypto/signer.js';
import { boxSeal, boxSealOpen } from '../crypto/sealed-box.js';
import { sodium } from '../crypto/sodium.js';
import { currentKeyOf } from './directory.js';
import type { NodeContext } from './context.js';
import { codeOf, isTransient, json, messageOf, Sublevel } from './layout.js';
import type { BatchOp } from '../store/store.js';
import { component, DateTime, OpenObject, Sha256Hex, Type, type Static } from '../shapes/kit.js';
import {
  invalidReceipt,
  parseSignedReceipt,
  receiptHash,
  RECEIPT_FORMAT,
  signReceipt,
  verifyReceiptSignature,
  type Receipt,
  type ReceiptTrust,
  type SignedReceipt,
} from '../receipts/receipt.js';

export type ReceiptKind = Receipt['kind'];

/** What the ledger's receipts contract keeps of one receipt (chaincode/src/receipt-contract.ts). */
export interface LedgerReceipt {
  messageId: string;
  kind: ReceiptKind;
  receiptHash: string;
  sealed: string;
  by: string;
  at: string;
  txId: string;
}

/** A receipt as a node keeps it: its own (ISSUED) or the other party's, verified or not, with where the ledger has it. */
export const KeptReceipt = component(
  'KeptReceipt',
  Type.Object(
    {
      kind: Type.Unsafe<ReceiptKind>({ enum: ['delivery', 'acknowledgement'] }),
      state: Type.Enum(['ISSUED', 'VERIFIED', 'INVALID']),
      receiptHash: Sha256Hex(),
      signed: Type.Optional(
        Type.Unsafe<SignedReceipt>(
          Type.Object(
            { receipt: OpenObject(), signature: Type.String() },
            {
              description: 'The receipt (RFC 8785 canonical JSON is what is signed) and its base64 signature',
              additionalProperties: false,
            },
          ),
        ),
      ),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
      ledgerAt: Type.Optional(DateTime()),
      ledgerTxId: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
);
export type KeptReceipt = Static<typeof KeptReceipt>;

/** What a status intent carries when the status goes to the ledger as a receipt. */
export interface ReceiptIntent {
  kind: ReceiptKind;
  receiptHash: string;
  sealed: string;
}

export const receiptKey = (messageId: string, kind: ReceiptKind) => `${messageId}\u0000${kind}`;

export class NodeReceipts {
  constructor(private readonly ctx: NodeContext) {}

  /** The signer of the profile the directory registers for this node (GOST needs the node's GOST signer). */
  private async signer(): Promise<Signer> {
    const me = await this.ctx.directory.participant(this.ctx.participantId);
    if (me.signature?.profile === 'gost2012-256') {
      if (!this.ctx.gostSigner)
        throw new DmsnetError(
          'SIGNER_UNAVAILABLE',
          'the directory registers gost2012-256, but no GOST signer',
        );
      return this.ctx.gostSigner;
    }
    return new Ed25519Signer(this.ctx.keys.signSecretKey);
  }

  /**
   * Signs a receipt and seals it to `counterparty`: what the ledger gets (hash and sealed bytes) and what this node
   * keeps. Undefined when it cannot be made for a reason no retry mends (the status then goes without a receipt);
   * a transient failure propagates so the caller tries again.
   */
  async issue(
    fields: Omit<Receipt, 'format' | 'issuedAt' | 'signer'>,
    counterparty: string,
  ): Promise<{ intent: ReceiptIntent; kept: KeptReceipt } | undefined> {
    try {
      const signer = await this.signer();
      const receipt: Receipt = {
        format: RECEIPT_FORMAT,
        ...fields,
        issuedAt: new Date().toISOString(),
        signer: {
          participant: this.ctx.participantId,
          keyVersion: this.ctx.keyVersion,
          profile: signer.profile,
        },
      };
      const signed = await signReceipt(receipt, signer);
      const to = currentKeyOf(await this.ctx.directory.participant(counterparty));
      const sealed = boxSeal(await sodium(), Buffer.from(JSON.stringify(signed), 'utf8'), to.x25519);
      const hash = receiptHash(receipt);
      return {
        intent: { kind: fields.kind, receiptHash: hash, sealed: Buffer.from(sealed).toString('base64') },
        kept: { kind: fields.kind, state: 'ISSUED', receiptHash: hash, signed },
      };
    } catch (err) {
      if (isTransient(err)) throw err;
      this.ctx.log.warn({ messageId: fields.messageId, code: codeOf(err) }, 'receipt not made');
      return undefined;
    }
  }

  /**
   * The other party's receipt of `messageId`, read from the ledger, opened and verified: what to keep (VERIFIED or
   * INVALID with its code). `expect` is what this node knows the receipt must say.
   */
  async take(
    messageId: string,
    kind: ReceiptKind,
    expect: Partial<
      Pick<Receipt, 'sender' | 'addressee' | 'ciphertextHash' | 'documentDigest' | 'acknowledges'>
    > & {
      signer: string;
    },
  ): Promise<KeptReceipt> {
    const stored = json(await this.ctx.ledger.evaluate('receipts:get', [messageId, kind])) as LedgerReceipt;
    const where = { receiptHash: stored.receiptHash, ledgerAt: stored.at, ledgerTxId: stored.txId };
    let signed: SignedReceipt | undefined;
    try {
      let opened: Uint8Array;
      try {
        opened = boxSealOpen(
          await sodium(),
          new Uint8Array(Buffer.from(stored.sealed, 'base64')),
          this.ctx.keys.boxPublicKey,
          this.ctx.keys.boxSecretKey,
        );
      } catch {
        throw invalidReceipt('', 'the sealed receipt does not open with this node’s key');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(opened).toString('utf8'));
      } catch {
        throw invalidReceipt('', 'the opened receipt is not JSON');
      }
      signed = parseSignedReceipt(parsed);
      const r = signed.receipt;
      if (receiptHash(r) !== stored.receiptHash)
        throw invalidReceipt('', 'its SHA-256 is not the hash the ledger holds');
      const must = (pointer: string, actual: unknown, wanted: unknown) => {
        if (wanted !== undefined && actual !== wanted)
          throw invalidReceipt(pointer, `must be ${String(wanted)}`);
      };
      must('/receipt/kind', r.kind, kind);
      must('/receipt/messageId', r.messageId, messageId);
      must('/receipt/signer/participant', r.signer.participant, expect.signer);
      must('/receipt/sender', r.sender, expect.sender);
      must('/receipt/addressee', r.addressee, expect.addressee);
      must('/receipt/ciphertextHash', r.ciphertextHash, expect.ciphertextHash);
      must('/receipt/acknowledges', r.acknowledges, expect.acknowledges);
      // A receipt that says the document did not open is kept as what it is: proof of what arrived, not of content.
      if (r.documentDigest !== undefined)
        must('/receipt/documentDigest', r.documentDigest, expect.documentDigest);
      verifyReceiptSignature(signed, await this.trust(r, stored.at));
      return { kind, state: 'VERIFIED', signed, ...where };
    } catch (err) {
      if (isTransient(err)) throw err;
      return {
        kind,
        state: 'INVALID',
        signed,
        code: codeOf(err),
        message: messageOf(err).slice(0, 500),
        ...where,
      };
    }
  }

  /** What the directory held for the receipt's signer when the ledger recorded it. */
  async trust(r: Receipt, at: string): Promise<ReceiptTrust> {
    const expected = await this.ctx.directory.expectedSignature(r.signer.participant, at);
    if (expected.profile === 'gost2012-256') return expected;
    return {
      profile: 'ed25519',
      publicKey: await this.ctx.directory.signKey(r.signer.participant, r.signer.keyVersion),
    };
  }

  keepOp(messageId: string, kept: KeptReceipt): BatchOp {
    return { type: 'put', sublevel: Sublevel.receipts, key: receiptKey(messageId, kept.kind), value: kept };
  }

  async kept(messageId: string): Promise<Partial<Record<ReceiptKind, KeptReceipt>>> {
    const out: Partial<Record<ReceiptKind, KeptReceipt>> = {};
    for (const kind of ['delivery', 'acknowledgement'] as const) {
      const k = await this.ctx.store.get<KeptReceipt>(Sublevel.receipts, receiptKey(messageId, kind));
      if (k) out[kind] = k;
    }
    return out;
  }
}
