// The sealed backup file (decision record 0039): a short clear header saying how to derive the key, then the archive
// in authenticated chunks (libsodium's crypto_secretstream_xchacha20poly1305), the last one tagged final. The key comes
// from the node's passphrase through Argon2id, as the key file's does, so a copy is useless without the passphrase.
import { DmsnetError } from '@dmsnet/formats/errors';
import { sodium, type Sodium } from '../../gateway/src/crypto/sodium.js';

/** The file's first bytes: what it is and the format's version. */
export const BACKUP_MAGIC = Buffer.from('DMSNET-NODE-BACKUP-1\n', 'ascii');
/** Plaintext bytes per chunk: large enough that the per-chunk cost vanishes, small enough to stream. */
export const CHUNK_BYTES = 64 * 1024;
/** A header longer than this is not ours (it is a few hundred bytes). */
const MAX_HEADER_BYTES = 4096;
/** Argon2id limits a header may ask for: more would let a crafted file exhaust the machine before it is refused. */
const MAX_OPSLIMIT = 16;
const MAX_MEMLIMIT = 1024 * 1024 * 1024;
const KEY_CHECK_CONTEXT = Buffer.from('dmsnet node backup key check v1', 'utf8');

export class BackupError extends DmsnetError {}

export interface BackupHeader {
  v: 1;
  kdf: { alg: 'argon2id13'; opslimit: number; memlimit: number; salt: string };
  /** A keyed hash of a constant under the derived key: a wrong passphrase is told apart from a damaged file. */
  keyCheck: string;
  /** secretstream's own header (its nonce), base64. */
  stream: string;
  createdAt: string;
}

