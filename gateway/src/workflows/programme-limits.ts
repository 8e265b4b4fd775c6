// What a programme says of one service for one insured person: covered, with a guarantee letter, or not, and how
// much of its limits the person used in the policy year. Pure over what it is given, so the clinic's coverage answer
// and the insurer's invoice check read a programme the same way, and both are tested without a network.
import { ProgrammeScope, policyYear, type CoverDecision } from '@dmsnet/formats/programme/scope';
import type { MedicalProgrammeBody, ProgrammeLimit } from '@dmsnet/formats/types';

/** One service counted against a person's limits: an invoice line the payer paid. */
export interface UsageRecord {
  serviceCode: string;
  date: string;
  quantity: number;
  /** Kopecks paid. */
  amount: number;
  /** The invoice's ledger id and line: a later act on the same invoice replaces its records. */
  invoiceId: string;
  rowId: string;
}

export interface LimitUse {
  limit: number;
  used: number;
  left: number;
}

/** How much of a limit (visits and/or roubles) is used and left. */
export interface LimitState {
  visits?: LimitUse;
  amount?: LimitUse;
}

/** A programme as received, with its index built once. */
export interface HeldProgramme {
  documentId: string;
  insurer: string;
  body: MedicalProgrammeBody;
  scope: ProgrammeScope;
}

export interface ServiceVerdict {
  decision: CoverDecision;
  rowId?: string;
  /** The limits of the row that decided, and of the whole programme, over the policy year. */
  serviceLimit?: LimitState;
  programmeLimit?: LimitState;
  /** A limit this service (quantity and amount) would exceed: the row's or the programme's. */
  exceeds?: 'service' | 'programme';
  policyYear: { from: string; to: string };
}

function state(limit: ProgrammeLimit | undefined, visits: number, amount: number): LimitState | undefined {
  if (!limit) return undefined;
  const use = (l: number, used: number): LimitUse => ({ limit: l, used, left: Math.max(0, l - used) });
  return {
    ...(limit.visits !== undefined ? { visits: use(limit.visits, visits) } : {}),
    ...(limit.amount !== undefined ? { amount: use(limit.amount, amount) } : {}),
  };
}

const over = (s: LimitState | undefined, quantity: number, amount: number) =>
  !!s && ((s.visits && quantity > s.visits.left) || (s.amount && amount > s.amount.left));

/**
 * The verdict on one service for a person covered from `coverageFrom`, given what they used under this programme
 * (records outside the policy year of `date` are not counted). `quantity` and `amount` are what is asked for now:
 * 1 and 0 for a coverage question, the invoice line's for a check.
 */
export function verdict(
  p: HeldProgramme,
  serviceCode: string,
  date: string,
  coverageFrom: string,
  used: readonly UsageRecord[],
  quantity = 1,
  amount = 0,
): ServiceVerdict {
  const year = policyYear(coverageFrom, date);
  const found = p.scope.resolve(serviceCode);
  if (found.decision === 'outside' || found.decision === 'excluded' || !found.row)
    return { decision: found.decision, rowId: found.row?.rowId, policyYear: year };
  let rowVisits = 0;
  let rowAmount = 0;
  let allVisits = 0;
  let allAmount = 0;
  for (const r of used) {
    if (r.date < year.from || r.date > year.to) continue;
    const at = p.scope.resolve(r.serviceCode);
    if (at.decision === 'outside' || at.decision === 'excluded') continue;
    allVisits += r.quantity;
    allAmount += r.amount;
    if (at.index === found.index) {
      rowVisits += r.quantity;
      rowAmount += r.amount;
    }
  }
  const serviceLimit = state(found.row.limit, rowVisits, rowAmount);
  const programmeLimit = state(p.body.limits, allVisits, allAmount);
  const exceeds = over(serviceLimit, quantity, amount)
    ? 'service'
    : over(programmeLimit, quantity, amount)
      ? 'programme'
      : undefined;
  return {
    decision: found.decision,
    rowId: found.row.rowId,
    ...(serviceLimit ? { serviceLimit } : {}),
    ...(programmeLimit ? { programmeLimit } : {}),
    ...(exceeds ? { exceeds } : {}),
    policyYear: year,
  };
}

/**
 * The version in force on a date among the versions of one programme: the highest version whose validity holds
 * the date.
 */
export function programmeAt(versions: readonly HeldProgramme[], date: string): HeldProgramme | undefined {
  let best: HeldProgramme | undefined;
  for (const v of versions)
    if (
      v.body.validity.from <= date &&
      date <= v.body.validity.to &&
      (!best || v.body.version > best.body.version)
    )
      best = v;
  return best;
}

export const hold = (documentId: string, insurer: string, body: MedicalProgrammeBody): HeldProgramme => ({
  documentId,
  insurer,
  body,
  scope: new ProgrammeScope(body),
});
