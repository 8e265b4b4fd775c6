export {
  Workflows,
  type ActDraft,
  type IssueLetterInput,
  type LetterState,
  type PriceListState,
} from './workflows.js';
export { workflowRouter } from './http.js';
export { paymentRouter } from './payment-http.js';
export {
  CareRequestFlow,
  DEFAULT_CARE_DEADLINES,
  isOverdue,
  type CareCase,
  type CareDeadlineTerms,
} from './care-request-flow.js';
export {
  PriorAuthFlow,
  DEFAULT_PRIOR_AUTH_DEADLINES,
  isPriorAuthOverdue,
  type PriorAuthCase,
  type PriorAuthState,
} from './prior-auth-flow.js';
export { Roster, ROSTER_CODES, type Contract, type RosterEntry } from './roster.js';
export { checkInvoice, billedKey, rubles, type CheckInputs } from './invoice-check.js';
export { defectDictionary, defect, type DefectCode } from './defects.js';
