import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  GuaranteeLetterBody,
  InsuredListBody,
  InvoiceBody,
  InvoiceLine,
  Person,
  PriceListBody,
} from '@dmsnet/formats/types';
import { GatewayStore } from '../../../gateway/src/store/store.js';
import {
  checkInvoice,
  billedKey,
  rubles,
  defectDictionary,
  Roster,
  type RosterEntry,
} from '../../../gateway/src/workflows/index.js';

const person = (n: number, extra: Partial<Person> = {}): Person => ({
  lastName: `Иванов${n}`,
  firstName: 'Пётр',
  middleName: 'Сергеевич',
  birthDate: '1980-01-0' + ((n % 9) + 1),
  sex: 'M',
  policyNumber: `ДМС-${1000 + n}`,
  ...extra,
});
const programme = { code: 'APP', name: 'Амбулаторно-поликлиническая помощь' };
type Row = InsuredListBody['rows'][number];
const attach = (n: number, from = '2026-01-01', to = '2026-12-31'): Row => ({
  rowId: `r${n}-${from}`,
  action: 'attach',
  person: person(n),
  programme,
  period: { from, to },
});
const list = (rows: Row[], contract = 'C-1'): InsuredListBody => ({
  listNumber: '1',
  listDate: '2026-01-01',
  contract: { number: contract, date: '2025-12-01' },
  rows,
});

describe('roster rules (real LevelDB)', () => {
  let dir: string;
  let store: GatewayStore;
  let roster: Roster;
  const apply = async (
    body: InsuredListBody,
    contracts = [] as Array<{ insurer: string; number: string; from: string; to: string }>,
    id = 'L',
  ) => {
    const plan = await roster.plan({ documentId: id, insurer: 'INS', body }, contracts);
    if (!plan.errors.length) await store.batch(plan.ops);
    return plan.errors;
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-roster-'));
    store = await GatewayStore.open(dir);
    roster = new Roster(store);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('attaches, and answers coverage by policy and by name on a date', async () => {
    expect(await apply(list([attach(1), attach(2)]))).to.deep.equal([]);
    const byPolicy = await roster.byPolicy('дмс-1001 ');
    expect(await roster.coverage(byPolicy, '2026-06-01')).to.have.length(1);
    expect(await roster.coverage(byPolicy, '2027-01-01')).to.have.length(0);
    const byName = await roster.byName('ИВАНОВ1', 'пётр', 'Сергеевич', '1980-01-02');
    expect(byName.map((e) => e.policyNumber)).to.deep.equal(['ДМС-1001']);
  });

  it('looks up many policies by one sweep with the same answer as point lookups', async () => {
    await apply(list(Array.from({ length: 700 }, (_, n) => attach(n))));
    const asked = Array.from({ length: 650 }, (_, n) => person(n * 2).policyNumber);
    const swept = await roster.byPolicies(asked);
    expect(swept.size).to.equal(650);
    for (const p of asked.slice(0, 50)) {
      expect(swept.get(p.toUpperCase())).to.deep.equal(await roster.byPolicy(p));
    }
    expect(swept.get(person(1000).policyNumber.toUpperCase()) ?? []).to.have.length(0);
  });

  it('ROSTER_DUPLICATE_ROW: the same person, programme and action twice in one list', async () => {
    const errors = await apply(list([attach(1), { ...attach(1), rowId: 'again' }]));
    expect(errors).to.deep.equal([
      {
        pointer: '/body/rows/1/person/policyNumber',
        code: 'ROSTER_DUPLICATE_ROW',
        message: errors[0].message,
      },
    ]);
  });

  it('ROSTER_OVERLAP: attaching someone already attached for an overlapping period; a later period is fine', async () => {
    await apply(list([attach(1)]));
    const errors = await apply(list([attach(1, '2026-06-01', '2027-05-31')]), [], 'L2');
    expect(errors.map((e) => [e.pointer, e.code])).to.deep.equal([['/body/rows/0/period', 'ROSTER_OVERLAP']]);
    expect(await apply(list([attach(1, '2027-01-01', '2027-12-31')]), [], 'L3')).to.deep.equal([]);
  });

  it('ROSTER_NOT_ATTACHED: detaching someone not attached; a detachment ends coverage after its date', async () => {
    const detach = (n: number, to: string): Row => ({
      rowId: `d${n}`,
      action: 'detach',
      person: person(n),
      programme,
      period: { to },
    });
    expect((await apply(list([detach(5, '2026-03-01')]))).map((e) => e.code)).to.deep.equal([
      'ROSTER_NOT_ATTACHED',
    ]);
    await apply(list([attach(5)]), [], 'A');
    expect(await apply(list([detach(5, '2026-03-01')]), [], 'D')).to.deep.equal([]);
    const entries = await roster.byPolicy('ДМС-1005');
    expect(await roster.coverage(entries, '2026-02-28')).to.have.length(1);
    expect(await roster.coverage(entries, '2026-03-02')).to.have.length(0);
  });

  it('ROSTER_UNKNOWN_PERSON: a change to someone not in the roster; a change updates the person', async () => {
    const change = (n: number, p: Partial<Person>): Row => ({
      rowId: `c${n}`,
      action: 'change',
      person: person(n, p),
      programme,
      period: { from: '2026-01-01', to: '2026-12-31' },
    });
    expect((await apply(list([change(7, {})]))).map((e) => e.code)).to.deep.equal(['ROSTER_UNKNOWN_PERSON']);
    await apply(list([attach(7)]), [], 'A');
    expect(await apply(list([change(7, { lastName: 'Петрова' })]), [], 'C')).to.deep.equal([]);
    expect((await roster.byName('Петрова', 'Пётр', 'Сергеевич', person(7).birthDate)).length).to.equal(1);
    expect((await roster.byName('Иванов7', 'Пётр', 'Сергеевич', person(7).birthDate)).length).to.equal(0);
  });

  it('ROSTER_OUTSIDE_CONTRACT and ROSTER_CONTRACT_UNKNOWN against the contracts on file', async () => {
    const contracts = [{ insurer: 'INS', number: 'C-1', from: '2026-01-01', to: '2026-06-30' }];
    const outside = await apply(list([attach(1)]), contracts);
    expect(outside.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/rows/0/period', 'ROSTER_OUTSIDE_CONTRACT'],
    ]);
    const unknown = await apply(list([attach(1, '2026-01-01', '2026-06-30')], 'C-9'), contracts);
    expect(unknown.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/contract/number', 'ROSTER_CONTRACT_UNKNOWN'],
    ]);
  });

  it('applies a list atomically: one bad row and nothing is applied, every error reported', async () => {
    const errors = await apply(
      list([
        attach(1),
        attach(2),
        { rowId: 'x', action: 'detach', person: person(3), programme, period: { to: '2026-02-01' } },
        { ...attach(2), rowId: 'y' },
      ]),
    );
    expect(errors.map((e) => e.code)).to.deep.equal(['ROSTER_NOT_ATTACHED', 'ROSTER_DUPLICATE_ROW']);
    expect(await roster.byPolicy('ДМС-1001')).to.have.length(0);
  });
});

