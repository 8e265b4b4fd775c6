// What the clinic's browser learns of a file before it is sent: its type by its first bytes (not by its name), its
// size, its SHA-256 and, for a PDF, its page count — the description the signed document fixes and the gateway checks
// again on arrival (decision record 0056), so a wrong description is caught here, before a long upload.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { pdfPageCount } from './pdf-view';

export type MediaType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'text/plain';

export interface FileFacts {
  mediaType?: MediaType;
  size: number;
  sha256: string;
  /** A PDF's pages as pdf.js counts them; undefined when it could not read the file (the person enters it). */
  pages?: number;
}

const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The type the content says it is, by its magic bytes; text only when it is UTF-8 without control bytes. */
export function sniffType(head: Uint8Array): MediaType | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // The head may end inside a UTF-8 sequence: only what precedes the last 3 bytes must decode.
  const probe = head.subarray(0, Math.max(0, head.length - 3));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(probe);
  } catch {
    return undefined;
  }
  return probe.some((x) => x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d) ? undefined : 'text/plain';
}

/**
 * SHA-256 of a file. crypto.subtle where the page is a secure context (https or localhost); a gateway reached over
 * plain http by its host name inside a clinic's network has no crypto.subtle, and there the file is hashed chunk by
 * chunk with @noble/hashes (audited, well kept), which also never holds a 100 MB scan in memory at once.
 */
export async function fileSha256(file: Blob): Promise<string> {
  if (globalThis.isSecureContext && crypto.subtle && file.size <= 64 * 1024 * 1024) {
    const d = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return bytesToHex(new Uint8Array(d));
  }
  const h = sha256.create();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return bytesToHex(h.digest());
}

export async function fileFacts(file: File): Promise<FileFacts> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  const mediaType = sniffType(head);
  const [digest, pages] = await Promise.all([
    fileSha256(file),
    mediaType === 'application/pdf' ? pdfPageCount(file).catch(() => undefined) : undefined,
  ]);
  return { mediaType, size: file.size, sha256: digest, ...(pages ? { pages } : {}) };
}
