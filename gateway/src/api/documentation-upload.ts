// POST /v1/medical-documentation (decision record 0058): a clinic's answer with its files in one multipart request —
// first the part `document` (the medical-documentation document, JSON), then one part `file` per attachment in the
// order of body.attachments. Read as a stream with busboy (the well-kept multipart parser express's own ecosystem
// uses): each file goes through the inspector and libsodium's secretstream into a sealed file as it arrives, so the
// gateway holds one chunk at a time. The document is checked before any file is read; a file that is not what the
// document says refuses the whole answer and nothing of it is kept; then it goes through the outbox like any other.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { Router, type Request, type Response } from 'express';
import { once } from 'node:events';
import type { FieldError } from '@dmsnet/formats/errors';
import { validateDocument } from '@dmsnet/formats';
import type { DeclaredAttachment } from '@dmsnet/formats/attachments/inspect';
import { FILES_PER_DOCUMENT } from '@dmsnet/formats/attachments/transfer';

/** 100 MiB per file, as the format's rules bound an answer (the inspector stops at the first byte over). */
const FILE_MAX_BYTES = 100 * 1024 * 1024;
import { sodium } from '../crypto/index.js';
import { ApiError } from '../http/errors.js';
import { wrap } from '../http/wrap.js';
import type { GatewayNode } from '../node/index.js';
import { currentKeyOf } from '../node/directory.js';
import { sealAttachmentToFile } from '../workflows/documentation-files.js';

/** The document part is JSON like POST /v1/documents' body, within the same bound. */
const DOCUMENT_PART_MAX_BYTES = 32 * 1024 * 1024;

const fault = (pointer: string, code: FieldError['code'], message: string): FieldError => ({
  pointer,
  code,
  message,
});

/** The upload as busboy reads it: the document first, each file part handed over in turn as a stream. */
type Part = { name: string; stream: Readable; isFile: boolean };

async function* partsOf(req: Request): AsyncGenerator<Part | { name: string; value: string }> {
  const bb = busboy({
    headers: req.headers,
    limits: {
      fileSize: FILE_MAX_BYTES + 1,
      files: FILES_PER_DOCUMENT + 1,
      fields: 1,
      fieldSize: DOCUMENT_PART_MAX_BYTES,
      parts: FILES_PER_DOCUMENT + 2,
    },
  });
  const queue: Array<Part | { name: string; value: string } | Error | null> = [];
  let wake: (() => void) | undefined;
  const push = (x: Part | { name: string; value: string } | Error | null) => {
    queue.push(x);
    wake?.();
  };
  bb.on('file', (name, stream, info) => push({ name, stream, isFile: info.filename !== undefined }));
  bb.on('field', (name, value) => push({ name, value }));
  bb.on('error', (e) => push(e instanceof Error ? e : new Error(String(e))));
  bb.on('partsLimit', () => push(new ApiError(400, 'ATTACHMENT_COUNT_MISMATCH', 'too many parts')));
  bb.on('close', () => push(null));
  req.pipe(bb);
  for (;;) {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    const x = queue.shift()!;
    if (x === null) return;
    if (x instanceof Error) throw x;
    yield x;
  }
}

