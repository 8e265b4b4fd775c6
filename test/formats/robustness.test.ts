import { expect } from 'chai';
import fc from 'fast-check';
import {
  DOCUMENT_TYPES,
  generateDocument,
  generateExpertiseCase,
  pointer,
  validateDocument,
} from '@dmsnet/formats';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside the document, as segment lists. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function objectPaths(value: Json): Array<Array<string | number>> {
  return paths(value).filter((p) => {
    const v = get(value, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

function get(value: Json, path: Array<string | number>): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], value);
}

function set(value: Json, path: Array<string | number>, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const parent = get(value, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1]] = replacement;
  return value;
}

const docs = DOCUMENT_TYPES.map((type) => generateDocument(type, { seed: 21, rows: 3 }) as unknown as Json);

describe('formats: robustness (property)', () => {
  it('any value anywhere in a document gives a list of well-formed errors, never an exception', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.jsonValue(), (which, where, replacement) => {
        const doc = structuredClone(docs[which % docs.length]);
        const all = paths(doc);
        const mutated = set(doc, all[where % all.length], replacement as Json);
        const errors = validateDocument(mutated);
        for (const e of errors) {
          expect(e.pointer).to.match(/^(\/.*)?$/);
          expect(e.code).to.match(/^[A-Z][A-Z0-9_]*$/);
          expect(e.message).to.be.a('string').and.not.equal('');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a field the format does not define is reported at its own pointer, never dropped', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 12 }), (which, where, name) => {
        const doc = structuredClone(docs[which % docs.length]);
        const objects = objectPaths(doc);
        const at = objects[where % objects.length];
        const target = get(doc, at) as Record<string, Json>;
        fc.pre(!(name in target) && name !== '__proto__');
        target[name] = 'x';
        const errors = validateDocument(doc).map((e) => `${e.pointer} ${e.code}`);
        // The reply's `errors` items are objects of the document too; every object of v1 is closed.
        expect(errors).to.include(`${pointer(...at, name)} SCHEMA_ADDITIONAL_PROPERTY`);
      }),
      { numRuns: 300 },
    );
  });

  it('an expertise act stays checkable against any invoice-shaped document', () => {
    const { act } = generateExpertiseCase({ seed: 2, rows: 3 });
    fc.assert(
      fc.property(fc.array(fc.record({ rowId: fc.string(), amount: fc.integer() })), (lines) => {
        const errors = validateDocument(act, {
          related: { invoice: { header: { documentId: 'x' }, body: { lines } } },
        });
        expect(errors.map((e) => e.code)).to.include('ACT_INVOICE_MISMATCH');
      }),
      { numRuns: 100 },
    );
  });
});
