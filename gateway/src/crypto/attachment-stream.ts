// A file of a medical-documentation answer, sealed to the addressee as it streams (decision record 0056). A whole
// payload is one sealed box (envelope.ts), which needs the whole plaintext at once; a 100 MiB scan instead goes
// through libsodium's secretstream (XChaCha20-Poly1305) in 64 KiB chunks, under a fresh key sealed to the addressee's
// box key, so the gateway holds one chunk at a time and a cut, reordered or appended chunk fails to open.
import { CryptoError } from './errors.js';
import { boxSeal, boxSealOpen } from './sealed-box.js';
import type { Sodium } from './sodium.js';

/** Plaintext bytes per secretstream message. */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
const MAGIC = Buffer.from('DMSA1\n', 'latin1');
/** A sealed 32-byte key: ephemeral public key (32) + box (32 + 16). */
const SEALED_KEY_BYTES = 80;

export interface SealedAttachmentFacts {
  /** Plaintext bytes sealed. */
  size: number;
  /** Bytes written to the sink. */
  sealedBytes: number;
  /** The stream's key sealed to `alsoTo` (the sender itself), which replaces the head's to open its own copy. */
  alsoSealedKey?: Uint8Array;
}

/** Where the sealed key sits in a sealed attachment, and its length. */
export const SEALED_KEY_AT = MAGIC.length;
export { SEALED_KEY_BYTES };

/**
 * Reads `source`, hands each plaintext chunk to `inspect` (the attachment's checker) and writes the sealed form to
 * `sink`: MAGIC ‖ sealed key ‖ secretstream header ‖ frames of u32 length ‖ ciphertext, the last tagged FINAL.
 */
export async function sealAttachmentStream(
  libsodium: Sodium,
  source: AsyncIterable<Uint8Array>,
  recipientBoxPublicKey: Uint8Array,
  sink: (bytes: Uint8Array) => Promise<void> | void,
  inspect?: (chunk: Uint8Array) => void,
  /** A second box key the stream's key is sealed to (the sender's own), kept apart from the file. */
  alsoTo?: Uint8Array,
): Promise<SealedAttachmentFacts> {
  const s = libsodium;
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const sealedKey = boxSeal(s, key, recipientBoxPublicKey);
  const alsoSealedKey = alsoTo ? boxSeal(s, key, alsoTo) : undefined;
  key.fill(0);
  let sealedBytes = 0;
  const write = async (b: Uint8Array) => {
    sealedBytes += b.length;
    await sink(b);
  };
  await write(Buffer.concat([MAGIC, sealedKey, header]));
  const frame = async (plain: Uint8Array, final: boolean) => {
    const tag = final
      ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const c = s.crypto_secretstream_xchacha20poly1305_push(state, plain, null, tag);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(c.length);
    await write(Buffer.concat([len, c]));
  };
  // One full chunk is held back until more arrives, so the last one can be tagged FINAL.
  const buf = Buffer.alloc(ATTACHMENT_CHUNK_BYTES);
  let filled = 0;
  let pending: Buffer | undefined;
  let size = 0;
  for await (const chunk of source) {
    inspect?.(chunk);
    size += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, buf.length - filled);
      buf.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === buf.length) {
        if (pending) await frame(pending, false);
        pending = Buffer.from(buf);
        filled = 0;
      }
    }
  }
  if (filled > 0) {
    if (pending) await frame(pending, false);
    pending = buf.subarray(0, filled);
  }
  await frame(pending ?? Buffer.alloc(0), true);
  return { size, sealedBytes, ...(alsoSealedKey ? { alsoSealedKey } : {}) };
}

/** Reads exactly n bytes at a time from an async byte source. */
class ByteReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** n bytes, or undefined at a clean end (nothing left); throws on a cut in the middle. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.have < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.chunks.push(Buffer.from(r.value));
        this.have += r.value.length;
      }
    }
    if (this.have === 0 && this.done) return undefined;
    if (this.have < n) throw new CryptoError('SEAL_OPEN_FAILED', 'the sealed attachment is cut short');
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.have = rest.length;
    return out;
  }
}

/** Opens a sealed attachment chunk by chunk; throws SEAL_OPEN_FAILED on a wrong key, a cut, a change or extra bytes. */
export async function* openAttachmentStream(
  libsodium: Sodium,
  sealed: AsyncIterable<Uint8Array>,
  recipientBoxPublicKey: Uint8Array,
  recipientBoxSecretKey: Uint8Array,
): AsyncGenerator<Uint8Array> {
  const s = libsodium;
  const r = new ByteReader(sealed[Symbol.asyncIterator]());
  const head = await r.read(MAGIC.length + SEALED_KEY_BYTES + 24);
  if (!head || !head.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CryptoError('SEAL_OPEN_FAILED', 'not a sealed attachment');
  let key: Uint8Array;
  try {
    key = boxSealOpen(
      s,
      head.subarray(MAGIC.length, MAGIC.length + SEALED_KEY_BYTES),
      recipientBoxPublicKey,
      recipientBoxSecretKey,
    );
  } catch {
    throw new CryptoError('SEAL_OPEN_FAILED', 'the attachment is not sealed to this participant');
  }
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(
    head.subarray(MAGIC.length + SEALED_KEY_BYTES),
    key,
  );
  key.fill(0);
  for (;;) {
    const len = await r.read(4);
    if (!len) throw new CryptoError('SEAL_OPEN_FAILED', 'the sealed attachment ends before its final chunk');
    const n = len.readUInt32BE(0);
    if (n > ATTACHMENT_CHUNK_BYTES + 17)
      throw new CryptoError('SEAL_OPEN_FAILED', 'a sealed chunk is too long');
    const c = await r.read(n);
    if (!c) throw new CryptoError('SEAL_OPEN_FAILED', 'the sealed attachment is cut short');
    const out = s.crypto_secretstream_xchacha20poly1305_pull(state, c, null);
    if (!out)
      throw new CryptoError('SEAL_OPEN_FAILED', 'a sealed chunk does not open (changed or reordered)');
    if (out.message.length > 0) yield out.message;
    if (out.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      if ((await r.read(1)) !== undefined)
        throw new CryptoError('SEAL_OPEN_FAILED', 'bytes follow the final chunk of the sealed attachment');
      return;
    }
  }
}
