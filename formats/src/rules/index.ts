import type { FieldError } from '../errors.js';
import { checkAppointment, checkCareRequest } from './care.js';
import { checkDocumentationRequest, checkMedicalDocumentation } from './documentation.js';
import { checkPriorAuthRequest, checkPriorAuthResponse } from './prior-auth.js';
import { checkExpertiseAct } from './expertise-act.js';
import { checkGuaranteeLetter } from './guarantee-letter.js';
import { checkHeader } from './header.js';
import { checkInsuredList } from './insured-list.js';
import { checkInvoice } from './invoice.js';
import { checkPaymentNotice } from './payment-notice.js';
import { checkMedicalProgramme } from './medical-programme.js';
import { checkPriceList } from './price-list.js';
import { checkReconciliationStatement } from './reconciliation-statement.js';
import { isObj } from './shared.js';

export { RULE_CODES, type RuleCode } from './codes.js';

/** Documents some rules check against. */
export interface RelatedDocuments {
  /** The invoice an expertise act examines: each act line must name one of its lines and claim no more. */
  invoice?: unknown;
  /** For a payment notice: kopecks paid for its invoice by the notices before it (partial payments add up). */
  paidBefore?: number;
  /** For medical documentation: the documentation request it answers (its lines are what files may document). */
  documentationRequest?: unknown;
}

/**
 * The business rules of format v1 beyond the schema, appended to `errors`. They read whatever is there and
 * stay silent where the schema already reports (missing or mistyped fields), so both lists can be merged.
 */
export function checkBusinessRules(errors: FieldError[], doc: unknown, related: RelatedDocuments = {}): void {
  if (!isObj(doc)) return;
  const header = doc.header;
  const createdOn = checkHeader(errors, header);
  const body = doc.body;
  if (!isObj(body) || !isObj(header)) return;
  switch (header.type) {
    case 'insured-list':
      return checkInsuredList(errors, body, createdOn);
    case 'guarantee-letter':
      return checkGuaranteeLetter(errors, body, createdOn);
    case 'invoice':
      return checkInvoice(errors, body, createdOn);
    case 'price-list':
      return checkPriceList(errors, body);
    case 'expertise-act':
      return checkExpertiseAct(errors, body, related.invoice);
    case 'payment-notice':
      return checkPaymentNotice(errors, body, related);
    case 'reconciliation-statement':
      return checkReconciliationStatement(errors, body);
    case 'medical-programme':
      return checkMedicalProgramme(errors, body);
    case 'care-request':
      return checkCareRequest(errors, body, header, createdOn);
    case 'appointment':
      return checkAppointment(errors, body);
    case 'documentation-request':
      return checkDocumentationRequest(errors, body, createdOn, related.invoice);
    case 'medical-documentation':
      return checkMedicalDocumentation(errors, body, related.documentationRequest);
    case 'prior-auth-request':
      return checkPriorAuthRequest(errors, body, header, createdOn);
    case 'prior-auth-response':
      return checkPriorAuthResponse(errors, body, header);
    default:
      // reply: its only rules (decision, errors on REJECTED) are in the schema.
      return;
  }
}
