// Each document type's validator (formats' validateDocument): the first byte names the type, which is written into
// the header of whatever JSON the rest parses to, so every type's schema and business rules see the mutations.
import { DOCUMENT_TYPES } from '@dmsnet/formats/types';
import { validateDocument } from '@dmsnet/formats/validate';
import { check, InvariantBroken, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'documents',
  maxLength: 64 * 1024,
  dictionary: [
    '"header":{',
    '"body":{',
    '"type":',
    '"formatVersion":"1"',
    '"lines":[',
    '"amount":',
    '"snils":"',
    '"inn":"',
    '"ogrn":"',
    '"date":"2026-12-01"',
    '"createdAt":"2026-12-01T10:00:00Z"',
    '"currency":"RUB"',
    '[]',
    '{}',
    'null',
    '-1',
    '1e308',
    '"',
    '\\u0000',
  ],
  run(data) {
    if (data.length === 0) return;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(data.subarray(1)));
    } catch {
      return;
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const header = (doc as { header?: unknown }).header;
      if (header && typeof header === 'object' && !Array.isArray(header))
        (header as Record<string, unknown>).type = DOCUMENT_TYPES[data[0]! % DOCUMENT_TYPES.length];
    }
    let errors;
    try {
      errors = validateDocument(doc);
    } catch (e) {
      throw new InvariantBroken('validateDocument threw instead of listing errors', e);
    }
    check(Array.isArray(errors), 'validateDocument returned no list');
    for (const e of errors)
      check(
        typeof e.code === 'string' &&
          /^[A-Z0-9_]+$/.test(e.code) &&
          typeof e.pointer === 'string' &&
          (e.pointer === '' || e.pointer.startsWith('/')) &&
          typeof e.message === 'string',
        `a malformed field error ${JSON.stringify(e)}`,
      );
  },
};
export default target;
