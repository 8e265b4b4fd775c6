import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath, validateDocument, type DmsDocument } from '@dmsnet/formats';

// Driven by the files: every document under formats/examples/valid must pass; every document under
// formats/examples/invalid/<type>/ must fail with exactly the {pointer, code} pairs its <name>.expected.json
// sidecar lists (checked against the invoice the sidecar names, when it names one).

interface Expected {
  errors: Array<{ pointer: string; code: string }>;
  related?: { invoice?: string };
}

const examples = repoPath('formats', 'examples');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

function listInvalid(): Array<{ file: string; sidecar: string }> {
  const out: Array<{ file: string; sidecar: string }> = [];
  const root = path.join(examples, 'invalid');
  for (const dir of readdirSync(root)) {
    for (const name of readdirSync(path.join(root, dir))) {
      if (!name.endsWith('.json') || name.endsWith('.expected.json')) continue;
      const file = path.join(root, dir, name);
      out.push({ file, sidecar: file.replace(/\.json$/, '.expected.json') });
    }
  }
  return out;
}

describe('formats: examples', () => {
  const valid = readdirSync(path.join(examples, 'valid')).filter((n) => n.endsWith('.json'));
  const invalid = listInvalid();

  it('has valid examples of every type and several invalid ones per type', () => {
    const types = new Set(
      valid.map((n) => (readJson(path.join(examples, 'valid', n)) as DmsDocument).header.type),
    );
    expect([...types].sort()).to.deep.equal(
      [
        'appointment',
        'care-request',
        'documentation-request',
        'expertise-act',
        'guarantee-letter',
        'insured-list',
        'invoice',
        'medical-documentation',
        'medical-programme',
        'price-list',
        'reply',
        'payment-notice',
        'reconciliation-statement',
        'prior-auth-request',
        'prior-auth-response',
      ].sort(),
    );
    for (const type of types) {
      const count = invalid.filter((e) => path.basename(path.dirname(e.file)) === type).length;
      expect(count, type).to.be.at.least(3);
    }
  });

  for (const name of valid) {
    it(`valid/${name} passes`, () => {
      const doc = readJson(path.join(examples, 'valid', name));
      const type = (doc as DmsDocument).header.type;
      const related =
        type === 'expertise-act' || type === 'payment-notice' || type === 'documentation-request'
          ? { invoice: readJson(path.join(examples, 'valid', 'invoice.json')) }
          : type === 'medical-documentation'
            ? { documentationRequest: readJson(path.join(examples, 'valid', 'documentation-request.json')) }
            : {};
      expect(validateDocument(doc, { related })).to.deep.equal([]);
    });
  }

  it('the valid expertise act examines the valid invoice', () => {
    const act = readJson(path.join(examples, 'valid', 'expertise-act.json')) as DmsDocument;
    const invoice = readJson(path.join(examples, 'valid', 'invoice.json')) as DmsDocument;
    expect(act.body.invoiceId).to.equal(invoice.header.documentId);
  });

  for (const { file, sidecar } of invalid) {
    const label = path.relative(examples, file);
    it(`${label} fails exactly as its sidecar says`, () => {
      const expected = readJson(sidecar) as Expected;
      expect(expected.errors.length, 'a sidecar lists at least one error').to.be.greaterThan(0);
      const invoiceFile = expected.related?.invoice;
      const related = invoiceFile ? { invoice: readJson(path.resolve(path.dirname(file), invoiceFile)) } : {};
      const errors = validateDocument(readJson(file), { related });
      const got = errors.map((e) => `${e.pointer} ${e.code}`).sort();
      expect(got).to.deep.equal(expected.errors.map((e) => `${e.pointer} ${e.code}`).sort());
      for (const e of errors)
        expect(e.message, 'a message names the field').to.contain(e.pointer || 'document');
    });
  }
});
