import type { FieldError } from './errors.js';

/** The document types of format v1. */
export type DocumentType =
  | 'insured-list'
  | 'guarantee-letter'
  | 'invoice'
  | 'price-list'
  | 'expertise-act'
  | 'reply'
  | 'payment-notice'
  | 'reconciliation-statement'
  | 'medical-programme'
  | 'care-request'
  | 'appointment'
  | 'documentation-request'
  | 'medical-documentation'
  | 'prior-auth-request'
  | 'prior-auth-response';

export const DOCUMENT_TYPES: readonly DocumentType[] = Object.freeze([
  'insured-list',
  'guarantee-letter',
  'invoice',
  'price-list',
  'expertise-act',
  'reply',
  'payment-notice',
  'reconciliation-statement',
  'medical-programme',
  'care-request',
  'appointment',
  'documentation-request',
  'medical-documentation',
  'prior-auth-request',
  'prior-auth-response',
]);

export function isDocumentType(value: unknown): value is DocumentType {
  return typeof value === 'string' && (DOCUMENT_TYPES as readonly string[]).includes(value);
}

/** A participant, identified by its ОГРН (13) or ОГРНИП (15): the participant id of the dmsnet directory. */
export interface PartyRef {
  ogrn: string;
  inn?: string;
  kpp?: string;
  name?: string;
}

export interface DocumentHeader {
  documentId: string;
  type: DocumentType;
  formatVersion: string;
  sender: PartyRef;
  addressee: PartyRef;
  /** RFC 3339 date-time. */
  createdAt: string;
  correctsId?: string;
  replyToId?: string;
  /** ОГРН of the insurer an assistance company acts for (as sender or addressee), by a delegation in force. */
  onBehalfOf?: string;
}

/** ISO date YYYY-MM-DD. */
export type IsoDate = string;

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

export interface OpenPeriod {
  from: IsoDate;
  to?: IsoDate;
}

/** Money is an integer number of kopecks; the currency is the body's `currency`. */
export type Kopecks = number;

export interface Person {
  lastName: string;
  firstName: string;
  middleName?: string;
  birthDate: IsoDate;
  sex: 'M' | 'F';
  snils?: string;
  /** ОМС single policy number, when known. */
  enp?: string;
  /** ДМС policy number: opaque, scoped by the insurer. */
  policyNumber: string;
}

export interface Programme {
  code: string;
  name: string;
}

export interface ContractRef {
  number: string;
  date: IsoDate;
}

export type InsuredListAction = 'attach' | 'detach' | 'change';

/** A person named on a detachment row: as Person, but insurers' detachment files often omit sex. */
export type PersonRef = Omit<Person, 'sex'> & { sex?: Person['sex'] };

interface InsuredListRowBase {
  rowId: string;
  programme: Programme;
  policyholder?: { name: string; inn?: string };
  cardNumber?: string;
  phone?: string;
  territory?: string;
  comment?: string;
}

/** attach: coverage at the clinic from period.from to period.to; change: new data from period.from. */
export interface InsuredListAttachOrChangeRow extends InsuredListRowBase {
  action: 'attach' | 'change';
  person: Person;
  period: Period;
}

/** detach: coverage ends on period.to (the detachment date, last covered day). */
export interface InsuredListDetachRow extends InsuredListRowBase {
  action: 'detach';
  person: PersonRef;
  period: { from?: IsoDate; to: IsoDate };
}

export type InsuredListRow = InsuredListAttachOrChangeRow | InsuredListDetachRow;

export type InsuredListBody = {
  listNumber: string;
  listDate: IsoDate;
  contract: ContractRef;
  rows: InsuredListRow[];
};

export interface PriceListRef {
  documentId: string;
  rowId?: string;
}

export interface GuaranteeLetterLine {
  rowId: string;
  serviceCode: string;
  clinicServiceCode?: string;
  name?: string;
  quantity: number;
  unitPrice: Kopecks;
  amount: Kopecks;
  priceListRef?: PriceListRef;
}

export type GuaranteeLetterBody = {
  letterNumber: string;
  issueDate: IsoDate;
  status: 'issued' | 'amended' | 'revoked';
  patient: Person;
  programme?: Programme;
  validity: Period;
  diagnosis?: string;
  reason?: string;
  currency: 'RUB';
  amountLimit: Kopecks;
  franchisePercent?: number;
  lines: GuaranteeLetterLine[];
};

export interface InvoiceLine {
  rowId: string;
  patient: Person;
  serviceCode: string;
  clinicServiceCode?: string;
  serviceName?: string;
  serviceDate: IsoDate;
  serviceEndDate?: IsoDate;
  quantity: number;
  unitPrice: Kopecks;
  amount: Kopecks;
  guaranteeLetter?: { letterNumber: string; documentId?: string };
  diagnosis?: string;
  doctor?: { snils?: string; specialty?: string };
  priceListRef?: PriceListRef;
}

export type InvoiceBody = {
  invoiceNumber: string;
  invoiceDate: IsoDate;
  billingPeriod: Period;
  contract: ContractRef;
  currency: 'RUB';
  total: Kopecks;
  lines: InvoiceLine[];
  comment?: string;
};

