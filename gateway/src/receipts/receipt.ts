// A signed receipt (decision record 0034): what the addressee's gateway signs on arrival — "I received exactly the
// bytes whose SHA-256 is this, under this ledger id, at this time" — and what the sender signs back to acknowledge
// it. The signed bytes are the RFC 8785 canonical JSON of the receipt; the ledger keeps their SHA-256. Verifying
// needs only the receipt, its signature and the signer's key or certificate, so it works offline too.
import { canonicalJson } from '@dmsnet/formats/canonical';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { MESSAGE_ID_PATTERN } from '@dmsnet/formats/message-id';
import { ed25519Verify } from '../crypto/ed25519.js';
import { sha256Hex } from '../crypto/envelope.js';
import { verifyCms, type GostCertificate } from '@dmsnet/gost';
import type { SignatureProfileName, Signer } from '../crypto/signer.js';

export const RECEIPT_FORMAT = 'dmsnet.receipt/1';

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  /** delivery: the addressee received the document; acknowledgement: the sender received the delivery receipt. */
  kind: 'delivery' | 'acknowledgement';
  messageId: string;
  sender: string;
  addressee: string;
  /** SHA-256 hex of the ciphertext the ledger holds for the message. */
  ciphertextHash: string;
  /** SHA-256 hex of the canonical bytes the addressee opened and verified; absent when they did not open or verify. */
  documentDigest?: string;
  /** Why the document did not open or verify, when it did not: a receipt then says only what arrived. */
  openFailure?: string;
  /** acknowledgement: the hash of the delivery receipt it acknowledges. */
  acknowledges?: string;
  issuedAt: string;
  signer: { participant: string; keyVersion: number; profile: SignatureProfileName };
}

export interface SignedReceipt {
  receipt: Receipt;
  /** base64: 64 raw bytes for ed25519, a detached DER CMS (CAdES-BES) for gost2012-256. */
  signature: string;
}

export const receiptBytes = (r: Receipt): Uint8Array => Buffer.from(canonicalJson(r), 'utf8');
/** What the ledger keeps: the SHA-256 of the signed bytes. */
export const receiptHash = (r: Receipt): string => sha256Hex(canonicalJson(r));

export async function signReceipt(receipt: Receipt, signer: Signer): Promise<SignedReceipt> {
  if (signer.profile !== receipt.signer.profile)
    throw new DmsnetError('SIGNATURE_PROFILE_MISMATCH', 'the receipt names another profile than its signer');
  const signature = await signer.sign(receiptBytes(receipt));
  return { receipt, signature: Buffer.from(signature).toString('base64') };
}

/** The key or certificates a receipt's signer is held to (from the directory, or from a bundle offline). */
export type ReceiptTrust =
  | { profile: 'ed25519'; publicKey: Uint8Array }
  | { profile: 'gost2012-256'; fingerprints: string[]; trustedRoots: GostCertificate[] };

/** Throws RECEIPT_INVALID naming what is wrong; answers the GOST chain for a CMS signature. */
export function verifyReceiptSignature(
  signed: SignedReceipt,
  trust: ReceiptTrust,
): { chain?: GostCertificate[] } {
  const r = signed.receipt;
  if (r.signer.profile !== trust.profile) {
    throw invalidReceipt(
      '/receipt/signer/profile',
      `is ${r.signer.profile}, but the signer is registered with ${trust.profile}`,
    );
  }
  const signature = new Uint8Array(Buffer.from(signed.signature, 'base64'));
  const content = receiptBytes(r);
  if (trust.profile === 'ed25519') {
    let ok = false;
    try {
      ok = signature.length === 64 && ed25519Verify(signature, content, trust.publicKey);
    } catch {
      ok = false;
    }
    if (!ok) throw invalidReceipt('/signature', 'the Ed25519 signature does not verify over the receipt');
    return {};
  }
  try {
    const v = verifyCms({
      signature,
      content,
      trustedRoots: trust.trustedRoots,
      registered: trust.fingerprints,
    });
    return { chain: v.chain };
  } catch (err) {
    const code = err instanceof DmsnetError ? err.code : 'SIGNATURE_INVALID';
    throw invalidReceipt('/signature', `the GOST CMS does not verify (${code})`);
  }
}

/**
 * Reads a signed receipt from outside bytes (the ledger, a bundle): every field checked, the first wrong one named by
 * its pointer, nothing else accepted.
 */
