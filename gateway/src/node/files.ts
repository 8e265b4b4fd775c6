// The sealed files of a document on this node (decision record 0058). The sender keeps each file as the upload sealed
// it (to the addressee, the stream's key also sealed to itself) and sends it through the ledger piece by piece, one
// transaction per FILE_CHUNK_BYTES, before the document's envelope, recording after each committed piece how far it
// got; the addressee fetches the pieces into a sealed file of its own, checking each one against the chain the
// envelope fixes. Neither side ever holds more than one piece; the store keeps the files sealed.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { DmsnetError } from '@dmsnet/formats/errors';
import {
  CHAIN_START,
  chainNext,
  FILE_CHUNK_BYTES,
  sha256OfPiece,
  type FileOnLedger,
} from '@dmsnet/formats/attachments/transfer';
import { openAttachmentStream, SEALED_KEY_AT, SEALED_KEY_BYTES } from '../crypto/attachment-stream.js';
import { sodium } from '../crypto/index.js';
import type { NodeContext } from './context.js';
import { json } from './layout.js';

export type FileSide = 'out' | 'in';

/** The folder of a side's sealed files; the name of each is the hash of its message id (ids hold colons). */
export function filesFolder(dataDir: string, side: FileSide): string {
  return join(dataDir, 'files', side);
}

export function sealedFilePath(dataDir: string, side: FileSide, messageId: string, index: number): string {
  const name = createHash('sha256').update(messageId).digest('hex').slice(0, 40);
  return join(filesFolder(dataDir, side), `${name}.${index}.sealed`);
}

/** Piece `seq` of a sealed file: FILE_CHUNK_BYTES from seq × FILE_CHUNK_BYTES (the last may be shorter). */
export async function readPiece(path: string, seq: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(FILE_CHUNK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, FILE_CHUNK_BYTES, seq * FILE_CHUNK_BYTES);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What the envelope will say of a sealed file: its size, pieces and their hash chain, read one piece at a time. */
export async function describeSealedFile(path: string): Promise<FileOnLedger> {
  const { size } = await stat(path);
  const chunks = Math.ceil(size / FILE_CHUNK_BYTES);
  let chain = CHAIN_START;
  for (let seq = 0; seq < chunks; seq++) chain = chainNext(chain, sha256OfPiece(await readPiece(path, seq)));
  return { sealedBytes: size, chunks, chain };
}

/**
 * Fetches every piece of file `index` of a received document into this node's sealed file, checking each piece's place
 * in the chain and the whole against the envelope. A partial file from an interrupted fetch is started again.
 */
export async function fetchFile(
  ctx: NodeContext,
  dataDir: string,
  messageId: string,
  index: number,
  expected: FileOnLedger,
): Promise<string> {
  const path = sealedFilePath(dataDir, 'in', messageId, index);
  await mkdir(filesFolder(dataDir, 'in'), { recursive: true });
  const part = `${path}.part`;
  const out = createWriteStream(part, { mode: 0o600 });
  let chain = CHAIN_START;
  let bytes = 0;
  try {
    for (let seq = 0; seq < expected.chunks; seq++) {
      const b64 = json(
        await ctx.ledger.evaluate('exchange:getFilePiece', [messageId, String(index), String(seq)]),
      );
      const piece = Buffer.from(String(b64), 'base64');
      chain = chainNext(chain, sha256OfPiece(piece));
      bytes += piece.length;
      if (!out.write(piece)) await once(out, 'drain');
    }
  } catch (err) {
    out.destroy();
    await rm(part, { force: true });
    throw err;
  }
  out.end();
  await once(out, 'close');
  if (chain !== expected.chain || bytes !== expected.sealedBytes) {
    await rm(part, { force: true });
    throw new DmsnetError(
      'PAYLOAD_HASH_MISMATCH',
      `file ${index} of ${messageId} does not match the hash chain its envelope fixes`,
    );
  }
  await rename(part, path);
  return path;
}

/** The sender's own key for a file it sealed (kept beside the file), so it can open what it sent. */
export const ownKeyPath = (sealedPath: string) => `${sealedPath}.key`;

/**
 * The plaintext of a sealed file this node holds, opened chunk by chunk. The addressee opens with its box keys; the
 * sender, whose copy is sealed to the addressee, with the stream's key it sealed to itself (swapped into the head).
 */
export async function* openSealedFile(
  ctx: NodeContext,
  path: string,
  side: FileSide,
): AsyncGenerator<Uint8Array> {
  const s = await sodium();
  let source: AsyncIterable<Uint8Array> = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (side === 'out') {
    const own = await readWhole(ownKeyPath(path));
    source = withSealedKey(source, own);
  }
  const keys = ctx.keys;
  const candidates = [keys, ...[...(keys.previous ?? [])].sort((a, b) => b.version - a.version)];
  // Which key version sealed it is not recorded: the current one first (almost always), then the earlier ones.
  for (let i = 0; ; i++) {
    const k = candidates[i]!;
    const it = openAttachmentStream(s, source, k.boxPublicKey, k.boxSecretKey);
    let first: IteratorResult<Uint8Array>;
    try {
      first = await it.next();
    } catch (err) {
      if (i === candidates.length - 1) throw err;
      source = createReadStream(path, { highWaterMark: 256 * 1024 });
      if (side === 'out') source = withSealedKey(source, await readWhole(ownKeyPath(path)));
      continue;
    }
    if (first.done) return;
    yield first.value;
    yield* it;
    return;
  }
}

async function readWhole(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** The sealed stream with its head's sealed key replaced (the sender's own copy of the stream key). */
async function* withSealedKey(
  source: AsyncIterable<Uint8Array>,
  sealedKey: Uint8Array,
): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const c of source) {
    const chunk = Buffer.from(c);
    const from = SEALED_KEY_AT;
    const to = SEALED_KEY_AT + SEALED_KEY_BYTES;
    if (seen + chunk.length <= from || seen >= to) {
      seen += chunk.length;
      yield chunk;
      continue;
    }
    // The key's bytes fall (partly) in this chunk: overwrite them from the own copy.
    for (let i = Math.max(from, seen); i < Math.min(to, seen + chunk.length); i++)
      chunk[i - seen] = sealedKey[i - from]!;
    seen += chunk.length;
    yield chunk;
  }
}

/** Removes the sealed files of a document on this side (its retention passed): hash and trail stay elsewhere. */
export async function removeFiles(
  dataDir: string,
  side: FileSide,
  messageId: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const p = sealedFilePath(dataDir, side, messageId, i);
    await rm(p, { force: true });
    await rm(ownKeyPath(p), { force: true });
  }
}
