import { sodium } from './sodium.js';
import { cryptoWorker, WORKER_THRESHOLD_BYTES } from './pool.js';
import { streebog256OffThread } from './gost-digest.js';
import { CryptoError } from './errors.js';
import { verifyCms, type GostCertificate } from '@dmsnet/gost';
import { verifyCmsOffThread } from './gost-verify.js';
import {
  DEFAULT_MAX_PLAINTEXT_BYTES,
  sealSync,
  sha256Hex,
  unsealSync,
  verifySync,
  type InnerPayload,
  type SealParams,
} from './envelope.js';

export type SealInput = SealParams;

export interface OpenInput {
  ciphertext: Uint8Array;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
  /** The signer's Ed25519 public key of that version, from the directory. */
  resolveSignKey: (participant: string, keyVersion: number) => Promise<Uint8Array>;
  /** How the directory says the signer signs; without it, ed25519. */
  resolveSignature?: (participant: string) => Promise<ExpectedSignature>;
  /** What the ledger says about the sender; a payload claiming another signer is refused. */
  expectedSender?: { participant: string; keyVersion: number };
  maxPlaintextBytes?: number;
}

/** What the directory registered for a signer. */
export type ExpectedSignature =
  | { profile: 'ed25519' }
  | {
      profile: 'gost2012-256';
      /** SHA-256 fingerprints of the certificates registered for the signer (at the time that matters). */
      fingerprints: string[];
      trustedRoots: GostCertificate[];
    };

export interface OpenedDocument {
  document: { header: unknown; body: unknown };
  signer: { participant: string; keyVersion: number };
  /** The signature as received: its profile and base64 bytes (a DER CMS for gost2012-256). */
  signature: { profile: 'ed25519' | 'gost2012-256'; bytes: string };
  canonical: string;
  /** SHA-256 hex of the canonical text: the digest that was signed. */
  digest: string;
}

export { WORKER_THRESHOLD_BYTES };

export async function sealDocument(
  input: SealInput,
  options: { inline?: boolean } = {},
): Promise<Uint8Array> {
  const big =
    !options.inline &&
    (input.canonical !== undefined
      ? input.canonical.length > WORKER_THRESHOLD_BYTES
      : exceedsSize(input.document, WORKER_THRESHOLD_BYTES));
  if (big) {
    // With the canonical text at hand the worker needs nothing else of the document.
    const params =
      input.canonical !== undefined ? { ...input, document: { header: null, body: null } } : input;
    return (await cryptoWorker.run({ op: 'seal', params })) as Uint8Array;
  }
  return sealSync(await sodium(), input);
}

export async function openDocument(
  input: OpenInput,
  options: { inline?: boolean } = {},
): Promise<OpenedDocument> {
  const max = input.maxPlaintextBytes ?? DEFAULT_MAX_PLAINTEXT_BYTES;
  const libsodium = await sodium();
  const inner =
    !options.inline && input.ciphertext.byteLength > WORKER_THRESHOLD_BYTES
      ? ((await cryptoWorker.run({
          op: 'unseal',
          ciphertext: input.ciphertext,
          boxPublicKey: input.boxPublicKey,
          boxSecretKey: input.boxSecretKey,
          maxPlaintextBytes: max,
        })) as InnerPayload)
      : unsealSync(libsodium, input.ciphertext, input.boxPublicKey, input.boxSecretKey, max);
  const expected = input.expectedSender;
  if (
    expected &&
    (expected.participant !== inner.signer.participant || expected.keyVersion !== inner.signer.keyVersion)
  ) {
    throw new CryptoError(
      'SIGNER_MISMATCH',
      `the payload is signed as ${inner.signer.participant} key v${inner.signer.keyVersion}, ` +
        `but the ledger names ${expected.participant} key v${expected.keyVersion} as its sender`,
    );
  }
  const profile = inner.profile ?? 'ed25519';
  const expectedSig: ExpectedSignature = input.resolveSignature
    ? await input.resolveSignature(inner.signer.participant)
    : { profile: 'ed25519' };
  if (profile !== expectedSig.profile) {
    throw new CryptoError(
      'SIGNATURE_PROFILE_MISMATCH',
      `the payload is signed with ${profile}, but the directory registers ${expectedSig.profile} for ` +
        inner.signer.participant,
    );
  }
  if (expectedSig.profile === 'gost2012-256') {
    const content = Buffer.from(inner.document, 'utf8');
    const params = {
      signature: Buffer.from(inner.signature, 'base64'),
      content,
      trustedRoots: expectedSig.trustedRoots,
      // Checked first, before any certificate the sender chose is parsed or verified.
      registered: expectedSig.fingerprints,
    };
    try {
      if (options.inline) verifyCms(params);
      else await verifyCmsOffThread({ ...params, contentDigest: await streebog256OffThread(content) });
    } catch (err) {
      if (!(err instanceof CryptoError) || err.code !== 'CERT_NOT_REGISTERED') throw err;
      throw new CryptoError(
        'CERT_NOT_REGISTERED',
        `the document is not signed with the certificate the directory registers for ${inner.signer.participant}`,
      );
    }
  } else {
    const key = await input.resolveSignKey(inner.signer.participant, inner.signer.keyVersion);
    verifySync(libsodium, inner, key);
  }
  let document: { header: unknown; body: unknown };
  try {
    document = JSON.parse(inner.document) as { header: unknown; body: unknown };
  } catch {
    throw new CryptoError('PAYLOAD_MALFORMED', 'the signed document is not JSON');
  }
  return {
    document,
    signer: inner.signer,
    signature: { profile, bytes: inner.signature },
    canonical: inner.document,
    digest: sha256Hex(inner.document),
  };
}

/**
 * Whether a document's content exceeds `limit` bytes, by a walk that stops as soon as it does: deciding where to
 * seal must not cost what sealing off the main thread is meant to save (stringifying 20 MB here would).
 */
export function exceedsSize(value: unknown, limit: number): boolean {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 2;
    else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        total += k.length + 4;
        stack.push(child);
      }
    } else total += 8;
    if (total > limit) return true;
  }
  return false;
}
