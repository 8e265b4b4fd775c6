import { DmsnetError, type FieldError } from '../errors.js';
import { checkTotal } from './amounts.js';
import { itemPointer, checkRowId, checkSnilsAt, isMoney, isObj, report, type Obj } from './shared.js';

const LINES = '/body/lines';

/** Invoice line amounts by rowId, taken from the invoice the act examines. */
function invoiceAmounts(invoice: unknown): { id: unknown; amounts: Map<string, unknown> } {
  const body = isObj(invoice) ? invoice.body : undefined;
  const header = isObj(invoice) ? invoice.header : undefined;
  if (!isObj(body) || !Array.isArray(body.lines) || !isObj(header))
    throw new DmsnetError(
      'RELATED_DOCUMENT_INVALID',
      'the related invoice has no header or no body.lines array',
    );
  const amounts = new Map<string, unknown>();
  for (const line of body.lines as unknown[]) {
    if (isObj(line) && typeof line.rowId === 'string') amounts.set(line.rowId, line.amount);
  }
  return { id: header.documentId, amounts };
}

export function checkExpertiseAct(errors: FieldError[], body: Obj, invoice: unknown): void {
  if (isObj(body.expert) && body.expert.snils !== undefined)
    checkSnilsAt(errors, body.expert.snils, '/body/expert', -1, '/snils');
  const related = invoice === undefined ? undefined : invoiceAmounts(invoice);
  if (related && typeof body.invoiceId === 'string' && body.invoiceId !== related.id)
    report(
      errors,
      '/body/invoiceId',
      'ACT_INVOICE_MISMATCH',
      `the act examines "${body.invoiceId}" but was checked against invoice "${String(related.id)}"`,
    );
  const lines = body.lines;
  if (!Array.isArray(lines)) return;
  const seen = new Set<string>();
  const examined = new Set<string>();
  let claimed = 0;
  let paid = 0;
  let withheld = 0;
  let summable = true;
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isObj(line)) {
      summable = false;
      continue;
    }
    checkRowId(errors, seen, line.rowId, LINES, i);
    const invoiceLineId = line.invoiceLineId;
    if (typeof invoiceLineId === 'string') {
      if (examined.has(invoiceLineId))
        report(
          errors,
          itemPointer(LINES, i, '/invoiceLineId'),
          'ACT_LINE_DUPLICATE',
          `invoice line "${invoiceLineId}" is examined twice`,
        );
      else examined.add(invoiceLineId);
      if (related && !related.amounts.has(invoiceLineId))
        report(
          errors,
          itemPointer(LINES, i, '/invoiceLineId'),
          'ACT_LINE_UNKNOWN',
          `the invoice has no line "${invoiceLineId}"`,
        );
    }
    const c = line.claimedAmount;
    const p = line.paidAmount;
    const w = line.withheldAmount;
    if (!isMoney(c) || !isMoney(p) || !isMoney(w)) {
      summable = false;
      continue;
    }
    claimed += c;
    paid += p;
    withheld += w;
    if (c !== p + w)
      report(
        errors,
        itemPointer(LINES, i, '/withheldAmount'),
        'ACT_AMOUNT_SPLIT',
        `claimed ${c} ≠ paid ${p} + withheld ${w} kopecks`,
      );
    if (line.decision === 'PAID' && w !== 0)
      report(
        errors,
        itemPointer(LINES, i, '/withheldAmount'),
        'ACT_DECISION_AMOUNT',
        'a PAID line withholds nothing',
      );
    else if (line.decision === 'WITHHELD' && w === 0)
      report(
        errors,
        itemPointer(LINES, i, '/withheldAmount'),
        'ACT_DECISION_AMOUNT',
        'a WITHHELD line must withhold an amount',
      );
    if (related && typeof invoiceLineId === 'string') {
      const invoiced = related.amounts.get(invoiceLineId);
      if (isMoney(invoiced) && c > invoiced)
        report(
          errors,
          itemPointer(LINES, i, '/claimedAmount'),
          'ACT_AMOUNT_EXCEEDS_INVOICE',
          `claimed ${c} is more than the invoiced ${invoiced} kopecks`,
        );
    }
  }
  if (!summable || !isObj(body.totals)) return;
  checkTotal(errors, '/body/totals/claimed', body.totals.claimed, claimed, 'claimed line amounts');
  checkTotal(errors, '/body/totals/paid', body.totals.paid, paid, 'paid line amounts');
  checkTotal(errors, '/body/totals/withheld', body.totals.withheld, withheld, 'withheld line amounts');
}
