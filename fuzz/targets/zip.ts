// The ZIP reader under XLSX: the central directory walk and every entry inflated within its bounds.
import { MAX_ENTRY_BYTES, readEntry, zipEntries } from '@dmsnet/tables/zip';
import { allowTyped, check, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'zip',
  maxLength: 64 * 1024,
  dictionary: [
    'PK\x05\x06',
    'PK\x01\x02',
    'PK\x03\x04',
    '\x01\x00\x10\x00',
    '\xff\xff\xff\xff',
    'xl/workbook.xml',
  ],
  run(data) {
    let entries;
    try {
      entries = zipEntries(data);
    } catch (e) {
      allowTyped(e);
      return;
    }
    for (const entry of entries.values()) {
      try {
        const bytes = readEntry(data, entry);
        check(bytes.length <= Math.max(1, entry.size), `${entry.name} read past the size it declares`);
        check(bytes.length <= MAX_ENTRY_BYTES, `${entry.name} read past the ceiling`);
      } catch (e) {
        allowTyped(e);
      }
    }
  },
};
export default target;
