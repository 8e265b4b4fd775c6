// How a sealed file of a medical-documentation answer travels through the ledger's private data (decision record
// 0058): cut into pieces of at most FILE_CHUNK_BYTES, one transaction each, every piece's SHA-256 chained into one
// hash that the document's envelope fixes. The chaincode and both gateways compute the chain the same way, here.
import { createHash } from 'node:crypto';

/**
 * Sealed bytes per transaction: 1 MiB. Far under what Fabric carries at every step (the gRPC messages of 100 MiB,
 * the orderer's preferred 4 MB batch, which holds only the piece's hash), small enough that a gateway holds one piece
 * at a time and a retry after a crash repeats little, large enough that a 100 MiB answer is a hundred transactions.
 */
export const FILE_CHUNK_BYTES = 1024 * 1024;

/** Files one document may carry through the ledger (the schema's maxItems of attachments). */
export const FILES_PER_DOCUMENT = 200;

/**
 * The most sealed bytes one file may have: the 100 MiB plaintext limit plus secretstream's overhead (a 110-byte head
 * and 21 bytes per 64 KiB frame) with room to spare.
 */
export const FILE_MAX_SEALED_BYTES = 100 * 1024 * 1024 + 1024 * 1024;

/** The chain before any piece. */
export const CHAIN_START = '';

/** The chain after one more piece: SHA-256 of the previous chain's hex and the piece's SHA-256 hex. */
export function chainNext(previous: string, pieceSha256Hex: string): string {
  return createHash('sha256').update(`${previous}${pieceSha256Hex}`, 'latin1').digest('hex');
}

export const sha256OfPiece = (piece: Uint8Array): string => createHash('sha256').update(piece).digest('hex');

/** What the envelope says of one sealed file; the chaincode checks its pieces against it. */
export interface FileOnLedger {
  sealedBytes: number;
  chunks: number;
  chain: string;
}