export interface PriceListLine {
  rowId: string;
  section?: string;
  serviceCode: string;
  clinicServiceCode?: string;
  name: string;
  unit?: string;
  price: Kopecks;
  validity?: OpenPeriod;
}

export type PriceListBody = {
  priceListNumber: string;
  version: number;
  validity: OpenPeriod;
  currency: 'RUB';
  vatExempt?: boolean;
  lines: PriceListLine[];
};

export interface ExpertiseActLine {
  rowId: string;
  invoiceLineId: string;
  decision: 'PAID' | 'WITHHELD';
  claimedAmount: Kopecks;
  paidAmount: Kopecks;
  withheldAmount: Kopecks;
  defectCode?: string;
  reason?: string;
}

export type ExpertiseActBody = {
  actNumber: string;
  actDate: IsoDate;
  invoiceId: string;
  invoiceNumber?: string;
  expertiseType: 'technical' | 'medico-economic' | 'quality';
  expert?: { name: string; snils?: string };
  currency: 'RUB';
  totals: { claimed: Kopecks; paid: Kopecks; withheld: Kopecks };
  /** documentIds of the medical-documentation answers the expert relied on. */
  documentation?: string[];
  lines: ExpertiseActLine[];
};

export type ReplyDecision = 'ACCEPTED' | 'REJECTED' | 'DISPUTED' | 'CONTESTED';

export type ReplyBody = {
  decision: ReplyDecision;
  errors?: FieldError[];
  comment?: string;
};

/** How much of a programme or of its services one insured person may use per policy year. */
export interface ProgrammeLimit {
  visits?: number;
  amount?: Kopecks;
}

/** One row of a programme's scope: a code, a code prefix or a Nomenclature section, and how it is covered. */
export interface ProgrammeService {
  rowId: string;
  match: 'code' | 'prefix' | 'section';
  code: string;
  name?: string;
  section?: string;
  cover: 'included' | 'letter' | 'excluded';
  limit?: ProgrammeLimit;
}

export type MedicalProgrammeBody = {
  programme: Programme;
  version: number;
  validity: Period;
  territory?: string;
  contract?: ContractRef;
  currency: 'RUB';
  /** The patient's share: a percent of the price, or a fixed amount per service. */
  franchise?: { percent: number } | { amount: Kopecks };
  limits?: ProgrammeLimit;
  services: ProgrammeService[];
};

/**
 * Payer → clinic: one payment against one invoice (платёжное поручение). Several notices for one invoice add up;
 * paid + withheld never exceeds what was billed.
 */
export type PaymentNoticeBody = {
  noticeNumber: string;
  noticeDate: IsoDate;
  /** documentId of the invoice as the clinic numbered it. */
  invoiceId: string;
  invoiceNumber?: string;
  /** documentId of the expertise act the withheld amount comes from. */
  actId?: string;
  currency: 'RUB';
  paidAmount: Kopecks;
  /** What the act withheld from the invoice (the whole act's withheld total, not a part of it). */
  withheldAmount: Kopecks;
  paymentOrder: { number: string; date: IsoDate };
  purpose?: string;
};

/** One invoice's figures in a reconciliation statement. */
export interface ReconciliationLine {
  rowId: string;
  invoiceId: string;
  invoiceNumber?: string;
  invoiceDate: IsoDate;
  billed: Kopecks;
  accepted: Kopecks;
  withheld: Kopecks;
  paid: Kopecks;
  outstanding: Kopecks;
}

export interface ReconciliationTotals {
  billed: Kopecks;
  accepted: Kopecks;
  withheld: Kopecks;
  paid: Kopecks;
  outstanding: Kopecks;
}

/** Either side → the other (акт сверки): the sender's own figures per invoice of the period. */
export type ReconciliationStatementBody = {
  statementNumber: string;
  statementDate: IsoDate;
  period: Period;
  contract?: ContractRef;
  currency: 'RUB';
  totals: ReconciliationTotals;
  lines: ReconciliationLine[];
  comment?: string;
};

/** FHIR ServiceRequest.status: a care request asks for care (active) or its sender cancels the case (revoked). */
export type CareRequestStatus = 'active' | 'revoked';

/** The form of care (323-ФЗ art. 32): экстренная, неотложная, плановая. */
export type CareUrgency = 'emergency' | 'urgent' | 'planned';

export type CareRequestBody = {
  requestNumber: string;
  requestDate: IsoDate;
  status: CareRequestStatus;
  urgency: CareUrgency;
  /** RFC 3339: the clinic answers before this moment. */
  respondBy: string;
  insurer?: PartyRef;
  patient: Person;
  programme?: Programme;
  contactPhone?: string;
  complaint: string;
  diagnosis?: string;
  specialty?: string;
  services?: Array<{ serviceCode: string; name?: string; quantity?: number }>;
  wishedPeriod?: Period;
  wishedTime?: string;
  guaranteeLetter?: { letterNumber: string; documentId?: string };
  letterToFollow?: boolean;
  comment?: string;
  cancellationReason?: string;
};

