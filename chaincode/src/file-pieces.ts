// A document's sealed files on the ledger (decision record 0058): each file arrives in pieces of at most
// FILE_CHUNK_BYTES, one transaction each, BEFORE the envelope. The piece's bytes go to the addressee organisation's
// implicit collection (like a document's ciphertext), its SHA-256 and size to public state, and the file's record
// chains the hashes in order; the envelope's send then checks every file it names is whole, so the addressee is told
// of the document (MessageSent) only once all its files are there.
import { createHash } from 'node:crypto';
import { getParticipant } from './directory-contract.js';
import { ChaincodeError, invalid } from './errors.js';
import type { Context } from './fabric.js';
import { actingParticipant } from './identity.js';
import { KeyType, type Envelope, type FileRecord } from './model.js';
import { implicitCollection } from './payload-store.js';
import { getJson, putJson, txTime } from './state.js';
import { MESSAGE_ID_PATTERN, parseMessageId } from '@dmsnet/formats/message-id';
import {
  CHAIN_START,
  chainNext,
  FILE_CHUNK_BYTES,
  FILE_MAX_SEALED_BYTES,
  FILES_PER_DOCUMENT,
  type FileOnLedger,
} from '@dmsnet/formats/attachments/transfer';

const pad = (n: number) => String(n).padStart(6, '0');
const fileKey = (ctx: Context, messageId: string, index: number) =>
  ctx.stub.createCompositeKey(KeyType.file, [messageId, pad(index)]);
const pieceKey = (ctx: Context, messageId: string, index: number, seq: number) =>
  ctx.stub.createCompositeKey(KeyType.filePiece, [messageId, pad(index), pad(seq)]);

function intArg(text: string, pointer: string, max: number): number {
  const n = Number(text);
  if (!/^\d{1,9}$/.test(String(text)) || !Number.isInteger(n) || n > max)
    throw invalid(pointer, `must be an integer from 0 to ${max}`);
  return n;
}

/** Writes piece `seq` of file `index` of the sender's document `messageId`; a piece already written is not twice. */
export async function putPiece(
  ctx: Context,
  messageId: string,
  addresseeId: string,
  indexText: string,
  seqText: string,
): Promise<FileRecord> {
  if (typeof messageId !== 'string' || !MESSAGE_ID_PATTERN.test(messageId))
    throw invalid('/messageId', 'must be <sender ОГРН>:<document id>');
  const index = intArg(indexText, '/index', FILES_PER_DOCUMENT - 1);
  const seq = intArg(seqText, '/seq', Math.ceil(FILE_MAX_SEALED_BYTES / FILE_CHUNK_BYTES));
  const me = await actingParticipant(ctx);
  // The id carries its sender: nobody writes pieces under another sender's document.
  if (parseMessageId(messageId)?.sender !== me.id)
    throw new ChaincodeError(
      'FILE_NOT_SENDER',
      `${me.id} does not send ${messageId}: only its sender writes its files`,
    );
  const piece = ctx.stub.getTransient().get('piece');
  if (!piece || piece.length === 0 || piece.length > FILE_CHUNK_BYTES)
    throw new ChaincodeError(
      'FILE_CHUNK_SIZE',
      `the transient field "piece" must hold 1 to ${FILE_CHUNK_BYTES} bytes`,
    );
  const hash = createHash('sha256').update(piece).digest('hex');
  const key = fileKey(ctx, messageId, index);
  let file = await getJson<FileRecord>(ctx, key);
  if (!file) {
    let addressee;
    try {
      addressee = await getParticipant(ctx, addresseeId);
    } catch {
      throw new ChaincodeError('ADDRESSEE_UNKNOWN', `no participant ${addresseeId}`);
    }
    file = {
      messageId,
      index,
      addressee: addressee.id,
      collection: implicitCollection(addressee.identities[0]?.mspId ?? ''),
      chunks: 0,
      sealedBytes: 0,
      chain: CHAIN_START,
    };
  }
  if (file.addressee !== addresseeId)
    throw invalid('/addressee', `the file's pieces go to ${file.addressee}`);
  if (seq < file.chunks) {
    // A piece committed before a crash lost the answer comes again: the same piece is no change, another one is.
    const had = await getJson<{ sha256: string }>(ctx, pieceKey(ctx, messageId, index, seq));
    if (had?.sha256 === hash) return file;
    throw new ChaincodeError(
      'FILE_CHUNK_ORDER',
      `piece ${seq} of file ${index} of ${messageId} is written already, with other bytes`,
    );
  }
  if (file.closed) throw new ChaincodeError('FILES_CLOSED', `${messageId} is sent: its files do not change`);
  if (seq !== file.chunks)
    throw new ChaincodeError(
      'FILE_CHUNK_ORDER',
      `file ${index} of ${messageId} expects piece ${file.chunks}, not ${seq}`,
    );
  if (file.sealedBytes + piece.length > FILE_MAX_SEALED_BYTES)
    throw new ChaincodeError(
      'FILE_CHUNK_SIZE',
      `file ${index} of ${messageId} would exceed ${FILE_MAX_SEALED_BYTES} bytes`,
    );
  // A document already sent closes its files (they precede the envelope): a late piece cannot change what arrived.
  if (
    await ctx.stub
      .getState(ctx.stub.createCompositeKey(KeyType.message, [messageId]))
      .then((b) => b && b.length > 0)
  )
    throw new ChaincodeError('FILES_CLOSED', `${messageId} is sent: its files do not change`);
  await ctx.stub.putPrivateData(file.collection, pieceKey(ctx, messageId, index, seq), piece);
  await putJson(ctx, pieceKey(ctx, messageId, index, seq), { sha256: hash, size: piece.length });
  const updated: FileRecord = {
    ...file,
    chunks: file.chunks + 1,
    sealedBytes: file.sealedBytes + piece.length,
    chain: chainNext(file.chain, hash),
  };
  await putJson(ctx, key, updated);
  return updated;
}

