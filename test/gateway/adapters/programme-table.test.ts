// A ДМС programme table as insurers attach it to a contract (gateway/mappings/samples/medical-programme.xlsx: merged
// title lines, section rows, prefixes written with a star, a Cyrillic «В», limits as numbers and as «50 000,00»
// text, a signature row) becomes a valid `medical-programme` document through the same import every file takes, and
// goes back to a table that reads the same.
import { expect } from 'chai';
import { validateDocument } from '@dmsnet/formats';
import type { MedicalProgrammeBody } from '@dmsnet/formats/types';
import { ProgrammeScope } from '@dmsnet/formats/programme/scope';
import { exportTable, importTable } from '../../../gateway/src/adapters/index.js';
import { CLINIC, CREATED_AT, INSURER, mapping, sample } from './helpers.js';

const from = { sender: INSURER, addressee: CLINIC, createdAt: CREATED_AT };

describe('adapters: a ДМС programme table (xlsx)', () => {
  it('reads the title lines, the rows under their sections and the limits into a valid programme', async () => {
    const r = await importTable(
      sample('medical-programme.xlsx'),
      mapping('insurer-medical-programme.xlsx'),
      from,
    );
    expect(r.errors).to.deep.equal([]);
    expect(validateDocument(r.document)).to.deep.equal([]);
    const body = r.document.body as unknown as MedicalProgrammeBody;
    expect(body.programme).to.deep.equal({ code: 'APP', name: 'Поликлиническое обслуживание' });
    expect(body).to.include({ version: 2, territory: 'г. Москва и Московская область', currency: 'RUB' });
    expect(body.validity).to.deep.equal({ from: '2027-01-01', to: '2027-12-31' });
    expect(body.contract).to.deep.equal({ number: '12-ДМС/2027', date: '2026-12-15' });
    expect(body.franchise).to.deep.equal({ percent: 10 });
    expect(body.services.map((s) => [s.match, s.code, s.cover, s.section])).to.deep.equal([
      ['prefix', 'B01', 'included', '1. Амбулаторно-поликлиническая помощь'],
      ['code', 'B01.003.001', 'excluded', '1. Амбулаторно-поликлиническая помощь'],
      ['section', 'B04', 'included', '1. Амбулаторно-поликлиническая помощь'],
      ['prefix', 'A09.05', 'included', '2. Диагностика'],
      ['prefix', 'A04', 'included', '2. Диагностика'],
      ['prefix', 'A05', 'letter', '2. Диагностика'],
      ['code', 'A06.09.007', 'letter', '2. Диагностика'],
      ['section', 'A16', 'excluded', '3. Исключения'],
      ['prefix', 'A09.05.200', 'excluded', '3. Исключения'],
    ]);
    expect(body.services.map((s) => s.limit ?? null)).to.deep.equal([
      { visits: 30 },
      null,
      null,
      { amount: 5_000_000 },
      { visits: 5 },
      { visits: 2, amount: 4_000_000 },
      null,
      null,
      null,
    ]);
    const scope = new ProgrammeScope(body);
    expect(
      ['B01.047.001', 'B01.003.001', 'A05.10.006', 'A09.05.200.001', 'A16.01.001', 'A11.05.001'].map(
        (c) => scope.resolve(c).decision,
      ),
    ).to.deep.equal(['included', 'excluded', 'letter', 'excluded', 'excluded', 'outside']);
  });

  it('names the row and column of a condition the mapping does not know', async () => {
    const m = mapping('insurer-medical-programme.xlsx');
    const cover = m.columns.find((c) => c.field === 'cover')!;
    const strict = {
      ...m,
      columns: m.columns.map((c) => (c === cover ? { ...c, values: { Входит: 'included' } } : c)),
    };
    const r = await importTable(sample('medical-programme.xlsx'), strict, from);
    expect(r.errors.map((e) => [e.pointer, e.code])).to.deep.include([
      '/body/services/1/cover',
      'VALUE_UNKNOWN',
    ]);
  });

  it('writes a received programme back to a table that imports to the same rows', async () => {
    const m = mapping('insurer-medical-programme.xlsx');
    const first = await importTable(sample('medical-programme.xlsx'), m, from);
    const bytes = await exportTable(first.document, m);
    const again = await importTable(bytes, m, {
      ...from,
      fields: {
        'programme/name': 'Поликлиническое обслуживание',
        'programme/code': 'APP',
        version: '2',
        'validity/from': '01.01.2027',
        'validity/to': '31.12.2027',
      },
    });
    const rows = (d: typeof first.document) =>
      (d.body as unknown as MedicalProgrammeBody).services.map(({ match, code, cover, limit }) => ({
        match,
        code,
        cover,
        limit,
      }));
    expect(rows(again.document)).to.deep.equal(rows(first.document));
  });
});
