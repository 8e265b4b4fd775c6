import type { DocumentType } from './types.js';

/**
 * How long after its final status (ACCEPTED or REJECTED) a message's ciphertext is kept before anyone may purge it
 * (152-ФЗ: personal data is destroyed once its purpose is met). A format version may set its own period, voted with
 * it; these apply otherwise. Accounting documents keep the five years of 402-ФЗ; an insured list and a reply have
 * served their purpose once the roster and the sender have them.
 */
export const DEFAULT_RETENTION_DAYS: Readonly<Record<DocumentType, number>> = Object.freeze({
  'insured-list': 365,
  'guarantee-letter': 1825,
  invoice: 1825,
  'price-list': 1825,
  'expertise-act': 1825,
  reply: 365,
  'payment-notice': 1825,
  'reconciliation-statement': 1825,
  // The terms of coverage an invoice of the policy year was checked against: kept as long as the invoices.
  'medical-programme': 1825,
  // A care case is settled by the invoice that follows it; a year covers the invoice and its expertise.
  'care-request': 365,
  appointment: 365,
  // Medical secrecy: the documentation behind an act is kept only as long as the act can be disputed (the general
  // limitation period, ГК РФ art. 196: three years), then purged leaving its hash and trail (decision 0056).
  'documentation-request': 1095,
  'medical-documentation': 1095,
  // A prior-authorisation case is settled by the letter and the invoice under it: kept as long as the letters.
  'prior-auth-request': 1825,
  'prior-auth-response': 1825,
});

/** Days of retention for a document type (a type outside format v1 gets the longest default). */
export function defaultRetentionDays(type: string): number {
  return (DEFAULT_RETENTION_DAYS as Record<string, number>)[type] ?? 1825;
}