export function parseSignedReceipt(value: unknown): SignedReceipt {
  const errors: FieldError[] = [];
  const bad = (pointer: string, message: string) =>
    errors.push({ pointer, code: 'RECEIPT_INVALID', message });
  const obj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!obj(value)) throw invalidReceipt('', 'must be an object {receipt, signature}');
  for (const k of Object.keys(value))
    if (k !== 'receipt' && k !== 'signature') bad(`/${k}`, 'is not a field of a signed receipt');
  if (typeof value.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value.signature))
    bad('/signature', 'must be base64');
  const r = value.receipt;
  if (!obj(r)) {
    bad('/receipt', 'must be an object');
    throw new DmsnetError(
      'RECEIPT_INVALID',
      errors.map((e) => `${e.pointer} ${e.message}`).join('; '),
      errors,
    );
  }
  const hex = /^[0-9a-f]{64}$/;
  const allowed = new Set([
    'format',
    'kind',
    'messageId',
    'sender',
    'addressee',
    'ciphertextHash',
    'documentDigest',
    'openFailure',
    'acknowledges',
    'issuedAt',
    'signer',
  ]);
  for (const k of Object.keys(r)) if (!allowed.has(k)) bad(`/receipt/${k}`, 'is not a field of a receipt');
  if (r.format !== RECEIPT_FORMAT) bad('/receipt/format', `must be ${RECEIPT_FORMAT}`);
  if (r.kind !== 'delivery' && r.kind !== 'acknowledgement')
    bad('/receipt/kind', 'must be delivery or acknowledgement');
  if (typeof r.messageId !== 'string' || !MESSAGE_ID_PATTERN.test(r.messageId))
    bad('/receipt/messageId', 'must be a ledger id <sender ОГРН>:<document id>');
  for (const f of ['sender', 'addressee'] as const)
    if (typeof r[f] !== 'string' || !/^\d{13}(\d{2})?$/.test(r[f] as string))
      bad(`/receipt/${f}`, 'must be an ОГРН or ОГРНИП');
  if (typeof r.ciphertextHash !== 'string' || !hex.test(r.ciphertextHash))
    bad('/receipt/ciphertextHash', 'must be SHA-256 hex');
  if (r.documentDigest !== undefined && (typeof r.documentDigest !== 'string' || !hex.test(r.documentDigest)))
    bad('/receipt/documentDigest', 'must be SHA-256 hex');
  if (
    r.openFailure !== undefined &&
    (typeof r.openFailure !== 'string' || !/^[A-Z][A-Z0-9_]{1,63}$/.test(r.openFailure))
  )
    bad('/receipt/openFailure', 'must be an error code');
  if (r.kind === 'delivery' && (r.documentDigest === undefined) === (r.openFailure === undefined))
    bad('/receipt/documentDigest', 'a delivery receipt has either documentDigest or openFailure');
  if (r.kind === 'acknowledgement' && (typeof r.acknowledges !== 'string' || !hex.test(r.acknowledges)))
    bad('/receipt/acknowledges', 'an acknowledgement names the receipt hash it acknowledges');
  if (r.kind === 'delivery' && r.acknowledges !== undefined)
    bad('/receipt/acknowledges', 'only an acknowledgement acknowledges');
  if (
    typeof r.issuedAt !== 'string' ||
    Number.isNaN(Date.parse(r.issuedAt)) ||
    !/^\d{4}-\d\d-\d\dT/.test(r.issuedAt)
  )
    bad('/receipt/issuedAt', 'must be an ISO 8601 date-time');
  const s = r.signer;
  if (!obj(s)) bad('/receipt/signer', 'must be an object {participant, keyVersion, profile}');
  else {
    for (const k of Object.keys(s))
      if (!['participant', 'keyVersion', 'profile'].includes(k))
        bad(`/receipt/signer/${k}`, 'is not a field');
    if (typeof s.participant !== 'string' || !/^\d{13}(\d{2})?$/.test(s.participant))
      bad('/receipt/signer/participant', 'must be an ОГРН or ОГРНИП');
    if (!Number.isInteger(s.keyVersion) || (s.keyVersion as number) < 1)
      bad('/receipt/signer/keyVersion', 'must be a positive integer');
    if (s.profile !== 'ed25519' && s.profile !== 'gost2012-256')
      bad('/receipt/signer/profile', 'must be ed25519 or gost2012-256');
  }
  if (errors.length)
    throw new DmsnetError(
      'RECEIPT_INVALID',
      errors.map((e) => `${e.pointer} ${e.message}`).join('; '),
      errors,
    );
  return value as unknown as SignedReceipt;
}

export function invalidReceipt(pointer: string, message: string): DmsnetError {
  return new DmsnetError('RECEIPT_INVALID', `${pointer || '(receipt)'} ${message}`, [
    { pointer, code: 'RECEIPT_INVALID', message },
  ]);
}
