import { expect } from 'chai';
import { generateDocument, validateDocument } from '@dmsnet/formats';

describe('formats: size limits before any pattern runs', () => {
  it('refuses a 15-million-character name with TEXT_TOO_LONG at its pointer, quickly and without a stack overflow', () => {
    const doc = generateDocument('insured-list', { seed: 1, rows: 2 }) as unknown as {
      body: { rows: Array<{ person: { lastName: string } }> };
    };
    doc.body.rows[1]!.person.lastName = 'Я'.repeat(15_000_000);
    const errors = validateDocument(doc);
    expect(errors.map((e) => `${e.pointer} ${e.code}`)).to.deep.equal([
      '/body/rows/1/person/lastName TEXT_TOO_LONG',
    ]);
    expect(errors[0]!.message).to.not.include('ЯЯЯ');
  });

  it('refuses nesting deeper than 32 levels with NESTING_TOO_DEEP, whatever the depth', () => {
    const doc = generateDocument('insured-list', { seed: 2, rows: 1 }) as { body: Record<string, unknown> };
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    doc.body.extra = deep;
    const errors = validateDocument(doc);
    expect(errors).to.have.length(1);
    expect(errors[0]!.code).to.equal('NESTING_TOO_DEEP');
    expect(errors[0]!.pointer.startsWith('/body/extra/0/0')).to.equal(true);
  });

  it('leaves every valid generated document alone', () => {
    for (const type of ['insured-list', 'invoice', 'price-list', 'guarantee-letter'] as const) {
      expect(validateDocument(generateDocument(type, { seed: 3 })), type).to.deep.equal([]);
    }
  });
});
