// What an insurer's delegation to an assistance company is (decision record 0055), shared by the chaincode that keeps
// delegations and the gateways that route and check documents by them. Pure: no ledger, no clock of its own.

/** What an insurer asks the ledger to record. */
export interface DelegationTerms {
  id: string;
  /** The assistance company (ОГРН) that acts for the insurer. */
  agent: string;
  /** Document types the agent sends on the insurer's behalf (care requests, guarantee letters, expertise acts). */
  sends: string[];
  /** Document types the agent receives for the insurer (invoices). */
  receives: string[];
  /** Absent or empty: every programme of the insurer. */
  programmes?: string[];
  /** Absent or empty: every policy. */
  policies?: string[];
  /** First day in force, YYYY-MM-DD (Moscow time). */
  validFrom: string;
  /** Last day in force, inclusive; absent: until revoked. */
  validUntil?: string;
}

/** A delegation as the ledger keeps it. */
export interface Delegation extends DelegationTerms {
  /** The insurer (ОГРН) that delegated. */
  principal: string;
  status: 'ACTIVE' | 'REVOKED';
  recordedAt: string;
  txId: string;
  revokedAt?: string;
  revokedTxId?: string;
  revokeReason?: string;
}

export type DelegationDirection = 'sends' | 'receives';

/** The calendar date of a moment in Moscow time (UTC+3, no daylight saving): the date the agreements mean. */
export function moscowDate(at: string): string {
  return new Date(Date.parse(at) + 3 * 3_600_000).toISOString().slice(0, 10);
}

/** Is `d` in force at the moment `at` (dates inclusive, in Moscow time; a revocation ends it from its moment)? */
export function inForce(d: Delegation, at: string): boolean {
  const day = moscowDate(at);
  if (d.validFrom > day || (d.validUntil !== undefined && d.validUntil < day)) return false;
  return d.revokedAt === undefined || d.revokedAt > at;
}

/** The first delegation of `principal` to `agent` in force at `at` that covers `documentType` in `direction`. */
export function coveringDelegation(
  delegations: readonly Delegation[],
  q: { principal: string; agent: string; documentType: string; direction: DelegationDirection; at: string },
): Delegation | undefined {
  return delegations.find(
    (d) =>
      d.principal === q.principal &&
      d.agent === q.agent &&
      inForce(d, q.at) &&
      d[q.direction].includes(q.documentType),
  );
}

/**
 * Whether a document's programme code and policy number (where it names them) lie in the delegation's scope: the
 * pointer of the first that does not, or undefined. A delegation without a scope list covers every value.
 */
export function scopeFault(
  d: Pick<Delegation, 'programmes' | 'policies'>,
  body: unknown,
): { pointer: string; message: string } | undefined {
  const b = (body ?? {}) as { programme?: { code?: unknown }; patient?: { policyNumber?: unknown } };
  const programme = b.programme?.code;
  if (d.programmes?.length && typeof programme === 'string' && !d.programmes.includes(programme))
    return { pointer: '/body/programme/code', message: `programme ${programme} is outside the delegation` };
  const policy = b.patient?.policyNumber;
  if (d.policies?.length && typeof policy === 'string' && !d.policies.includes(policy))
    return { pointer: '/body/patient/policyNumber', message: `policy ${policy} is outside the delegation` };
  return undefined;
}
