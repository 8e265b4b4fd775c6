// Documentation requests and the clinic's medical documentation (decision record 0056): what the schema cannot say
// about one document, and, given the related document, whether the two agree.
import { DmsnetError, type FieldError } from '../errors.js';
import {
  checkPersonAt,
  checkRowId,
  checkServiceCodeAt,
  checkSnilsAt,
  isDateShape,
  isObj,
  report,
  type Obj,
} from './shared.js';

/** One answer carries at most this many bytes of files: 100 MiB, what the gateway streams and seals. */
export const DOCUMENTATION_MAX_BYTES = 100 * 1024 * 1024;

/** The file name endings each declared media type may have (a «scan.pdf» declared as image/png is a lie). */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe'],
  'image/png': ['png'],
  'text/plain': ['txt', 'text'],
};

function documentFacts(doc: unknown, what: string): { header: Obj; body: Obj } {
  const body = isObj(doc) ? doc.body : undefined;
  const header = isObj(doc) ? doc.header : undefined;
  if (!isObj(body) || !isObj(header))
    throw new DmsnetError('RELATED_DOCUMENT_INVALID', `the related ${what} has no header or no body`);
  return { header, body };
}

const rows = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export function checkDocumentationRequest(
  errors: FieldError[],
  body: Obj,
  createdOn: string | undefined,
  invoice: unknown,
): void {
  if (isDateShape(body.respondBy) && isDateShape(body.requestDate) && body.respondBy < body.requestDate)
    report(
      errors,
      '/body/respondBy',
      'DOCREQ_DEADLINE_ORDER',
      `the answer is due on ${body.respondBy}, before the request's date (${body.requestDate})`,
    );
  if (isObj(body.expert)) checkSnilsAt(errors, body.expert.snils, '/body/expert', -1, '/snils');
  const seenRows = new Set<string>();
  const seenLines = new Set<string>();
  const lines = Array.isArray(body.lines) ? body.lines : [];
  lines.forEach((line: unknown, i) => {
    if (!isObj(line)) return;
    checkRowId(errors, seenRows, line.rowId, '/body/lines', i);
    checkPersonAt(errors, line.patient, '/body/lines', i, '/patient', createdOn);
    checkServiceCodeAt(errors, line.serviceCode, '/body/lines', i, '/serviceCode');
    if (typeof line.invoiceLineId === 'string') {
      if (seenLines.has(line.invoiceLineId))
        report(
          errors,
          `/body/lines/${i}/invoiceLineId`,
          'DOCREQ_LINE_TWICE',
          'an earlier line of the request asks about the same invoice line',
        );
      seenLines.add(line.invoiceLineId);
    }
    // «Other» alone tells the clinic nothing: the comment says what is wanted.
    if (Array.isArray(line.wanted) && line.wanted.includes('other') && line.comment === undefined)
      report(
        errors,
        `/body/lines/${i}/comment`,
        'DOCREQ_OTHER_UNSAID',
        'say what «other» documentation is wanted',
      );
  });
  if (invoice === undefined) return;
  const inv = documentFacts(invoice, 'invoice');
  if (typeof body.invoiceId === 'string' && body.invoiceId !== inv.header.documentId) {
    report(
      errors,
      '/body/invoiceId',
      'DOCREQ_INVOICE_MISMATCH',
      `the request names invoice "${body.invoiceId}" but was checked against "${String(inv.header.documentId)}"`,
    );
    return;
  }
  const byRow = new Map(rows(inv.body.lines).map((l) => [l.rowId, l]));
  lines.forEach((line: unknown, i) => {
    if (!isObj(line) || typeof line.invoiceLineId !== 'string') return;
    const billed = byRow.get(line.invoiceLineId);
    if (billed === undefined) {
      report(
        errors,
        `/body/lines/${i}/invoiceLineId`,
        'DOCREQ_LINE_UNKNOWN',
        'the invoice has no line with this rowId',
      );
      return;
    }
    // The request repeats the line's service and date so the clinic finds the case without the invoice; they must agree.
    if (line.serviceCode !== billed.serviceCode || line.serviceDate !== billed.serviceDate)
      report(
        errors,
        `/body/lines/${i}/serviceCode`,
        'DOCREQ_LINE_MISMATCH',
        'the service or its date differ from the invoice line named',
      );
  });
}