async function readText(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > max) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `the document part is over ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The checks of the document before any file is read: JSON, the type, the format's rules. Pointers under /document. */
function checkDocument(text: string): {
  document: { header: Record<string, unknown>; body: Record<string, unknown> };
  attachments: DeclaredAttachment[];
} {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'REQUEST_INVALID', 'the part "document" is not JSON', [
      fault('/document', 'REQUEST_INVALID', 'must be the medical-documentation document as JSON'),
    ]);
  }
  const d = document as { header?: { type?: unknown }; body?: { attachments?: unknown } } | null;
  if (!d || typeof d !== 'object' || d.header?.type !== 'medical-documentation')
    throw new ApiError(
      400,
      'REQUEST_INVALID',
      'the part "document" must be a medical-documentation document',
      [fault('/document/header/type', 'REQUEST_INVALID', 'must be medical-documentation')],
    );
  const errors = validateDocument(document);
  if (errors.length > 0)
    throw new ApiError(
      422,
      'DOCUMENT_INVALID',
      `the document breaks ${errors.length} format rule(s)`,
      errors.map((e) => ({ ...e, pointer: `/document${e.pointer}` })),
    );
  return {
    document: document as { header: Record<string, unknown>; body: Record<string, unknown> },
    attachments: (d.body?.attachments as DeclaredAttachment[] | undefined) ?? [],
  };
}

/** Discards what is left of the upload, so the answer goes out once the client has finished sending. */
async function drain(parts: AsyncGenerator<Part | { name: string; value: string }>): Promise<void> {
  try {
    for await (const p of parts) if ('stream' in p) p.stream.resume();
  } catch {
    // The request is answered already with the first fault; a broken rest changes nothing.
  }
}

export function documentationUploadRouter(node: GatewayNode): Router {
  const r = Router();
  r.post(
    '/medical-documentation',
    wrap(async (req, res) => {
      if (!req.is('multipart/form-data'))
        throw new ApiError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'send multipart/form-data: the part "document", then one part "file" per attachment',
        );
      const folder = node.uploadFolder();
      await mkdir(folder, { recursive: true });
      const stem = join(folder, `upload-${randomBytes(12).toString('hex')}`);
      const sealed: Array<{ path: string; ownKey: Uint8Array }> = [];
      const parts = partsOf(req);
      const discard = async () => {
        await drain(parts);
        for (const f of sealed) await rm(f.path, { force: true });
      };
      try {
        const first = await parts.next();
        if (first.done || first.value.name !== 'document')
          throw new ApiError(400, 'REQUEST_INVALID', 'the first part must be "document"', [
            fault('/document', 'REQUEST_REQUIRED', 'the first part, named document'),
          ]);
        const text =
          'value' in first.value
            ? first.value.value
            : await readText(first.value.stream, DOCUMENT_PART_MAX_BYTES);
        const { document, attachments } = checkDocument(text);
        const ogrn = String((document.header.addressee as { ogrn?: unknown } | undefined)?.ogrn ?? '');
        const addressee = await node.directory.participant(ogrn).catch((err: unknown) => {
          if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
          // Refused before any file is read or sealed: the files are sealed to the addressee's key.
          throw new ApiError(422, 'ADDRESSEE_UNKNOWN', `no participant ${ogrn} in the directory`, [
            fault('/document/header/addressee/ogrn', 'ADDRESSEE_UNKNOWN', 'not in the participant directory'),
          ]);
        });
        const box = currentKeyOf(addressee).x25519;
        const libsodium = await sodium();
        const faults: FieldError[] = [];
        let i = 0;
        for await (const part of parts) {
          if (!('stream' in part) || part.name !== 'file')
            throw new ApiError(
              400,
              'REQUEST_INVALID',
              `a part named "${part.name.slice(0, 40)}" where a "file" was expected`,
              [
                fault(
                  `/body/attachments/${i}`,
                  'REQUEST_INVALID',
                  'each part after the document is named file',
                ),
              ],
            );
          const declared = attachments[i];
          if (!declared) {
            part.stream.resume();
            throw new ApiError(
              400,
              'ATTACHMENT_COUNT_MISMATCH',
              `the document describes ${attachments.length} file(s); more came`,
              [
                fault(
                  `/body/attachments/${i}`,
                  'ATTACHMENT_COUNT_MISMATCH',
                  'no attachment is described here',
                ),
              ],
            );
          }
          const path = `${stem}.${i}.sealed`;
          const stored = await sealAttachmentToFile({
            libsodium,
            source: part.stream,
            declared,
            pointer: `/body/attachments/${i}`,
            recipientBoxPublicKey: box,
            alsoTo: node.ownBoxPublicKey(),
            file: path,
          });
          // The stream may have been left unread past an overrun: the rest of the part is discarded.
          part.stream.resume();
          if (stored.errors.length > 0) faults.push(...stored.errors);
          else sealed.push({ path, ownKey: stored.alsoSealedKey! });
          i++;
        }
        if (faults.length > 0)
          throw new ApiError(
            422,
            'DOCUMENT_INVALID',
            `${faults.length} file fault(s): the files are not what the document says`,
            faults,
          );
        if (i < attachments.length)
          throw new ApiError(
            400,
            'ATTACHMENT_COUNT_MISMATCH',
            `the document describes ${attachments.length} file(s); ${i} came`,
            [fault(`/body/attachments/${i}`, 'ATTACHMENT_COUNT_MISMATCH', 'this file did not come')],
          );
        const record = await node.sendWithFiles(document, sealed);
        res.status(202).json(record);
      } catch (err) {
        await discard();
        throw err;
      }
    }),
  );
  return r;
}

/**
 * GET /v1/documents/{id}/attachments/{n}: the opened plaintext of a file, streamed chunk by chunk, with the declared
 * type, as a download (or inline for the console's preview) under headers that keep a browser from running or sniffing
 * it: a PDF or an image shown in a sandbox with nothing allowed.
 */
export async function sendAttachment(
  node: GatewayNode,
  id: string,
  index: number,
  inline: boolean,
  res: Response,
): Promise<void> {
  const a = await node.attachment(id, index);
  const name = a.declared.fileName ?? `attachment-${index + 1}`;
  res.status(200);
  res.setHeader('Content-Type', a.declared.mediaType);
  res.setHeader('Content-Length', String(a.declared.size));
  res.setHeader(
    'Content-Disposition',
    `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'no-store');
  try {
    for await (const chunk of a.chunks) if (!res.write(chunk)) await once(res, 'drain');
    res.end();
  } catch (err) {
    // Headers are out: a file that stops opening midway can only cut the answer short (the length tells the client).
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
