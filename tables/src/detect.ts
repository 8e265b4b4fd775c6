import { AdapterError } from './errors.js';
import { readEntry, zipEntries, type ZipEntry } from './zip.js';

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

/** An ODF mimetype entry's text; one short line, so an entry that declares more (a bomb posing as one) is not read. */
function mimetypeOf(bytes: Uint8Array, entry: ZipEntry | undefined): string | null {
  if (!entry || entry.size > 4096) return null;
  try {
    return new TextDecoder().decode(readEntry(bytes, entry));
  } catch {
    return null;
  }
}

/** A ZIP is an XLSX when it carries xl/ parts, an ODS when its mimetype entry says so; anything else is named. */
function zipKind(bytes: Uint8Array): FileKind {
  let entries: Map<string, ZipEntry>;
  try {
    entries = zipEntries(bytes);
  } catch {
    // Bytes that start like a ZIP but have no readable directory are no spreadsheet of any kind.
    throw unsupported('a ZIP archive that is not a spreadsheet');
  }
  const names = new Set(entries.keys());
  const mimetype = mimetypeOf(bytes, entries.get('mimetype'));
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
