// Small, well-formed files of the documentation answer's types, made here rather than shipped: the generator's
// examples, the tests' and the demo's files. A PDF of N pages with one line of text on each, and a 1×1 PNG.
import { createHash } from 'node:crypto';
import type { DmsDocument, PartyRef } from '../types.js';

/** A PDF 1.4 with `pages` pages, each showing `text` (ASCII; a PDF's standard fonts have no Cyrillic). */
export function samplePdf(pages: number, text = 'Discharge summary'): Buffer {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '');
  const objects: string[] = [];
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pageIds.forEach((id, i) => {
    const content = `BT /F1 18 Tf 72 720 Td (${safe} - ${i + 1}/${pages}) Tj ET`;
    objects[id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A 1×1 PNG (signature, IHDR, IDAT, IEND). */
export function samplePng(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A medical-documentation answer describing one PDF of `pages` pages (its size and SHA-256 as given), with a discharge
 * summary as text when `withRecord`: the document the tests, the crash child and the bench upload beside the file.
 */
export function sampleDocumentationAnswer(o: {
  documentId: string;
  sender: PartyRef;
  addressee: PartyRef;
  pdf: { size: number; sha256: string; pages?: number };
  replyToId?: string;
  requestNumber?: unknown;
  invoiceId?: unknown;
  fileName?: string;
  kind?: string;
  title?: string;
  forLines?: string[];
  withRecord?: boolean;
}): DmsDocument {
  const forLines = o.forLines ?? ['1'];
  return {
    header: {
      documentId: o.documentId,
      type: 'medical-documentation',
      formatVersion: '1',
      sender: o.sender,
      addressee: o.addressee,
      createdAt: new Date().toISOString(),
      ...(o.replyToId ? { replyToId: o.replyToId } : {}),
    },
    body: {
      requestNumber: o.requestNumber ?? 'ЗМД-1',
      answerDate: new Date().toISOString().slice(0, 10),
      invoiceId: o.invoiceId ?? 'INV-1',
      attachments: [
        {
          attachmentId: '1',
          fileName: o.fileName ?? 'protokol.pdf',
          mediaType: 'application/pdf',
          size: o.pdf.size,
          pages: o.pdf.pages ?? 2,
          sha256: o.pdf.sha256,
          kind: o.kind ?? 'protocol',
          title: o.title ?? 'Протокол исследования',
          forLines,
        },
      ],
      ...(o.withRecord
        ? {
            records: [
              {
                recordId: 'r1',
                kind: 'discharge-summary',
                title: 'Выписка',
                text: 'Состояние удовлетворительное. Диагноз подтверждён.',
                forLines,
              },
            ],
          }
        : {}),
    },
  } as unknown as DmsDocument;
}
