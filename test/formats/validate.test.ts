import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  assertValidDocument,
  bundledSchemaText,
  compileSchema,
  DmsnetError,
  DOCUMENT_TYPES,
  generateDocument,
  generateExpertiseCase,
  RULE_CODES,
  repoPath,
  validateDocument,
  type DmsDocument,
} from '@dmsnet/formats';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const codes = (errors: Array<{ pointer: string; code: string }>) =>
  errors.map((e) => `${e.pointer} ${e.code}`);

describe('formats: validateDocument', () => {
  it('reports every error of a document, schema and business rules together', () => {
    const doc = clone(generateDocument('insured-list', { rows: 5, seed: 3 }));
    const rows = doc.body.rows as Array<Record<string, unknown> & { person: Record<string, unknown> }>;
    delete rows[0].person.sex;
    rows[1].person.snils = '112-233-445 96';
    rows[2].extra = true;
    rows[3].rowId = rows[4].rowId;
    (doc.header.sender as { inn?: string }).inn = '1234567890';
    expect(codes(validateDocument(doc)).sort()).to.deep.equal(
      [
        '/body/rows/0/person/sex SCHEMA_REQUIRED',
        '/body/rows/2/extra SCHEMA_ADDITIONAL_PROPERTY',
        '/header/sender/inn INN_CHECKSUM',
        '/body/rows/1/person/snils SNILS_CHECKSUM',
        '/body/rows/4/rowId ROW_ID_DUPLICATE',
      ].sort(),
    );
  });

  it('points at the missing or extra field itself, not at its parent', () => {
    const doc = clone(generateDocument('reply', { seed: 1 }));
    delete (doc.header as Partial<DmsDocument['header']>).createdAt;
    (doc.body as Record<string, unknown>).mood = 'good';
    expect(codes(validateDocument(doc)).sort()).to.deep.equal(
      ['/body/mood SCHEMA_ADDITIONAL_PROPERTY', '/header/createdAt SCHEMA_REQUIRED'].sort(),
    );
  });

  it('accepts identifiers as people write them and keeps them as written', () => {
    const doc = clone(generateDocument('guarantee-letter', { seed: 4 }));
    const lines = doc.body.lines as Array<{ serviceCode: string }>;
    lines[0].serviceCode = 'В01.047.001'; // Cyrillic В
    (doc.header.sender as { ogrn: string }).ogrn = doc.header.sender.ogrn.replace(/^(\d{4})/, '$1 ');
    expect(validateDocument(doc)).to.deep.equal([]);
    expect(lines[0].serviceCode).to.equal('В01.047.001');
  });

  it('never echoes a personal identifier or a diagnosis into an error message', () => {
    const doc = clone(generateDocument('invoice', { rows: 1, seed: 9 }));
    const line = (doc.body.lines as Array<Record<string, unknown> & { patient: Record<string, string> }>)[0];
    line.patient.snils = '112-233-445 96';
    line.patient.enp = '8451999122899991';
    line.diagnosis = 'F2O.0';
    line.doctor = { snils: '12345678901' };
    (doc.header.sender as { inn?: string }).inn = '123456789048';
    const errors = validateDocument(doc);
    expect(errors.map((e) => e.code).sort()).to.deep.equal(
      ['ENP_CHECKSUM', 'ICD10_FORMAT', 'INN_CHECKSUM', 'SNILS_CHECKSUM', 'SNILS_CHECKSUM'].sort(),
    );
    for (const e of errors) {
      for (const secret of ['445 96', '8451999122899991', 'F2O', '12345678901', '123456789048'])
        expect(e.message).to.not.contain(secret);
    }
  });

  it('checks an expertise act against the invoice it examines', () => {
    const { invoice, act } = generateExpertiseCase({ seed: 5, rows: 4 });
    expect(validateDocument(act, { related: { invoice } })).to.deep.equal([]);
    const other = generateDocument('invoice', { seed: 6, rows: 4 });
    expect(codes(validateDocument(act, { related: { invoice: other } }))).to.include(
      '/body/invoiceId ACT_INVOICE_MISMATCH',
    );
    const lessLines = clone(invoice);
    (lessLines.body.lines as unknown[]).pop();
    expect(codes(validateDocument(act, { related: { invoice: lessLines } }))).to.deep.equal([
      '/body/lines/3/invoiceLineId ACT_LINE_UNKNOWN',
    ]);
    expect(() => validateDocument(act, { related: { invoice: { body: {} } } }))
      .to.throw(DmsnetError)
      .with.property('code', 'RELATED_DOCUMENT_INVALID');
  });

  it('rejects what is not a document, naming why', () => {
    expect(codes(validateDocument('hello'))).to.deep.equal([' SCHEMA_TYPE']);
    expect(codes(validateDocument(null))).to.deep.equal([' SCHEMA_TYPE']);
    expect(codes(validateDocument({ header: { type: 'memo', formatVersion: '1' }, body: {} }))).to.deep.equal(
      ['/header/type DOCUMENT_TYPE_UNKNOWN'],
    );
    expect(codes(validateDocument({ header: { type: 'invoice' }, body: {} }))).to.deep.equal([
      '/header/formatVersion SCHEMA_REQUIRED',
    ]);
  });

  it('assertValidDocument returns a valid document and throws DOCUMENT_INVALID with every error otherwise', () => {
    const doc = generateDocument('price-list', { seed: 2 });
    expect(assertValidDocument(doc)).to.equal(doc);
    const bad = clone(doc);
    (bad.body as Record<string, unknown>).currency = 'EUR';
    (bad.body.lines as Array<{ price: number }>)[0].price = 1.5;
    try {
      assertValidDocument(bad);
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(DmsnetError);
      expect((err as DmsnetError).code).to.equal('DOCUMENT_INVALID');
      expect(codes([...(err as DmsnetError).errors]).sort()).to.deep.equal(
        ['/body/currency SCHEMA_CONST', '/body/lines/0/price SCHEMA_TYPE'].sort(),
      );
    }
  });
});

