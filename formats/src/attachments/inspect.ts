// Checks a file of a medical-documentation answer against what the document says of it (decision record 0056): the
// declared media type against the magic bytes, the size, the SHA-256, a PDF's page count and active content, an
// image's end marker, plain text as UTF-8. Fed chunk by chunk, so a 100 MiB scan is never held whole; nothing in the
// file is rendered or run. A lying or malformed file gives field errors with stable codes at the attachment's pointer.
import { createHash, type Hash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import type { FieldError } from '../errors.js';
import type { RuleCode } from '../rules/codes.js';
import { DOCUMENTATION_MAX_BYTES } from '../rules/documentation.js';
import { PdfScanner } from './pdf-scan.js';

/** What the document says of one file. */
export interface DeclaredAttachment {
  mediaType: string;
  size: number;
  sha256: string;
  pages?: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** The media type the first bytes show, or undefined when they show none of the four (text is checked whole). */
export function sniffMediaType(head: Uint8Array): string | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  return undefined;
}

export class AttachmentInspector {
  private readonly hash: Hash = createHash('sha256');
  private readonly pdf: PdfScanner | undefined;
  private readonly text: TextDecoder | undefined;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private size = 0;
  private textFault: string | undefined;
  private readonly errors: FieldError[] = [];
  private over = false;

  /** `at` is the attachment's pointer in the document, e.g. /body/attachments/0. */
  constructor(
    private readonly declared: DeclaredAttachment,
    private readonly at: string,
    private readonly limit = DOCUMENTATION_MAX_BYTES,
  ) {
    if (declared.mediaType === 'application/pdf') this.pdf = new PdfScanner();
    if (declared.mediaType === 'text/plain') this.text = new TextDecoder('utf-8', { fatal: true });
  }

  /** True once the file has run past its declared size or the limit: the caller stops reading it. */
  get overrun(): boolean {
    return this.over;
  }

  update(chunk: Uint8Array): void {
    if (this.over) return;
    this.size += chunk.length;
    if (this.size > this.declared.size || this.size > this.limit) {
      this.over = true;
      return;
    }
    this.hash.update(chunk);
    if (this.head.length < 16)
      this.head = Buffer.concat([this.head, chunk.subarray(0, 16 - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk.subarray(-64)]).subarray(-64);
    this.pdf?.push(chunk);
    if (this.text !== undefined && this.textFault === undefined) {
      try {
        this.text.decode(chunk, { stream: true });
      } catch {
        this.textFault = 'not UTF-8 text';
      }
      // Binary posing as text: control bytes other than tab, line feed, form feed and carriage return.
      for (const c of chunk)
        if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) {
          this.textFault = 'control bytes: binary content, not text';
          break;
        }
    }
  }

  /** The faults of the whole file, empty when it is what the document says it is. */
  finish(): FieldError[] {
    const d = this.declared;
    if (this.over || this.size !== d.size) {
      this.fail(
        '/size',
        'ATTACHMENT_SIZE_MISMATCH',
        `the file is ${this.over ? 'larger than' : this.size + ' bytes, not'} ${d.size}${this.over ? ' bytes' : ''}`,
      );
      return this.errors;
    }
    const seen = sniffMediaType(this.head);
    if (seen !== d.mediaType && (seen !== undefined || d.mediaType !== 'text/plain')) {
      this.fail(
        '/mediaType',
        'ATTACHMENT_TYPE_MISMATCH',
        `declared ${d.mediaType}, the content is ${seen ?? 'of another kind'}`,
      );
      return this.errors;
    }
    if (this.hash.digest('hex') !== d.sha256)
      this.fail(
        '/sha256',
        'ATTACHMENT_HASH_MISMATCH',
        'the file is not the one whose SHA-256 the document names',
      );
    if (d.mediaType === 'application/pdf' && this.pdf !== undefined) this.finishPdf(this.pdf.facts());
    if (d.mediaType === 'image/jpeg' && !endsWith(this.tail, Buffer.from([0xff, 0xd9])))
      this.fail('', 'ATTACHMENT_MALFORMED', 'the JPEG has no end-of-image marker (cut short?)');
    if (
      d.mediaType === 'image/png' &&
      (this.head.subarray(12, 16).toString('latin1') !== 'IHDR' || !endsWith(this.tail, PNG_IEND))
    )
      this.fail('', 'ATTACHMENT_MALFORMED', 'the PNG does not start with IHDR or end with IEND (cut short?)');
    if (d.mediaType === 'text/plain') {
      if (this.textFault === undefined)
        try {
          this.text?.decode();
        } catch {
          this.textFault = 'not UTF-8 text';
        }
      if (this.textFault !== undefined) this.fail('', 'ATTACHMENT_MALFORMED', this.textFault);
    }
    return this.errors;
  }

  private finishPdf(facts: ReturnType<PdfScanner['facts']>): void {
    if (facts.malformed !== undefined) {
      this.fail('', 'ATTACHMENT_MALFORMED', `the PDF cannot be checked: ${facts.malformed}`);
      return;
    }
    if (facts.active.length > 0)
      this.fail(
        '',
        'ATTACHMENT_ACTIVE_CONTENT',
        `the PDF carries active content (${facts.active.join(', ')})`,
      );
    if (facts.pages === 0) this.fail('', 'ATTACHMENT_MALFORMED', 'the PDF defines no page');
    else if (this.declared.pages !== undefined && facts.pages !== this.declared.pages)
      this.fail(
        '/pages',
        'ATTACHMENT_PAGES_MISMATCH',
        `the PDF has ${facts.pages} pages, not ${this.declared.pages}`,
      );
  }

  private fail(suffix: string, code: RuleCode, message: string): void {
    const pointer = this.at + suffix;
    this.errors.push({ pointer, code, message: `${pointer}: ${message}` });
  }
}

function endsWith(b: Buffer, end: Buffer): boolean {
  // Scanners pad some files with zero bytes after the end marker; those are ignored.
  let e = b.length;
  while (e > 0 && b[e - 1] === 0 && !end.equals(b.subarray(e - end.length, e))) e--;
  return e >= end.length && b.subarray(e - end.length, e).equals(end);
}

/** Inspects a whole file held in memory (tests, small files). */
export function inspectAttachment(bytes: Uint8Array, declared: DeclaredAttachment, at: string): FieldError[] {
  const i = new AttachmentInspector(declared, at);
  i.update(bytes);
  return i.finish();
}
