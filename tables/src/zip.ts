import { inflateRawSync } from 'node:zlib';
import { AdapterError } from './errors.js';

/**
 * A ZIP archive read from its central directory, each entry inflated on demand by the runtime's zlib with a hard
 * ceiling on what it may produce: a declared size above the ceiling is refused before inflating, and an entry
 * that inflates past what it declared is cut off by zlib itself (maxOutputLength), so a zip bomb costs at most the
 * ceiling, never the machine's memory.
 */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Per entry, sized to what an upload can honestly hold (decision 0021, «Ceilings»): the largest importable list
 * (the schemas' 200,000 rows, 20 columns) has a worksheet part of about 150 MB as exceljs writes it, and a whole
 * 20 MB upload of such rows (about 410,000 of 13 columns at the 10.7× ratio measured on the bench's generated
 * register) about 200 MB. 256 MB keeps a margin over both; one part decoded to a string also stays under half of
 * V8's longest string (2^29 characters), so decoding can never fail with an untyped RangeError.
 */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

function bad(message: string): AdapterError {
  return new AdapterError('XLSX_NOT_A_WORKBOOK', `the XLSX workbook cannot be read: ${message}`);
}

export function tooLarge(message: string): AdapterError {
  return new AdapterError('SPREADSHEET_TOO_LARGE', `the XLSX workbook is too large to read: ${message}`);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The archive's entries by name (a leading «/» dropped, the last of duplicate names kept, as exceljs does). */
export function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is in the last 22 + 65,535 bytes (its comment may be that long).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('it is not a ZIP archive (no end of central directory)');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50)
      throw bad('its central directory is damaged');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    let localOffset = view.getUint32(at + 42, true);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength > bytes.length) throw bad('its central directory is damaged');
    const rawName = bytes.subarray(at + 46, nameEnd);
    let name = flags & 0x800 ? utf8.decode(rawName) : latin1.decode(rawName);
    if (name.startsWith('/')) name = name.slice(1);
    // ZIP64: a field of all ones means the real value is in the zip64 extra field, in this order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let e = nameEnd;
      const end = nameEnd + extraLength;
      while (e + 4 <= end) {
        const id = view.getUint16(e, true);
        const len = view.getUint16(e + 2, true);
        if (id === 0x0001) {
          let f = e + 4;
          const next = (): number => {
            if (f + 8 > e + 4 + len) throw bad('its zip64 extra field is damaged');
            const v = Number(view.getBigUint64(f, true));
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localOffset === 0xffffffff) localOffset = next();
          break;
        }
        e += 4 + len;
      }
    }
    if (!name.endsWith('/')) entries.set(name, { name, method, flags, compressedSize, size, localOffset });
    at = nameEnd + extraLength + view.getUint16(at + 32, true);
  }
  return entries;
}

/** An entry's bytes, inflated within its declared size and the ceiling. */
export function readEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  if (entry.flags & 0x1) throw bad(`${entry.name} is encrypted`);
  if (entry.size > MAX_ENTRY_BYTES)
    throw tooLarge(`${entry.name} declares ${entry.size} bytes (at most ${MAX_ENTRY_BYTES} are read)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50)
    throw bad(`the local header of ${entry.name} is missing`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + entry.compressedSize > bytes.length) throw bad(`${entry.name} is cut short`);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw bad(`${entry.name} is damaged (stored sizes differ)`);
    return data;
  }
  if (entry.method !== 8) throw bad(`${entry.name} uses compression method ${entry.method}`);
  try {
    // maxOutputLength 0 is not allowed; an empty entry inflates to nothing within 1 byte too.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(`${entry.name} inflates past the ${entry.size} bytes it declares`);
    throw bad(`${entry.name} does not inflate (${(e as Error).message})`);
  }
}
