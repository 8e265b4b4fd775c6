import type { DocumentType } from './types.js';

/** The roles a participant of the directory may have (the directory contract holds the same list). */
export type PartyRole = 'insurer' | 'clinic' | 'assistance' | 'association';

/** Who may send a document type to whom: pairs of the sender's role and the addressee's role. */
export type Route = readonly [from: PartyRole, to: PartyRole];

const PAYERS: readonly PartyRole[] = ['insurer', 'assistance'];
const pairs = (from: readonly PartyRole[], to: readonly PartyRole[]): Route[] =>
  from.flatMap((f) => to.map((t) => [f, t] as const));

/**
 * Who sends what to whom when a format version names no routes of its own (a version may, voted with it). Lists,
 * programmes, letters and acts go from the payer (an insurer, or an assistance company acting for one) to a clinic; invoices and
 * price lists come back; payment notices go to the clinic, and reconciliation statements either way. A reply goes back along the route of the document it answers, which the ledger checks
 * against that document rather than here.
 */
export const DEFAULT_ROUTES: Readonly<Record<DocumentType, readonly Route[]>> = Object.freeze({
  'insured-list': pairs(PAYERS, ['clinic']),
  'guarantee-letter': pairs(PAYERS, ['clinic']),
  'expertise-act': pairs(PAYERS, ['clinic']),
  'medical-programme': pairs(PAYERS, ['clinic']),
  invoice: pairs(['clinic'], PAYERS),
  'price-list': pairs(['clinic'], PAYERS),
  'payment-notice': pairs(PAYERS, ['clinic']),
  // Either side may open a reconciliation; the other answers with its own figures.
  'reconciliation-statement': [...pairs(PAYERS, ['clinic']), ...pairs(['clinic'], PAYERS)],
  // A care request goes to a clinic; the clinic's appointments answer it (header.replyToId, checked by the ledger).
  'care-request': pairs(PAYERS, ['clinic']),
  appointment: pairs(['clinic'], PAYERS),
  // The payer's expert asks for medical documentation; the clinic answers it (header.replyToId, decision 0056).
  'documentation-request': pairs(PAYERS, ['clinic']),
  'medical-documentation': pairs(['clinic'], PAYERS),
  // A clinic asks its payer for a guarantee letter; a letter or a prior-auth response answers it (header.replyToId).
  'prior-auth-request': pairs(['clinic'], PAYERS),
  'prior-auth-response': pairs(PAYERS, ['clinic']),
  reply: pairs(
    ['insurer', 'clinic', 'assistance', 'association'],
    ['insurer', 'clinic', 'assistance', 'association'],
  ),
});

/** The routes of a document type (a type outside format v1 has none until a version names them). */
export function defaultRoutes(type: string): readonly Route[] {
  return (DEFAULT_ROUTES as Record<string, readonly Route[]>)[type] ?? [];
}

/** Pure: may a participant of role `from` send this document type to one of role `to`? */
export function routeAllowed(
  routes: ReadonlyArray<readonly [string, string]>,
  from: string,
  to: string,
): boolean {
  return routes.some(([f, t]) => f === from && t === to);
}

const ROLE_NAMES = new Set<string>(['insurer', 'clinic', 'assistance', 'association']);

/** Checks a routes list given with a format proposal; answers the pointer-and-rule of the first fault. */
export function routesFault(value: unknown): { pointer: string; rule: string } | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64)
    return { pointer: '/routes', rule: 'must be a list of 1 to 64 [fromRole, toRole] pairs' };
  for (const [i, r] of value.entries()) {
    if (!Array.isArray(r) || r.length !== 2)
      return { pointer: `/routes/${i}`, rule: 'must be a [fromRole, toRole] pair' };
    for (const [j, role] of r.entries()) {
      if (typeof role !== 'string' || !ROLE_NAMES.has(role))
        return { pointer: `/routes/${i}/${j}`, rule: 'must be insurer, clinic, assistance or association' };
    }
  }
  return undefined;
}
