import { inflateRawSync } from 'node:zlib';
import { AdapterError } from './errors.js';

/** The kinds of file the adapters read. */
export type FileKind = 'csv' | 'xlsx' | 'xls' | 'ods';

const has = (bytes: Uint8Array, ascii: string, from = 0, to = bytes.length): boolean =>
  Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(to, bytes.length)).indexOf(ascii, from, 'latin1') >= 0;

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Binary kinds people drop by mistake, named so the refusal says what the file is. */
const OTHER_MAGIC: ReadonlyArray<[readonly number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'an RTF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
];

function unsupported(kind: string): AdapterError {
  return new AdapterError(
    'FILE_KIND_UNSUPPORTED',
    `the file is ${kind}; dmsnet reads CSV, XLSX, XLS (Excel 97–2003) and ODS tables`,
    [{ pointer: '', code: 'FILE_KIND_UNSUPPORTED', message: `the file is ${kind}` }],
  );
}

interface ZipEntry {
  name: string;
  read: () => string | null;
}

/** The entries of a ZIP from its central directory (names, and each entry's text on demand). */
function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  // The end-of-central-directory record is in the last 22 + 65,535 bytes (its comment may be that long).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count && at + 46 <= bytes.length; n++) {
    if (view.getUint32(at, true) !== 0x02014b50) break;
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = latin1.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.push({
      name,
      read: () => {
        if (local + 30 > bytes.length) return null;
        const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
        const data = bytes.subarray(start, start + size);
        try {
          if (method === 0) return new TextDecoder().decode(data);
          // A mimetype is one short line: a bomb posing as one stops at 4 KB.
          if (method === 8) return new TextDecoder().decode(inflateRawSync(data, { maxOutputLength: 4096 }));
        } catch {
          return null;
        }
        return null;
      },
    });
    at += 46 + skip;
  }
  return entries;
}

/** A ZIP is an XLSX when it carries xl/ parts, an ODS when its mimetype entry says so; anything else is named. */
function zipKind(bytes: Uint8Array): FileKind {
  const entries = zipEntries(bytes);
  const names = new Set(entries.map((e) => e.name));
  const mimetype = entries.find((e) => e.name === 'mimetype')?.read();
  if (mimetype) {
    if (mimetype.startsWith('application/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    if (mimetype.startsWith('application/vnd.oasis.opendocument.text'))
      throw unsupported('an OpenDocument text (ODT)');
    throw unsupported('an OpenDocument file that is not a spreadsheet');
  }
  if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return 'xlsx';
  if (names.has('word/document.xml')) throw unsupported('a Word document (DOCX)');
  if (names.has('ppt/presentation.xml')) throw unsupported('a PowerPoint presentation (PPTX)');
  throw unsupported('a ZIP archive that is not a spreadsheet');
}

/** An OLE compound file is an Excel 97–2003 workbook when it holds a Workbook (or Book) stream. */
function oleKind(bytes: Uint8Array): FileKind {
  const utf16 = (s: string): string => [...s].map((c) => c + '\0').join('');
  if (has(bytes, utf16('Workbook')) || has(bytes, utf16('Book'))) return 'xls';
  if (has(bytes, utf16('WordDocument'))) throw unsupported('a Word 97–2003 document (DOC)');
  throw unsupported('an OLE compound file that is not an Excel workbook');
}

/**
 * The kind of a table file from its bytes, never its name: clinics rename .xls to .xlsx and save CSV as .xls. Text
 * (no NUL bytes in its first 8 KB) is read as CSV; known binary kinds are refused by name.
 */
export function detectFileKind(bytes: Uint8Array): FileKind {
  if (bytes.length === 0) throw new AdapterError('FILE_EMPTY', 'the file is empty (0 bytes)');
  if (startsWith(bytes, ZIP)) return zipKind(bytes);
  if (startsWith(bytes, OLE)) return oleKind(bytes);
  for (const [magic, kind] of OTHER_MAGIC) if (startsWith(bytes, magic)) throw unsupported(kind);
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw unsupported('binary data of an unknown kind');
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512)).trimStart().toLowerCase();
  // Excel 2003 XML and HTML tables saved as .xls are text, but not CSV: reading them as CSV would mislead.
  if (text.startsWith('<?xml') || text.startsWith('<html') || text.startsWith('<!doctype html')) {
    throw unsupported(
      text.includes('urn:schemas-microsoft-com:office:spreadsheet')
        ? 'an Excel 2003 XML spreadsheet'
        : 'an XML or HTML page',
    );
  }
  return 'csv';
}