/** FHIR Appointment.status, with AppointmentResponse's `declined` for a clinic refusing the request. */
export type AppointmentStatus = 'booked' | 'declined' | 'cancelled' | 'fulfilled' | 'noshow';

export type AppointmentBody = {
  requestNumber: string;
  status: AppointmentStatus;
  start?: string;
  end?: string;
  doctor?: { name: string; specialty?: string; snils?: string };
  address?: string;
  instructions?: string;
  reason?: string;
  comment?: string;
};

/** What an expert asks the clinic for (decision record 0056). */
export type DocumentationKind =
  'discharge-summary' | 'protocol' | 'lab-results' | 'imaging' | 'record-copy' | 'other';

export interface DocumentationRequestLine {
  rowId: string;
  invoiceLineId: string;
  patient: Person;
  serviceCode: string;
  serviceDate: IsoDate;
  wanted: DocumentationKind[];
  comment?: string;
}

/** The payer's expert → clinic: the documentation behind chosen invoice lines, by a date. */
export type DocumentationRequestBody = {
  requestNumber: string;
  requestDate: IsoDate;
  respondBy: IsoDate;
  invoiceId: string;
  invoiceNumber?: string;
  actId?: string;
  expertiseType?: 'technical' | 'medico-economic' | 'quality';
  expert?: { name: string; snils?: string };
  lines: DocumentationRequestLine[];
  comment?: string;
};

export type AttachmentMediaType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'text/plain';

/** A file of a medical-documentation answer: its bytes travel sealed beside the document, named by sha256. */
export interface DocumentationAttachment {
  attachmentId: string;
  fileName: string;
  mediaType: AttachmentMediaType;
  size: number;
  pages?: number;
  sha256: string;
  kind: DocumentationKind;
  title?: string;
  forLines: string[];
}

export interface DocumentationRecord {
  recordId: string;
  kind: DocumentationKind;
  title: string;
  date?: IsoDate;
  text: string;
  forLines: string[];
}

/** Clinic → the requester (header.replyToId names the request): files, structured text, and what is missing. */
export type MedicalDocumentationBody = {
  requestNumber: string;
  answerDate: IsoDate;
  invoiceId: string;
  attachments?: DocumentationAttachment[];
  records?: DocumentationRecord[];
  missing?: Array<{ requestLineId: string; reason: string }>;
};

/** A clinic's request for a guarantee letter (X12 278 request for review, Da Vinci PAS Claim use=preauthorization). */
export type PriorAuthRequestBody = {
  requestNumber: string;
  requestDate: IsoDate;
  /** active asks for a letter; revoked withdraws the request. */
  status: 'active' | 'revoked';
  urgency: CareUrgency;
  /** RFC 3339: the payer answers before this moment. */
  respondBy: string;
  insurer?: PartyRef;
  patient: Person;
  programme?: Programme;
  diagnosis: string;
  justification: string;
  plannedPeriod?: Period;
  currency: 'RUB';
  totalAmount: number;
  lines: Array<{
    rowId: string;
    serviceCode: string;
    clinicServiceCode?: string;
    name?: string;
    quantity: number;
    unitPrice: number;
    amount: number;
    priceListRef?: { documentId: string; rowId?: string };
  }>;
  attachmentsToFollow?: string;
  additionalInformation?: string;
  comment?: string;
  cancellationReason?: string;
};

/** X12 278 HCR01 / Da Vinci PAS reviewAction of an answer that is not a letter: A3 not certified, A4 pended. */
export type PriorAuthReviewAction = 'not-certified' | 'pended';

export type PriorAuthResponseBody = {
  requestNumber: string;
  reviewAction: PriorAuthReviewAction;
  reason?: string;
  informationWanted?: string;
  /** RFC 3339: the clinic sends the information before this moment. */
  informationDueBy?: string;
  comment?: string;
};

/** The body interface of each document type. */
export interface BodyByType {
  'insured-list': InsuredListBody;
  'guarantee-letter': GuaranteeLetterBody;
  invoice: InvoiceBody;
  'price-list': PriceListBody;
  'expertise-act': ExpertiseActBody;
  reply: ReplyBody;
  'payment-notice': PaymentNoticeBody;
  'reconciliation-statement': ReconciliationStatementBody;
  'medical-programme': MedicalProgrammeBody;
  'care-request': CareRequestBody;
  appointment: AppointmentBody;
  'documentation-request': DocumentationRequestBody;
  'medical-documentation': MedicalDocumentationBody;
  'prior-auth-request': PriorAuthRequestBody;
  'prior-auth-response': PriorAuthResponseBody;
}

/**
 * Every dmsnet document: a header and a body whose shape depends on header.type. Bodies are type aliases (not
 * interfaces) so that a typed body is assignable to `Record<string, unknown>`.
 */
export interface DmsDocument {
  header: DocumentHeader;
  body: Record<string, unknown>;
}

/** A document whose type is known, with its typed body. */
export interface TypedDocument<T extends DocumentType> {
  header: DocumentHeader & { type: T };
  body: BodyByType[T];
}
