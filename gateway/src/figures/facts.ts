// What one document adds to the figures, read from this node's own record of it and its opened body. Pure: the
// figures module (figures.ts) resolves what a document needs from elsewhere in the store (the invoice an act is
// about, when a request was answered, whether a later document corrected this one) and passes it in.
import { cellKey, type Contribution } from './fold.js';

/** The metrics and the meaning of each vector's places. */
export const METRICS = {
  /** By counterparty: invoices, billed, withheld, paid (kopecks), all in the month of the invoice date. */
  money: ['invoices', 'billed', 'withheld', 'paid'],
  /** By defect code: withheld lines and their withheld amount, in the month of the invoice date. */
  defect: ['lines', 'amount'],
  /** By interval bucket: payment orders, the sum of their days from the invoice date, their amount. */
  payDays: ['payments', 'days', 'amount'],
  /** By request kind: requests, answered within the service level, answered late, not answered (request month). */
  sla: ['requests', 'inTime', 'late', 'open'],
  /** By document type: sent, accepted, the sum of minutes from sending to acceptance (month sent); whole minutes
   * keep every sum an integer, so taking a contribution out leaves no rounding behind. */
  turnaround: ['sent', 'accepted', 'minutes'],
} as const;
export type Metric = keyof typeof METRICS;

/** The requests that carry a service level (`respondBy`), and the documents that answer them. */
export const REQUEST_TYPES = ['care-request', 'prior-auth-request', 'documentation-request'] as const;
export const ANSWER_TYPES = new Set([
  'appointment',
  'prior-auth-response',
  'guarantee-letter',
  'medical-documentation',
]);
/** Sent documents whose way from sending to acceptance the payer watches. */
export const TURNAROUND_TYPES = new Set(['insured-list', 'guarantee-letter']);

/** Days from an invoice to its payment, in the buckets the chart shows. */
export const PAY_DAY_BUCKETS = ['0-15', '16-30', '31-45', '46-60', '61+'] as const;
export function payDayBucket(days: number): string {
  if (days <= 15) return '0-15';
  if (days <= 30) return '16-30';
  if (days <= 45) return '31-45';
  if (days <= 60) return '46-60';
  return '61+';
}

/** Documents that never took effect: refused, taken back, never on the ledger. */
const DEAD = new Set(['REJECTED', 'WITHDRAWN', 'FAILED']);

export interface FactInput {
  /** out: this node sent it; in: this node received it. */
  direction: 'out' | 'in';
  type: string;
  status: string;
  /** The other party's ОГРН. */
  counterparty: string;
  /** When this node wrote the record (sent) or received it. */
  at: string;
  body: Record<string, unknown> | undefined;
  /** A later document of this node corrects this one (`corrects`): it no longer counts. */
  superseded?: boolean;
  /** For an act or a payment notice: the date of the invoice it is about, when this node holds that invoice. */
  invoiceDate?: string;
  /** For a request: when its first answer was sent or received. */
  answeredAt?: string;
  /** For a sent list or letter: when it became ACCEPTED. */
  acceptedAt?: string;
}

const month = (iso: string | undefined) => (iso && /^\d{4}-\d{2}/.test(iso) ? iso.slice(0, 7) : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const DAY = 86_400_000;

/** The document's contribution to the cells; empty when it counts nowhere. */
export function contributionOf(f: FactInput): Contribution {
  const c: Contribution = {};
  const add = (m: string | undefined, metric: Metric, dim: string, v: number[]) => {
    if (!m) return;
    const k = cellKey(m, metric, dim);
    const into = (c[k] ??= new Array<number>(v.length).fill(0));
    for (let i = 0; i < v.length; i++) into[i]! += v[i]!;
  };
  const b = f.body;
  if (!b || f.superseded) return c;
  switch (f.type) {
    case 'invoice': {
      if (DEAD.has(f.status)) break;
      add(month(str(b.invoiceDate)), 'money', f.counterparty, [1, int(b.total), 0, 0]);
      break;
    }
    case 'expertise-act': {
      if (f.status === 'FAILED' || f.status === 'WITHDRAWN') break;
      const m = month(f.invoiceDate ?? str(b.actDate));
      const totals = (b.totals ?? {}) as Record<string, unknown>;
      add(m, 'money', f.counterparty, [0, 0, int(totals.withheld), 0]);
      for (const line of (Array.isArray(b.lines) ? b.lines : []) as Array<Record<string, unknown>>) {
        const code = str(line.defectCode);
        if (line.decision === 'WITHHELD' && code) add(m, 'defect', code, [1, int(line.withheldAmount)]);
      }
      break;
    }
    case 'payment-notice': {
      if (DEAD.has(f.status)) break;
      const paid = int(b.paidAmount);
      const m = month(f.invoiceDate ?? str(b.noticeDate));
      add(m, 'money', f.counterparty, [0, 0, 0, paid]);
      const orderDate = str((b.paymentOrder as Record<string, unknown> | undefined)?.date);
      if (f.invoiceDate && orderDate) {
        const days = Math.max(0, Math.round((Date.parse(orderDate) - Date.parse(f.invoiceDate)) / DAY));
        add(m, 'payDays', payDayBucket(days), [1, days, paid]);
      }
      break;
    }
    case 'care-request':
    case 'prior-auth-request':
    case 'documentation-request': {
      if (DEAD.has(f.status)) break;
      const respondBy = str(b.respondBy);
      const answered = f.answeredAt;
      const inTime = answered !== undefined && respondBy !== undefined && answered <= respondBy ? 1 : 0;
      const late = answered !== undefined && !inTime ? 1 : 0;
      add(month(str(b.requestDate) ?? f.at), 'sla', f.type, [1, inTime, late, answered ? 0 : 1]);
      break;
    }
  }
  if (
    f.direction === 'out' &&
    TURNAROUND_TYPES.has(f.type) &&
    f.status !== 'FAILED' &&
    f.status !== 'PENDING'
  ) {
    const accepted = f.status === 'ACCEPTED' && f.acceptedAt ? 1 : 0;
    const minutes = accepted
      ? Math.max(0, Math.round((Date.parse(f.acceptedAt!) - Date.parse(f.at)) / 60_000))
      : 0;
    add(month(f.at), 'turnaround', f.type, [1, accepted, minutes]);
  }
  return c;
}
