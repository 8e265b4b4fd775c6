// The figures' fold against a recount from scratch: whatever order documents arrive and change in, the cells kept
// incrementally equal the sum of every document's latest contribution (fast-check generates the histories).
import { expect } from 'chai';
import fc from 'fast-check';
import { contributionOf, type FactInput } from '../../../gateway/src/figures/facts.js';
import { applyDelta, delta, recount, type Contribution } from '../../../gateway/src/figures/fold.js';

const month = fc.constantFrom('2026-01', '2026-02', '2026-03');
const date = fc
  .tuple(month, fc.integer({ min: 1, max: 28 }))
  .map(([m, d]) => `${m}-${String(d).padStart(2, '0')}`);
const time = fc
  .tuple(date, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([d, h, m]) => `${d}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`);
const kopecks = fc.integer({ min: 0, max: 10_000_000 });
const party = fc.constantFrom('1027700000001', '1027700000002', '1027700000003');
const status = fc.constantFrom('SENT', 'DELIVERED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN', 'FAILED', 'PENDING');

/** A document of any type the figures count, in any state, with what the module would resolve for it. */
const fact: fc.Arbitrary<FactInput> = fc.oneof(
  fc.record({
    direction: fc.constantFrom('out' as const, 'in' as const),
    type: fc.constant('invoice'),
    status,
    counterparty: party,
    at: time,
    body: fc.record({ invoiceDate: date, total: kopecks }),
  }),
  fc.record({
    direction: fc.constantFrom('out' as const, 'in' as const),
    type: fc.constant('expertise-act'),
    status,
    counterparty: party,
    at: time,
    superseded: fc.boolean(),
    invoiceDate: fc.option(date, { nil: undefined }),
    body: fc.record({
      actDate: date,
      totals: fc.record({ withheld: kopecks }),
      lines: fc.array(
        fc.record({
          decision: fc.constantFrom('PAID', 'WITHHELD'),
          defectCode: fc.constantFrom('1.1.1', '1.3.2', '2.1.2', '1.10.2'),
          withheldAmount: kopecks,
        }),
        { maxLength: 5 },
      ),
    }),
  }),
  fc.record({
    direction: fc.constantFrom('out' as const, 'in' as const),
    type: fc.constant('payment-notice'),
    status,
    counterparty: party,
    at: time,
    invoiceDate: fc.option(date, { nil: undefined }),
    body: fc.record({ noticeDate: date, paidAmount: kopecks, paymentOrder: fc.record({ date }) }),
  }),
  fc.record({
    direction: fc.constantFrom('out' as const, 'in' as const),
    type: fc.constantFrom('care-request', 'prior-auth-request', 'documentation-request'),
    status,
    counterparty: party,
    at: time,
    answeredAt: fc.option(time, { nil: undefined }),
    body: fc.record({ requestDate: date, respondBy: time }),
  }),
  fc.record({
    direction: fc.constant('out' as const),
    type: fc.constantFrom('insured-list', 'guarantee-letter'),
    status,
    counterparty: party,
    at: time,
    acceptedAt: fc.option(time, { nil: undefined }),
    body: fc.constant({}),
  }),
);

/** Folds the history incrementally, as the module does: each change takes the old contribution out. */
function foldIncrementally(history: Array<[string, FactInput]>): {
  cells: Contribution;
  latest: Map<string, Contribution>;
} {
  const cells: Contribution = {};
  const latest = new Map<string, Contribution>();
  for (const [id, f] of history) {
    const after = contributionOf(f);
    const { put, del } = applyDelta(delta(latest.get(id), after), (k) => cells[k]);
    Object.assign(cells, put);
    for (const k of del) delete cells[k];
    latest.set(id, after);
  }
  return { cells, latest };
}

describe('figures: the incremental fold equals a recount from scratch (fast-check)', () => {
  it('for any history of documents stored and changed, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6'), fact), { maxLength: 60 }),
        (history) => {
          const { cells, latest } = foldIncrementally(history);
          expect(cells).to.deep.equal(recount(latest.values()));
          // No cell is left at zero, and none goes negative: every sum is of contributions still counted.
          for (const v of Object.values(cells)) {
            expect(v.some((x) => x !== 0)).to.equal(true);
            expect(v.every((x) => x >= 0)).to.equal(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('folding a document again unchanged writes nothing', () => {
    fc.assert(
      fc.property(fact, (f) => {
        expect(delta(contributionOf(f), contributionOf(f))).to.deep.equal({});
      }),
    );
  });

  it('counts an invoice, its act and its payment in the invoice’s month, and a request answered in time', () => {
    const cp = '1027700000001';
    const inv = contributionOf({
      direction: 'out',
      type: 'invoice',
      status: 'ACCEPTED',
      counterparty: cp,
      at: '2026-03-05T10:00:00Z',
      body: { invoiceDate: '2026-02-28', total: 150_000 },
    });
    const act = contributionOf({
      direction: 'in',
      type: 'expertise-act',
      status: 'ACCEPTED',
      counterparty: cp,
      at: '2026-03-10T10:00:00Z',
      invoiceDate: '2026-02-28',
      body: {
        actDate: '2026-03-10',
        totals: { withheld: 50_000 },
        lines: [
          { decision: 'PAID', withheldAmount: 0 },
          { decision: 'WITHHELD', defectCode: '1.1.1', withheldAmount: 50_000 },
        ],
      },
    });
    const pay = contributionOf({
      direction: 'in',
      type: 'payment-notice',
      status: 'ACCEPTED',
      counterparty: cp,
      at: '2026-03-20T10:00:00Z',
      invoiceDate: '2026-02-28',
      body: { paidAmount: 100_000, paymentOrder: { date: '2026-03-20' } },
    });
    const req = contributionOf({
      direction: 'in',
      type: 'care-request',
      status: 'ACCEPTED',
      counterparty: cp,
      at: '2026-03-01T08:00:00Z',
      answeredAt: '2026-03-01T09:00:00Z',
      body: { requestDate: '2026-03-01', respondBy: '2026-03-01T12:00:00Z' },
    });
    expect(recount([inv, act, pay, req])).to.deep.equal({
      [`2026-02\u0000money\u0000${cp}`]: [1, 150_000, 50_000, 100_000],
      '2026-02\u0000defect\u00001.1.1': [1, 50_000],
      '2026-02\u0000payDays\u000016-30': [1, 20, 100_000],
      '2026-03\u0000sla\u0000care-request': [1, 1, 0, 0],
    });
  });
});