/** Checks, at the envelope's send, that every file it names is whole on the ledger and goes where it goes; closes them. */
export async function closeFiles(
  ctx: Context,
  env: Pick<Envelope, 'messageId' | 'addressee'>,
  files: unknown,
): Promise<void> {
  if (files === undefined) return;
  if (!Array.isArray(files) || files.length < 1 || files.length > FILES_PER_DOCUMENT)
    throw invalid('/files', `must list 1 to ${FILES_PER_DOCUMENT} files`);
  for (const [i, f] of (files as FileOnLedger[]).entries()) {
    if (
      !f ||
      !Number.isInteger(f.sealedBytes) ||
      !Number.isInteger(f.chunks) ||
      typeof f.chain !== 'string' ||
      !/^[0-9a-f]{64}$/.test(f.chain)
    )
      throw invalid(`/files/${i}`, 'must be {sealedBytes, chunks, chain (SHA-256 hex)}');
    const key = fileKey(ctx, env.messageId, i);
    const rec = await getJson<FileRecord>(ctx, key);
    if (
      !rec ||
      rec.addressee !== env.addressee ||
      rec.chunks !== f.chunks ||
      rec.sealedBytes !== f.sealedBytes ||
      rec.chain !== f.chain
    )
      throw new ChaincodeError(
        'FILES_INCOMPLETE',
        `file ${i} of ${env.messageId} is not on the ledger whole (${rec ? `${rec.chunks} pieces, ${rec.sealedBytes} bytes` : 'no piece'})`,
        [{ pointer: `/files/${i}`, code: 'FILES_INCOMPLETE', message: 'not on the ledger whole' }],
      );
    await putJson(ctx, key, { ...rec, closed: true });
  }
}

/** One piece, for the addressee's organisation (whose peers alone hold it), as base64. */
export async function getPiece(
  ctx: Context,
  env: Envelope,
  indexText: string,
  seqText: string,
): Promise<string> {
  const index = intArg(indexText, '/index', FILES_PER_DOCUMENT - 1);
  const seq = intArg(seqText, '/seq', Math.ceil(FILE_MAX_SEALED_BYTES / FILE_CHUNK_BYTES));
  const rec = await getJson<FileRecord>(ctx, fileKey(ctx, env.messageId, index));
  if (!rec || seq >= rec.chunks)
    throw new ChaincodeError('ATTACHMENT_NOT_FOUND', `${env.messageId} has no piece ${seq} of file ${index}`);
  if (rec.purgedAt)
    throw new ChaincodeError(
      'PAYLOAD_PURGED',
      `the files of ${env.messageId} were purged at ${rec.purgedAt}`,
    );
  const bytes = await ctx.stub.getPrivateData(rec.collection, pieceKey(ctx, env.messageId, index, seq));
  if (!bytes || bytes.length === 0)
    throw new ChaincodeError(
      'PAYLOAD_MISSING',
      `no piece ${seq} of file ${index} of ${env.messageId} on this peer`,
    );
  return Buffer.from(bytes).toString('base64');
}

/** Purges every piece of every file of the envelope (retention); the public hashes and the chain stay. */
export async function purgeFiles(ctx: Context, env: Envelope): Promise<void> {
  for (let i = 0; i < (env.files?.length ?? 0); i++) {
    const key = fileKey(ctx, env.messageId, i);
    const rec = await getJson<FileRecord>(ctx, key);
    if (!rec || rec.purgedAt) continue;
    for (let seq = 0; seq < rec.chunks; seq++)
      await ctx.stub.purgePrivateData(rec.collection, pieceKey(ctx, env.messageId, i, seq));
    await putJson(ctx, key, { ...rec, purgedAt: txTime(ctx) });
  }
}