describe('invoice check (defect codes)', () => {
  const pl: PriceListBody = {
    priceListNumber: 'P',
    version: 1,
    validity: { from: '2026-01-01' },
    currency: 'RUB',
    lines: [
      { rowId: '1', serviceCode: 'B01.047.001', name: 'Терапевт', price: 200000 },
      { rowId: '2', serviceCode: 'A05.10.006', name: 'ЭКГ', price: 90000 },
    ],
  };
  const gl: GuaranteeLetterBody = {
    letterNumber: 'GL-1',
    issueDate: '2026-02-01',
    status: 'issued',
    patient: person(1),
    validity: { from: '2026-02-01', to: '2026-02-28' },
    currency: 'RUB',
    amountLimit: 290000,
    lines: [
      { rowId: '1', serviceCode: 'B01.047.001', quantity: 1, unitPrice: 200000, amount: 200000 },
      { rowId: '2', serviceCode: 'A05.10.006', quantity: 1, unitPrice: 90000, amount: 90000 },
    ],
  };
  const entry = (n: number): RosterEntry => ({
    insurer: 'INS',
    policyNumber: person(n).policyNumber,
    programme,
    person: person(n),
    from: '2026-01-01',
    to: '2026-12-31',
    listId: 'L',
    rowId: 'r',
  });
  const ln = (
    rowId: string,
    n: number,
    code: string,
    date: string,
    price: number,
    extra: Partial<InvoiceLine> = {},
  ): InvoiceLine => ({
    rowId,
    patient: person(n),
    serviceCode: code,
    serviceDate: date,
    quantity: 1,
    unitPrice: price,
    amount: price,
    ...extra,
  });
  const run = (
    lines: InvoiceLine[],
    o: {
      letters?: GuaranteeLetterBody[];
      billedBefore?: string[];
      priceList?: PriceListBody | undefined;
    } = {},
  ) =>
    checkInvoice({
      invoiceId: 'INV',
      invoice: {
        invoiceNumber: '1',
        invoiceDate: '2026-03-01',
        billingPeriod: { from: '2026-02-01', to: '2026-02-28' },
        contract: { number: 'C', date: '2026-01-01' },
        currency: 'RUB',
        total: lines.reduce((t, l) => t + l.amount, 0),
        lines,
      } as InvoiceBody,
      roster: new Map([
        [person(1).policyNumber.toUpperCase(), [entry(1)]],
        [person(2).policyNumber.toUpperCase(), [entry(2)]],
      ]),
      letters: new Map((o.letters ?? [gl]).map((g) => [g.letterNumber, g])),
      letterQuantityUsed: new Map(),
      letterAmountUsed: new Map(),
      priceListAt: () => ('priceList' in o ? o.priceList : pl),
      billedBefore: new Set(o.billedBefore ?? []),
      actDate: '2026-03-05',
    });
  const codes = (lines: InvoiceLine[], o = {}) => run(lines, o).lines.map((l) => l.defectCode ?? 'PAID');

  it('ships every code it emits in the versioned dictionary, shaped section.code[.sub]', () => {
    const d = defectDictionary();
    expect(d.version).to.equal('1');
    for (const c of d.codes) expect(c.code).to.match(/^\d{1,2}(\.\d{1,2}){1,2}$/);
    for (const c of [
      '1.1.1',
      '1.2.1',
      '1.2.2',
      '1.2.3',
      '1.2.4',
      '1.2.5',
      '1.2.6',
      '1.3.1',
      '1.3.2',
      '1.3.3',
      '1.4.1',
      '1.10.2',
    ]) {
      expect(d.codes.map((x) => x.code)).to.include(c);
    }
  });

  it('pays a correct line and withholds by the first broken rule', () => {
    const glRef = { guaranteeLetter: { letterNumber: 'GL-1' } };
    expect(codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000, glRef)])).to.deep.equal(['PAID']);
    expect(codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000, { amount: 1 })])).to.deep.equal(['1.4.1']);
    expect(
      codes([
        ln('1', 1, 'B01.047.001', '2026-02-10', 200000),
        ln('2', 1, 'B01.047.001', '2026-02-10', 200000),
      ]),
    ).to.deep.equal(['PAID', '1.10.2']);
    expect(
      codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000)], {
        billedBefore: [billedKey(person(1).policyNumber, 'B01.047.001', '2026-02-10')],
      }),
    ).to.deep.equal(['1.10.2']);
    expect(codes([ln('1', 9, 'B01.047.001', '2026-02-10', 200000)])).to.deep.equal(['1.1.1']);
  });

  it('checks guarantee letters: missing, revoked, validity, service, quantity, limit', () => {
    const ref = (n = 'GL-1') => ({ guaranteeLetter: { letterNumber: n } });
    expect(codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000, ref('GL-X'))])).to.deep.equal(['1.2.1']);
    expect(
      codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000, ref())], {
        letters: [{ ...gl, status: 'revoked' }],
      }),
    ).to.deep.equal(['1.2.4']);
    expect(codes([ln('1', 1, 'B01.047.001', '2026-03-10', 200000, ref())])).to.deep.equal(['1.2.3']);
    expect(codes([ln('1', 1, 'B01.023.001', '2026-02-10', 200000, ref())])).to.deep.equal(['1.2.2']);
    expect(
      codes([
        ln('1', 1, 'B01.047.001', '2026-02-10', 200000, ref()),
        ln('2', 1, 'B01.047.001', '2026-02-11', 200000, ref()),
      ]),
    ).to.deep.equal(['PAID', '1.2.5']);
    const tight = { ...gl, amountLimit: 250000 };
    expect(
      codes(
        [
          ln('1', 1, 'B01.047.001', '2026-02-10', 200000, ref()),
          ln('2', 1, 'A05.10.006', '2026-02-10', 90000, ref()),
        ],
        { letters: [tight] },
      ),
    ).to.deep.equal(['PAID', '1.2.6']);
  });

  it('checks prices against the accepted price list in force on the service date', () => {
    expect(codes([ln('1', 1, 'B01.047.001', '2026-02-10', 200000)], { priceList: undefined })).to.deep.equal([
      '1.3.1',
    ]);
    expect(codes([ln('1', 1, 'B01.023.001', '2026-02-10', 200000)])).to.deep.equal(['1.3.3']);
    const act = run([
      ln('1', 2, 'A05.10.006', '2026-02-10', 100000),
      ln('2', 2, 'B01.047.001', '2026-02-11', 150000),
    ]);
    expect(act.lines[0]).to.include({
      defectCode: '1.3.2',
      decision: 'WITHHELD',
      paidAmount: 90000,
      withheldAmount: 10000,
    });
    // Roubles in the explanation as the clinic's staff write them: grouped thousands, a decimal comma.
    expect(act.lines[0]!.reason).to.match(/: 900,00\u00a0₽ вместо 1\u00a0000,00\u00a0₽$/);
    expect(act.lines[1]).to.include({ decision: 'PAID', paidAmount: 150000 });
    expect(act.totals).to.deep.equal({ claimed: 250000, paid: 240000, withheld: 10000 });
  });

  it('writes kopecks as roubles the Russian way', () => {
    expect(rubles(235000)).to.equal('2\u00a0350,00\u00a0₽');
    expect(rubles(5)).to.equal('0,05\u00a0₽');
    expect(rubles(123456789)).to.equal('1\u00a0234\u00a0567,89\u00a0₽');
    expect(rubles(-1050)).to.equal('−10,50\u00a0₽');
  });
});