export function checkMedicalDocumentation(errors: FieldError[], body: Obj, request: unknown): void {
  const attachments = rows(body.attachments);
  const records = rows(body.records);
  const missing = rows(body.missing);
  if (attachments.length + records.length + missing.length === 0)
    report(
      errors,
      '/body/attachments',
      'DOCS_NOTHING',
      'an answer carries files, text records, or says which lines cannot be documented',
    );
  let total = 0;
  const ids = new Set<string>();
  const hashes = new Set<string>();
  (Array.isArray(body.attachments) ? body.attachments : []).forEach((a: unknown, i) => {
    if (!isObj(a)) return;
    const at = `/body/attachments/${i}`;
    if (typeof a.size === 'number') total += a.size;
    if (typeof a.attachmentId === 'string') {
      if (ids.has(a.attachmentId))
        report(
          errors,
          `${at}/attachmentId`,
          'DOCS_ATTACHMENT_TWICE',
          'an earlier file has the same attachmentId',
        );
      ids.add(a.attachmentId);
    }
    if (typeof a.sha256 === 'string') {
      if (hashes.has(a.sha256))
        report(errors, `${at}/sha256`, 'DOCS_ATTACHMENT_TWICE', 'the same file is attached twice');
      hashes.add(a.sha256);
    }
    const type = typeof a.mediaType === 'string' ? a.mediaType : undefined;
    const endings = type === undefined ? undefined : EXTENSIONS[type];
    if (endings !== undefined && typeof a.fileName === 'string') {
      const dot = a.fileName.lastIndexOf('.');
      const ext = dot < 0 ? '' : a.fileName.slice(dot + 1).toLowerCase();
      if (!endings.includes(ext))
        report(
          errors,
          `${at}/fileName`,
          'DOCS_EXTENSION_MISMATCH',
          `a ${type} file is named .${endings.join(' or .')}`,
        );
    }
    if (type === 'application/pdf' && a.pages === undefined)
      report(errors, `${at}/pages`, 'DOCS_PAGES_MISSING', 'a PDF states its page count');
    if (type !== undefined && type !== 'application/pdf' && a.pages !== undefined)
      report(errors, `${at}/pages`, 'DOCS_PAGES_ONLY_PDF', 'only a PDF states a page count');
  });
  if (total > DOCUMENTATION_MAX_BYTES)
    report(
      errors,
      '/body/attachments',
      'DOCS_TOO_LARGE',
      `the files add up to ${total} bytes, over ${DOCUMENTATION_MAX_BYTES}`,
    );
  if (request === undefined) return;
  const req = documentFacts(request, 'documentation request');
  if (body.requestNumber !== req.body.requestNumber || body.invoiceId !== req.body.invoiceId)
    report(
      errors,
      '/body/requestNumber',
      'DOCS_REQUEST_MISMATCH',
      'the answer names another request number or invoice than the request it answers',
    );
  const asked = new Set(rows(req.body.lines).map((l) => l.rowId));
  const checkLines = (list: unknown, base: string): void => {
    (Array.isArray(list) ? list : []).forEach((item: unknown, i) => {
      if (!isObj(item)) return;
      const refs = Array.isArray(item.forLines) ? item.forLines : [item.requestLineId];
      const suffix = Array.isArray(item.forLines) ? '/forLines/' : '/requestLineId';
      refs.forEach((ref: unknown, j) => {
        if (typeof ref === 'string' && !asked.has(ref))
          report(
            errors,
            `${base}/${i}${suffix}${Array.isArray(item.forLines) ? j : ''}`,
            'DOCS_LINE_UNKNOWN',
            'the request has no line with this rowId',
          );
      });
    });
  };
  checkLines(body.attachments, '/body/attachments');
  checkLines(body.records, '/body/records');
  checkLines(body.missing, '/body/missing');
}
