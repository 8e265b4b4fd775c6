// The medical programme's format rules and the scope resolution every coverage answer and invoice check relies on,
// the latter against a reference written the slow, obvious way over random programmes.
import { expect } from 'chai';
import fc from 'fast-check';
import { validateDocument } from '@dmsnet/formats';
import { generateDocument } from '@dmsnet/formats/generator/generate';
import { ProgrammeScope, policyYear } from '@dmsnet/formats/programme/scope';
import type { MedicalProgrammeBody, ProgrammeService } from '@dmsnet/formats/types';

const RANK = { excluded: 2, letter: 1, included: 0 } as const;

/** The rule as RULES.md words it: the most specific matching row, the strictest on equal footing. */
function reference(
  services: readonly ProgrammeService[],
  code: string,
): ProgrammeService['cover'] | 'outside' {
  const specificity = (r: ProgrammeService): number => {
    if (r.match === 'code') return r.code === code ? 1000 : -1;
    if (r.match === 'prefix')
      return code === r.code || code.startsWith(r.code + '.') ? 100 + r.code.length : -1;
    return code.startsWith(r.code) && (r.code.length === 1 || r.code.length === 3) ? r.code.length : -1;
  };
  let best: ProgrammeService | undefined;
  let bestAt = -1;
  for (const r of services) {
    const s = specificity(r);
    if (s < 0) continue;
    if (s > bestAt || (s === bestAt && best && RANK[r.cover] > RANK[best.cover])) {
      best = r;
      bestAt = s;
    }
  }
  return best ? best.cover : 'outside';
}

const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
const code = fc
  .tuple(fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), digits(3))
  .map(([s, t, c, n]) => `${s}0${t}.0${c}.${n.slice(0, 1)}0${n.slice(2)}`);
const row = fc
  .tuple(
    code,
    fc.constantFrom('code', 'prefix', 'prefix', 'section', 'section'),
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom('included', 'letter', 'excluded'),
  )
  .map(([c, match, cut, cover]) => {
    const parts = c.split('.');
    const scope =
      match === 'code'
        ? c
        : match === 'prefix'
          ? parts.slice(0, 1 + cut).join('.')
          : cut === 0
            ? c.slice(0, 1)
            : c.slice(0, 3);
    return { match, code: scope, cover } as Omit<ProgrammeService, 'rowId'>;
  });

const programme = (services: ProgrammeService[]): MedicalProgrammeBody => ({
  programme: { code: 'APP', name: 'АПП' },
  version: 1,
  validity: { from: '2027-01-01', to: '2027-12-31' },
  currency: 'RUB',
  services,
});

describe('formats: medical programme', () => {
  it('generates valid programmes of any size, 2,000 distinct services among them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 1e6 }), (rows, seed) => {
        const doc = generateDocument('medical-programme', { rows, seed });
        expect(validateDocument(doc)).to.deep.equal([]);
        expect((doc.body as MedicalProgrammeBody).services).to.have.length(rows);
      }),
      { numRuns: 25 },
    );
    const big = generateDocument('medical-programme', { rows: 2000 }).body as MedicalProgrammeBody;
    expect(new Set(big.services.map((s) => `${s.match}:${s.code}`)).size).to.equal(2000);
  });

  it('decides a service by the most specific row, the strictest on equal footing (against a reference)', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.array(code, { minLength: 1, maxLength: 20 }),
        (rows, codes) => {
          const services = rows.map((r, i) => ({ ...r, rowId: String(i + 1) }));
          const scope = new ProgrammeScope(programme(services));
          for (const c of [...codes, ...services.map((s) => s.code).filter((s) => s.length > 8)])
            expect(scope.resolve(c).decision, c).to.equal(reference(services, c));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads Cyrillic А/В and spaces in codes and scope rows as the service codes do', () => {
    const scope = new ProgrammeScope(
      programme([
        { rowId: '1', match: 'prefix', code: 'В01', cover: 'included' },
        { rowId: '2', match: 'code', code: 'B01. 047.001', cover: 'excluded' },
      ]),
    );
    expect(scope.resolve('В01.047.001').decision).to.equal('excluded');
    expect(scope.resolve('B01.047.002').decision).to.equal('included');
    expect(scope.resolve('A01.01.001').decision).to.equal('outside');
  });

  it('counts policy years from the attachment date, 29 February included', () => {
    expect(policyYear('2026-03-15', '2027-03-14')).to.deep.equal({ from: '2026-03-15', to: '2027-03-14' });
    expect(policyYear('2026-03-15', '2027-03-15')).to.deep.equal({ from: '2027-03-15', to: '2028-03-14' });
    expect(policyYear('2024-02-29', '2025-03-01')).to.deep.equal({ from: '2025-02-28', to: '2026-02-27' });
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 2000 }),
        (start, later) => {
          const from = start.toISOString().slice(0, 10);
          const date = new Date(start.getTime() + later * 86_400_000).toISOString().slice(0, 10);
          const y = policyYear(from, date);
          expect(y.from <= date && date <= y.to, `${from} ${date} ${JSON.stringify(y)}`).to.equal(true);
          const days = (Date.parse(y.to) - Date.parse(y.from)) / 86_400_000 + 1;
          expect(days).to.be.within(365, 366);
        },
      ),
    );
  });

  it('names the field and the rule of each broken programme rule', () => {
    const doc = generateDocument('medical-programme', { rows: 12, seed: 3 });
    const body = doc.body as MedicalProgrammeBody;
    body.services[1].code = 'B1.2';
    body.services[2] = { ...body.services[2], match: 'code', code: 'A09.05.1' };
    body.services[6].limit = { visits: 1 };
    const codes = validateDocument(doc).map((e) => `${e.pointer} ${e.code}`);
    expect(codes).to.deep.equal([
      '/body/services/1/code PROGRAMME_SCOPE_FORMAT',
      '/body/services/2/code SERVICE_CODE_FORMAT',
      '/body/services/6/limit PROGRAMME_LIMIT_ON_EXCLUDED',
    ]);
    const empty = structuredClone(doc);
    (empty.body as MedicalProgrammeBody).services[0].limit = {} as never;
    expect(validateDocument(empty).map((e) => `${e.pointer} ${e.code}`)).to.include(
      '/body/services/0/limit SCHEMA_PROPERTIES',
    );
  });
});
