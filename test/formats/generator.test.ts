import { expect } from 'chai';
import {
  canonicalJson,
  DOCUMENT_TYPES,
  generateDocument,
  generateExpertiseCase,
  SAMPLE_PARTIES,
  validateDocument,
  isValidOgrn,
  isValidInn,
  isValidKpp,
} from '@dmsnet/formats';

describe('formats: generator', () => {
  for (const type of DOCUMENT_TYPES) {
    it(`${type}: valid for many seeds and deterministic by seed`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const doc = generateDocument(type, { seed, rows: 1 + (seed % 7) });
        expect(validateDocument(doc), `seed ${seed}`).to.deep.equal([]);
      }
      const a = canonicalJson(generateDocument(type, { seed: 77, rows: 5 }));
      expect(canonicalJson(generateDocument(type, { seed: 77, rows: 5 }))).to.equal(a);
      expect(canonicalJson(generateDocument(type, { seed: 78, rows: 5 }))).to.not.equal(a);
    });
  }

  it('honours rows and the given parties', () => {
    const sender = { ogrn: '1027700220624', name: 'Страховщик' };
    const doc = generateDocument('insured-list', { rows: 123, seed: 3, sender });
    expect(doc.body.rows).to.have.length(123);
    expect(doc.header.sender).to.deep.equal(sender);
    expect(validateDocument(doc)).to.deep.equal([]);
  });

  it('generates realistic Russian people: names agree with sex, СНИЛС as printed', () => {
    const rows = generateDocument('insured-list', { rows: 200, seed: 5 }).body.rows as Array<{
      person: { lastName: string; middleName?: string; sex: string; snils: string };
    }>;
    for (const { person } of rows) {
      expect(person.snils).to.match(/^\d{3}-\d{3}-\d{3} \d{2}$/);
      if (person.middleName)
        expect(person.middleName.endsWith('на') || person.middleName.endsWith('ич')).to.be.true;
      if (person.middleName) expect(person.middleName.endsWith('ич')).to.equal(person.sex === 'M');
    }
  });

  it('gives sample parties with valid ОГРН, ИНН and КПП, and documents never share their objects', () => {
    for (const p of [SAMPLE_PARTIES.insurer, SAMPLE_PARTIES.clinic]) {
      expect(isValidOgrn(p.ogrn)).to.be.true;
      expect(isValidInn(p.inn ?? '')).to.be.true;
      expect(isValidKpp(p.kpp ?? '')).to.be.true;
    }
    const doc = generateDocument('invoice', { seed: 1 });
    doc.header.sender.ogrn = 'x';
    expect(generateDocument('invoice', { seed: 1 }).header.sender.ogrn).to.equal(SAMPLE_PARTIES.clinic.ogrn);
  });

  it('pairs an expertise act with the invoice it examines', () => {
    const { invoice, act } = generateExpertiseCase({ seed: 9, rows: 30 });
    expect(act.body.invoiceId).to.equal(invoice.header.documentId);
    expect(act.header.replyToId).to.equal(invoice.header.documentId);
    expect(validateDocument(act, { related: { invoice } })).to.deep.equal([]);
    const decisions = (act.body.lines as Array<{ decision: string }>).map((l) => l.decision);
    expect(decisions).to.include('WITHHELD');
    expect(decisions).to.include('PAID');
  });

  it('refuses a row count that is not a positive integer', () => {
    expect(() => generateDocument('invoice', { rows: 0 })).to.throw(/rows must be a positive integer/);
  });
});
