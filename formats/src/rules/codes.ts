/**
 * Every business-rule code of format v1 with what it means. formats/RULES.md is the readable table; a test
 * keeps the two in step. Codes are stable: a rule that changes meaning gets a new code.
 */
export const RULE_CODES = {
  INN_FORMAT: 'ИНН is not 10 or 12 digits (spaces and hyphens are ignored)',
  INN_CHECKSUM: 'ИНН check digit(s) do not match (weights of ФНС, mod 11 mod 10)',
  OGRN_FORMAT: 'ОГРН is not 13 digits starting with 1 or 5, nor an ОГРНИП of 15 digits starting with 3',
  OGRN_CHECKSUM:
    'ОГРН check digit ≠ prefix mod 11 mod 10, or ОГРНИП check digit ≠ last digit of prefix mod 13',
  KPP_FORMAT: 'КПП is not NNNNPPXXX (4 digits, 2 digits or capital Latin letters, 3 digits)',
  SNILS_FORMAT: 'СНИЛС is not 11 digits',
  SNILS_CHECKSUM:
    'СНИЛС control number does not match (Σ dᵢ·(10−i) mod 101, 100 → 00; numbers ≤ 001-001-998 unchecked)',
  ENP_FORMAT: 'ЕНП ОМС is not 16 digits',
  ENP_CHECKSUM: 'ЕНП ОМС check digit does not match (Mod10 of ISO/HL7 27931)',
  ICD10_FORMAT: 'МКБ-10 code is not a letter, 2 digits and optionally "." and 1–2 characters',
  SERVICE_CODE_FORMAT: 'service code is not a Nomenclature (804н) code such as A01.01.001 or B01.047.001',
  PERIOD_ORDER: 'a period ends before it starts (from > to)',
  BIRTH_DATE_FUTURE: 'birth date is after the document was created',
  SERVICE_DATE_OUTSIDE_PERIOD: 'service date lies outside the invoice billing period',
  LINE_AMOUNT_MISMATCH: 'line amount ≠ quantity × unit price',
  TOTAL_MISMATCH: 'a total ≠ the sum of its lines',
  GL_LIMIT_EXCEEDED: 'sum of guarantee-letter line amounts exceeds its amount limit',
  ROW_ID_DUPLICATE: 'two rows or lines of one document share a rowId',
  SERVICE_DUPLICATE: 'a price list names the same service twice from the same date',
  SELF_REFERENCE: 'correctsId or replyToId names the document itself',
  ADDRESSEE_IS_SENDER: 'a document is addressed to its own sender',
  TEXT_TOO_LONG: 'a text field longer than 65,536 characters (checked before any schema or pattern)',
  NESTING_TOO_DEEP: 'arrays or objects nested deeper than 32 levels (checked before any schema)',
  ACT_AMOUNT_SPLIT: 'expertise-act line: claimed ≠ paid + withheld',
  ACT_DECISION_AMOUNT: 'expertise-act line: PAID with a withheld amount, or WITHHELD with nothing withheld',
  ACT_LINE_DUPLICATE: 'two expertise-act lines examine the same invoice line',
  ACT_INVOICE_MISMATCH: 'expertise act names another invoice than the one given to check it against',
  ACT_LINE_UNKNOWN: 'expertise-act line names an invoice line the invoice does not have',
  ACT_AMOUNT_EXCEEDS_INVOICE: 'expertise-act line claims more than the invoice line amount',
  PAYMENT_ORDER_AFTER_NOTICE: 'payment notice: the payment order is dated after the notice',
  PAYMENT_EMPTY: 'payment notice: nothing paid and nothing withheld',
  PAYMENT_INVOICE_MISMATCH: 'payment notice names another invoice than the one given to check it against',
  PAYMENT_EXCEEDS_INVOICE:
    'payment notice: paid before + this payment + withheld is more than the invoice total',
  RECON_INVOICE_DUPLICATE: 'reconciliation statement lists one invoice twice',
  RECON_INVOICE_OUTSIDE_PERIOD: 'reconciliation line: the invoice date lies outside the statement period',
  RECON_AMOUNTS_EXCEED_BILLED: 'reconciliation line: accepted + withheld is more than billed',
  RECON_OUTSTANDING: 'reconciliation line: outstanding ≠ billed − withheld − paid',
  PROGRAMME_SCOPE_FORMAT:
    'medical-programme row: a prefix is not a dot-ended part of a Nomenclature code, or a section not A, B or A/B + 2 digits',
  PROGRAMME_SCOPE_DUPLICATE:
    'medical-programme: two rows match the same code, prefix or section the same way',
  PROGRAMME_LIMIT_ON_EXCLUDED: 'medical-programme: an excluded row carries a limit',
  PROGRAMME_LIMIT_ABOVE_PROGRAMME:
    "medical-programme: a row's limit exceeds the programme's limit in the same unit",
  PROGRAMME_NOTHING_COVERED: 'medical-programme: every row excludes, so nothing is covered',
  CARE_WHAT_MISSING: 'an active care request names neither a specialty nor services',
  CARE_LETTER_BOTH: 'a care request carries a guarantee letter and also says one follows',
  CARE_DEADLINE_ORDER: 'a care request is due (respondBy) no later than it was created',
  APPOINTMENT_TIME_ORDER: 'an appointment ends no later than it starts',
  DOCREQ_DEADLINE_ORDER: 'documentation request: the answer is due before the request date',
  DOCREQ_LINE_TWICE: 'documentation request: two lines name the same invoice line',
  DOCREQ_OTHER_UNSAID: 'documentation request line wants «other» without a comment saying what',
  DOCREQ_INVOICE_MISMATCH:
    'documentation request names another invoice than the one given to check it against',
  DOCREQ_LINE_UNKNOWN: 'documentation request line names an invoice line the invoice does not have',
  DOCREQ_LINE_MISMATCH: "documentation request line: service or date differ from the invoice line's",
  DOCS_NOTHING: 'medical documentation carries no file, no record and no missing line',
  DOCS_TOO_LARGE: 'medical documentation: the files add up to more than 100 MiB',
  DOCS_ATTACHMENT_TWICE: 'medical documentation: an attachmentId or a file (sha256) is given twice',
  DOCS_EXTENSION_MISMATCH: "medical documentation: a file's name ends otherwise than its media type",
  DOCS_PAGES_MISSING: 'medical documentation: a PDF without its page count',
  DOCS_PAGES_ONLY_PDF: 'medical documentation: a page count on a file that is not a PDF',
  DOCS_REQUEST_MISMATCH:
    'medical documentation names another request number or invoice than the request it answers',
  DOCS_LINE_UNKNOWN: 'medical documentation names a request line the request does not have',
  ATTACHMENT_SIZE_MISMATCH: 'a file is not of the size its document declares (or is over the limit)',
  ATTACHMENT_TYPE_MISMATCH: "a file's content (magic bytes) is not of its declared media type",
  ATTACHMENT_HASH_MISMATCH: 'a file is not the one whose SHA-256 its document names',
  ATTACHMENT_MALFORMED: 'a file is cut short or malformed (PDF, JPEG, PNG structure; text not UTF-8)',
  ATTACHMENT_PAGES_MISMATCH: 'a PDF has another page count than declared',
  ATTACHMENT_ACTIVE_CONTENT: 'a PDF carries active content (JavaScript, launch, embedded file, XFA, submit)',
  PA_TOTAL_MISMATCH: 'a prior-authorisation request total is not the sum of its lines',
  PA_DEADLINE_ORDER: 'a prior-authorisation request is due (respondBy) no later than it was created',
  PA_INFO_DUE_ORDER:
    'a pended prior-authorisation response wants the information no later than it was created',
} as const;

export type RuleCode = keyof typeof RULE_CODES;