describe('formats: schemas', () => {
  it('bundles each type as one self-contained draft 2020-12 schema text', () => {
    for (const type of DOCUMENT_TYPES) {
      const schema = JSON.parse(bundledSchemaText(type, '1')) as Record<string, unknown>;
      expect(schema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
      expect((schema.$defs as Record<string, { $id?: string }>).common.$id).to.match(/common\.schema\.json$/);
      expect(compileSchema(bundledSchemaText(type, '1'))(generateDocument(type, { seed: 8 }))).to.deep.equal(
        [],
      );
    }
    expect(() => bundledSchemaText('invoice', '9'))
      .to.throw(DmsnetError)
      .with.property('code', 'FORMAT_VERSION_UNKNOWN');
  });

  it('compiles a schema once per text', () => {
    const text = bundledSchemaText('invoice', '1');
    expect(compileSchema(text)).to.equal(compileSchema(text));
    expect(() => compileSchema('{not json'))
      .to.throw(DmsnetError)
      .with.property('code', 'SCHEMA_TEXT_INVALID');
  });

  it('validates against a governance-activated schema text given by the caller', () => {
    // A version 2 that adds an optional field: documents of version 2 validate against its text.
    const v2 = JSON.parse(bundledSchemaText('reply', '1')) as {
      properties: {
        header: { properties: { formatVersion: { const: string } } };
        body: { properties: Record<string, unknown> };
      };
    };
    v2.properties.header.properties.formatVersion.const = '2';
    v2.properties.body.properties.channel = { type: 'string' };
    const doc = clone(generateDocument('reply', { seed: 1 }));
    doc.header.formatVersion = '2';
    (doc.body as Record<string, unknown>).channel = 'edi';
    expect(codes(validateDocument(doc))).to.deep.equal(['/header/formatVersion FORMAT_VERSION_UNKNOWN']);
    expect(validateDocument(doc, { schemaText: JSON.stringify(v2) })).to.deep.equal([]);
  });

  it('documents every business-rule code in formats/RULES.md, and nothing else', () => {
    const table = readFileSync(repoPath('formats', 'RULES.md'), 'utf8');
    const documented = new Set([...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    for (const code of Object.keys(RULE_CODES)) expect(documented.has(code), code).to.be.true;
    const schemaAndEntry = [
      'SCHEMA_',
      'DOCUMENT_',
      'FORMAT_VERSION_UNKNOWN',
      'FILE_UNREADABLE',
      'JSON_SYNTAX',
      'RELATED_',
      'CANONICAL_',
      'GENERATE_',
      'TOO_MANY_ERRORS',
    ];
    for (const code of documented) {
      expect(code in RULE_CODES || schemaAndEntry.some((p) => code.startsWith(p)), code).to.be.true;
    }
  });
});