export interface KdfLimits {
  opslimit: number;
  memlimit: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function deriveKey(libsodium: Sodium, passphrase: string, salt: Uint8Array, limits: KdfLimits): Uint8Array {
  return libsodium.crypto_pwhash(
    libsodium.crypto_secretstream_xchacha20poly1305_KEYBYTES,
    passphrase,
    salt,
    limits.opslimit,
    limits.memlimit,
    libsodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

const keyCheckOf = (libsodium: Sodium, key: Uint8Array) =>
  libsodium.crypto_generichash(32, KEY_CHECK_CONTEXT, key);

/** Frames of a chunk: its ciphertext length (4 bytes, big-endian) and the ciphertext. */
function frame(ciphertext: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(ciphertext.length, 0);
  return Buffer.concat([length, ciphertext]);
}

/**
 * Seals a byte stream into the backup format. The clear header is the associated data of every chunk, so changing
 * it (the KDF limits, the salt) fails authentication like changing the archive would.
 */
export async function* sealStream(
  source: AsyncIterable<Uint8Array>,
  passphrase: string,
  limits: KdfLimits,
): AsyncGenerator<Buffer> {
  const libsodium = await sodium();
  const salt = libsodium.randombytes_buf(libsodium.crypto_pwhash_SALTBYTES);
  const key = deriveKey(libsodium, passphrase, salt, limits);
  const { state, header: streamHeader } = libsodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const header: BackupHeader = {
    v: 1,
    kdf: { alg: 'argon2id13', opslimit: limits.opslimit, memlimit: limits.memlimit, salt: b64(salt) },
    keyCheck: b64(keyCheckOf(libsodium, key)),
    stream: b64(streamHeader),
    createdAt: new Date().toISOString(),
  };
  libsodium.memzero(key);
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32BE(headerBytes.length, 0);
  yield Buffer.concat([BACKUP_MAGIC, headerLength, headerBytes]);

  const push = (chunk: Uint8Array, final: boolean) =>
    frame(
      libsodium.crypto_secretstream_xchacha20poly1305_push(
        state,
        chunk,
        headerBytes,
        final
          ? libsodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
          : libsodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      ),
    );
  let pending = Buffer.alloc(0);
  for await (const piece of source) {
    pending = pending.length ? Buffer.concat([pending, piece]) : Buffer.from(piece);
    while (pending.length >= CHUNK_BYTES) {
      yield push(pending.subarray(0, CHUNK_BYTES), false);
      pending = pending.subarray(CHUNK_BYTES);
    }
  }
  // The final chunk (possibly empty) is what says the archive is whole.
  yield push(pending, true);
}

/** Reads exactly the bytes asked for from a chunked source, or says how many it got before the end. */
class ByteReader {
  private buffered = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Uint8Array>;
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** `count` bytes, or fewer when the source ends first. */
  async read(count: number): Promise<Buffer> {
    while (this.buffered.length < count) {
      const next = await this.iterator.next();
      if (next.done) break;
      this.buffered = Buffer.concat([this.buffered, next.value]);
    }
    const out = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(out.length);
    this.offset += out.length;
    return out;
  }
}

function parseHeader(bytes: Buffer): BackupHeader {
  const refuse = (pointer: string, rule: string) =>
    new BackupError('BACKUP_NOT_A_BACKUP', `the backup header's ${pointer || 'text'} ${rule}`, [
      { pointer, code: 'BACKUP_NOT_A_BACKUP', message: rule },
    ]);
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(bytes.toString('utf8')) as Partial<BackupHeader>;
  } catch {
    throw refuse('', 'is not JSON');
  }
  if (header.v !== 1) throw refuse('/v', 'must be 1');
  const kdf = header.kdf;
  if (kdf?.alg !== 'argon2id13') throw refuse('/kdf/alg', 'must be argon2id13');
  if (!Number.isInteger(kdf.opslimit) || kdf.opslimit < 1 || kdf.opslimit > MAX_OPSLIMIT)
    throw refuse('/kdf/opslimit', `must be an integer from 1 to ${MAX_OPSLIMIT}`);
  if (!Number.isInteger(kdf.memlimit) || kdf.memlimit < 8192 || kdf.memlimit > MAX_MEMLIMIT)
    throw refuse('/kdf/memlimit', `must be an integer from 8192 to ${MAX_MEMLIMIT}`);
  for (const [pointer, value, bytesLong] of [
    ['/kdf/salt', kdf.salt, 16],
    ['/keyCheck', header.keyCheck, 32],
    ['/stream', header.stream, 24],
  ] as const) {
    if (typeof value !== 'string' || Buffer.from(value, 'base64').length !== bytesLong)
      throw refuse(pointer, `must be ${bytesLong} bytes in base64`);
  }
  return header as BackupHeader;
}

/**
 * Opens a sealed stream, yielding the archive's bytes chunk by chunk, each only after it authenticated. Whoever
 * consumes them must treat the whole as unproven until this generator returns: only then was the final chunk seen.
 */
export async function* openStream(
  source: AsyncIterable<Uint8Array>,
  passphrase: string,
  progress?: (message: string) => void,
): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  const magic = await reader.read(BACKUP_MAGIC.length);
  if (!magic.equals(BACKUP_MAGIC))
    throw new BackupError('BACKUP_NOT_A_BACKUP', 'the file does not start as a dmsnet node backup does', [
      {
        pointer: '',
        code: 'BACKUP_NOT_A_BACKUP',
        message: `the first bytes are not ${JSON.stringify(BACKUP_MAGIC.toString())}`,
      },
    ]);
  const lengthBytes = await reader.read(4);
  const headerLength = lengthBytes.length === 4 ? lengthBytes.readUInt32BE(0) : -1;
  if (headerLength < 2 || headerLength > MAX_HEADER_BYTES)
    throw new BackupError('BACKUP_NOT_A_BACKUP', 'the backup header has no plausible length', [
      {
        pointer: '',
        code: 'BACKUP_NOT_A_BACKUP',
        message: `header length must be 2 to ${MAX_HEADER_BYTES} bytes`,
      },
    ]);
  const headerBytes = await reader.read(headerLength);
  if (headerBytes.length < headerLength)
    throw new BackupError('BACKUP_TRUNCATED', 'the backup ends inside its header: it is incomplete');
  const header = parseHeader(headerBytes);

  const libsodium = await sodium();
  progress?.('deriving the backup key from the passphrase (Argon2id)');
  const key = deriveKey(libsodium, passphrase, Buffer.from(header.kdf.salt, 'base64'), header.kdf);
  const expected = Buffer.from(header.keyCheck, 'base64');
  if (!libsodium.memcmp(keyCheckOf(libsodium, key), expected)) {
    libsodium.memzero(key);
    throw new BackupError('BACKUP_PASSPHRASE_WRONG', 'the passphrase does not open this backup', [
      {
        pointer: '/keyCheck',
        code: 'BACKUP_PASSPHRASE_WRONG',
        message: 'the key derived from the passphrase does not match',
      },
    ]);
  }
  const state = libsodium.crypto_secretstream_xchacha20poly1305_init_pull(
    Buffer.from(header.stream, 'base64'),
    key,
  );
  libsodium.memzero(key);
  const maxFrame = CHUNK_BYTES + libsodium.crypto_secretstream_xchacha20poly1305_ABYTES;
  for (let chunk = 0; ; chunk++) {
    const at = reader.offset;
    const lengthOf = await reader.read(4);
    if (lengthOf.length < 4)
      throw new BackupError(
        'BACKUP_TRUNCATED',
        `the backup ends after ${chunk} chunk(s) (byte ${at}) without its final chunk: it is incomplete`,
      );
    const length = lengthOf.readUInt32BE(0);
    if (length < libsodium.crypto_secretstream_xchacha20poly1305_ABYTES || length > maxFrame)
      throw new BackupError(
        'BACKUP_TAMPERED',
        `chunk ${chunk} at byte ${at} has an impossible length ${length}`,
      );
    const ciphertext = await reader.read(length);
    if (ciphertext.length < length)
      throw new BackupError(
        'BACKUP_TRUNCATED',
        `the backup ends inside chunk ${chunk} (byte ${at}): it is incomplete`,
      );
    let opened: { message: Uint8Array; tag: number } | false;
    try {
      opened = libsodium.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext, headerBytes);
    } catch {
      opened = false;
    }
    if (!opened)
      throw new BackupError(
        'BACKUP_TAMPERED',
        `chunk ${chunk} at byte ${at} fails authentication: the backup (or its header) was altered`,
      );
    yield Buffer.from(opened.message);
    if (opened.tag === libsodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      const trailing = await reader.read(1);
      if (trailing.length)
        throw new BackupError('BACKUP_TAMPERED', `bytes follow the final chunk at byte ${reader.offset - 1}`);
      return;
    }
  }
}
