// An invoice's payment state, computed from what a node holds about it: the invoice, the expertise act that
// decided it, and the payment notices against it. Pure, so the clinic, the payer and the reconciliation all read the
// same figures the same way.

/** One payment notice as the state counts it. */
export interface PaymentEntry {
  /** The notice's ledger id: a notice counted twice (a retried arrival) is the same entry. */
  noticeId: string;
  noticeNumber: string;
  noticeDate: string;
  paidAmount: number;
  withheldAmount: number;
  paymentOrder: { number: string; date: string };
  purpose?: string;
}

/** What a node keeps about one invoice's payment (kopecks throughout). */
export interface PaymentRecord {
  /** The invoice's ledger id (`<clinic ОГРН>:<documentId>`). */
  invoiceId: string;
  invoiceNumber: string;
  invoiceDate: string;
  clinic: string;
  payer: string;
  billed: number;
  /** The expertise act's verdict, once one is known here (a corrected act replaces it). */
  act?: { actId: string; accepted: number; withheld: number };
  payments: PaymentEntry[];
}

/**
 * not-due: billed, no act yet (nothing is payable before the expertise); due: the act accepted an amount that is not
 * paid yet; partly-paid: something paid, something still owed; paid: nothing owed; overdue: something still owed past
 * the contract's payment term, counted in calendar days from the invoice date.
 */
export type PaymentStateName = 'not-due' | 'due' | 'partly-paid' | 'paid' | 'overdue';
export const PAYMENT_STATES: readonly PaymentStateName[] = [
  'not-due',
  'due',
  'partly-paid',
  'paid',
  'overdue',
];

export interface PaymentState {
  invoiceId: string;
  invoiceNumber: string;
  invoiceDate: string;
  clinic: string;
  payer: string;
  state: PaymentStateName;
  dueDate: string;
  billed: number;
  accepted: number;
  withheld: number;
  paid: number;
  outstanding: number;
  actId?: string;
  payments: PaymentEntry[];
}

/** Days a payer has to pay when its contract names no term of its own. */
export const DEFAULT_PAYMENT_TERM_DAYS = 30;

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The withheld amount: the act's, or, before the act reached this node, the largest a notice stated. */
function withheldOf(r: PaymentRecord): number {
  if (r.act) return r.act.withheld;
  return r.payments.reduce((m, p) => Math.max(m, p.withheldAmount), 0);
}

export function paymentState(r: PaymentRecord, today: string, termDays: number): PaymentState {
  const paid = r.payments.reduce((s, p) => s + p.paidAmount, 0);
  const withheld = withheldOf(r);
  const outstanding = Math.max(0, r.billed - withheld - paid);
  const dueDate = addDays(r.invoiceDate, termDays);
  const settled = outstanding === 0 && (paid > 0 || withheld > 0 || r.billed === 0);
  const state: PaymentStateName = settled
    ? 'paid'
    : today > dueDate
      ? 'overdue'
      : paid > 0
        ? 'partly-paid'
        : r.act
          ? 'due'
          : 'not-due';
  return {
    invoiceId: r.invoiceId,
    invoiceNumber: r.invoiceNumber,
    invoiceDate: r.invoiceDate,
    clinic: r.clinic,
    payer: r.payer,
    state,
    dueDate,
    billed: r.billed,
    accepted: r.act?.accepted ?? 0,
    withheld,
    paid,
    outstanding,
    ...(r.act ? { actId: r.act.actId } : {}),
    payments: r.payments,
  };
}
