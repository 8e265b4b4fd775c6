// The sealed payload, as pure synchronous functions: the same code runs inline and in the worker.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { canonicalJson } from '@dmsnet/formats/canonical';
import type { Sodium } from './sodium.js';
import { CryptoError } from './errors.js';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { boxSeal, boxSealOpen } from './sealed-box.js';

/** What a sealed box holds once opened and decompressed. */
export interface InnerPayload {
  v: 1;
  signer: { participant: string; keyVersion: number };
  /** Absent: ed25519. */
  profile?: 'gost2012-256';
  /**
   * Base64 of the detached signature over the UTF-8 bytes of `document`: 64 bytes of Ed25519, or for gost2012-256 a
   * DER CMS SignedData.
   */
  signature: string;
  /** RFC 8785 canonical JSON of {header, body}: the exact signed bytes. */
  document: string;
}

export interface SealParams {
  document: { header: unknown; body: unknown };
  /**
   * The document's canonical JSON when the caller already has it (it computed the digest): not computed again, and a
   * worker then receives this one string instead of a structured clone of the whole object.
   */
  canonical?: string;
  signSecretKey: Uint8Array;
  /** A signature made beforehand by a Signer of another profile (GOST); then signSecretKey is not used. */
  signature?: { profile: 'gost2012-256'; bytes: Uint8Array };
  senderId: string;
  keyVersion: number;
  recipientBoxPublicKey: Uint8Array;
}

/** Large enough for a 50,000-row list many times over, small enough that a compression bomb cannot exhaust memory. */
export const DEFAULT_MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;

/**
 * A payload this small fits a 4 KB window whole, so a small window and hash table compress it just as well while
 * zlib sets up a quarter of the memory (most of deflate's cost on a 2 KB letter). Any raw inflater reads it.
 */
const SMALL_PAYLOAD_BYTES = 4096;
const SMALL_DEFLATE = { level: 6, windowBits: 12, memLevel: 5 };

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sealSync(libsodium: Sodium, p: SealParams): Uint8Array {
  const canonical = p.canonical ?? canonicalJson({ header: p.document.header, body: p.document.body });
  const signature = p.signature?.bytes ?? ed25519Sign(Buffer.from(canonical, 'utf8'), p.signSecretKey);
  const inner: InnerPayload = {
    v: 1,
    signer: { participant: p.senderId, keyVersion: p.keyVersion },
    ...(p.signature ? { profile: p.signature.profile } : {}),
    signature: Buffer.from(signature).toString('base64'),
    document: canonical,
  };
  // Raw deflate: registers of thousands of similar rows shrink several-fold, and deflate is fast at both ends,
  // which matters more here than brotli's extra few percent (every peer stores every ciphertext).
  const plain = Buffer.from(JSON.stringify(inner), 'utf8');
  const compressed = deflateRawSync(
    plain,
    plain.length <= SMALL_PAYLOAD_BYTES ? SMALL_DEFLATE : { level: 6 },
  );
  return boxSeal(libsodium, compressed, p.recipientBoxPublicKey);
}

/** Opens and decompresses; the signature is checked separately, once the signer's key is known. */
export function unsealSync(
  libsodium: Sodium,
  ciphertext: Uint8Array,
  boxPublicKey: Uint8Array,
  boxSecretKey: Uint8Array,
  maxPlaintextBytes = DEFAULT_MAX_PLAINTEXT_BYTES,
): InnerPayload {
  let compressed: Uint8Array;
  try {
    compressed = boxSealOpen(libsodium, ciphertext, boxPublicKey, boxSecretKey);
  } catch {
    throw new CryptoError(
      'SEAL_OPEN_FAILED',
      'the ciphertext cannot be opened with this participant key: it was altered or is addressed to someone else',
    );
  }
  let plain: Buffer;
  try {
    plain = inflateRawSync(compressed, { maxOutputLength: maxPlaintextBytes });
  } catch {
    throw new CryptoError(
      'PAYLOAD_DECOMPRESS_FAILED',
      `the payload does not decompress within ${maxPlaintextBytes} bytes`,
    );
  }
  let inner: unknown;
  try {
    inner = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new CryptoError('PAYLOAD_MALFORMED', 'the opened payload is not JSON');
  }
  return checkInner(inner);
}

function checkInner(x: unknown): InnerPayload {
  const o = x as Partial<InnerPayload> | null;
  if (
    !o ||
    typeof o !== 'object' ||
    o.v !== 1 ||
    typeof o.signature !== 'string' ||
    typeof o.document !== 'string' ||
    !o.signer ||
    typeof o.signer.participant !== 'string' ||
    !Number.isInteger(o.signer.keyVersion) ||
    (o.profile !== undefined && o.profile !== 'gost2012-256')
  ) {
    throw new CryptoError('PAYLOAD_MALFORMED', 'the opened payload lacks v=1, signer, signature or document');
  }
  return o as InnerPayload;
}

export function verifySync(libsodium: Sodium, inner: InnerPayload, signPublicKey: Uint8Array): void {
  let ok = false;
  try {
    ok = ed25519Verify(
      Buffer.from(inner.signature, 'base64'),
      Buffer.from(inner.document, 'utf8'),
      signPublicKey,
    );
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new CryptoError(
      'SIGNATURE_INVALID',
      `the signature does not verify with key version ${inner.signer.keyVersion} of ${inner.signer.participant}`,
    );
  }
}
