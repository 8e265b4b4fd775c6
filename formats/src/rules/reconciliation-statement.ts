import type { FieldError } from '../errors.js';
import { checkTotal } from './amounts.js';
import {
  checkPeriodAt,
  checkRowId,
  itemPointer,
  isDateShape,
  isMoney,
  isObj,
  report,
  type Obj,
} from './shared.js';

const LINES = '/body/lines';
const FIGURES = ['billed', 'accepted', 'withheld', 'paid', 'outstanding'] as const;

export function checkReconciliationStatement(errors: FieldError[], body: Obj): void {
  checkPeriodAt(errors, body.period, '/body/period', -1, '');
  const period = isObj(body.period) ? body.period : undefined;
  const lines = body.lines;
  if (!Array.isArray(lines)) return;
  const seen = new Set<string>();
  const invoices = new Set<string>();
  const sums = { billed: 0, accepted: 0, withheld: 0, paid: 0, outstanding: 0 };
  let summable = true;
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isObj(line)) {
      summable = false;
      continue;
    }
    checkRowId(errors, seen, line.rowId, LINES, i);
    if (typeof line.invoiceId === 'string') {
      if (invoices.has(line.invoiceId))
        report(
          errors,
          itemPointer(LINES, i, '/invoiceId'),
          'RECON_INVOICE_DUPLICATE',
          `invoice "${line.invoiceId}" is listed twice`,
        );
      invoices.add(line.invoiceId);
    }
    if (
      period &&
      isDateShape(line.invoiceDate) &&
      isDateShape(period.from) &&
      isDateShape(period.to) &&
      (line.invoiceDate < period.from || line.invoiceDate > period.to)
    )
      report(
        errors,
        itemPointer(LINES, i, '/invoiceDate'),
        'RECON_INVOICE_OUTSIDE_PERIOD',
        `invoice date ${line.invoiceDate} lies outside ${period.from}..${period.to}`,
      );
    const v = FIGURES.map((f) => line[f]);
    if (!v.every(isMoney)) {
      summable = false;
      continue;
    }
    const [billed, accepted, withheld, paid, outstanding] = v as number[];
    FIGURES.forEach((f, k) => (sums[f] += v[k] as number));
    if (accepted + withheld > billed)
      report(
        errors,
        itemPointer(LINES, i, '/accepted'),
        'RECON_AMOUNTS_EXCEED_BILLED',
        `accepted ${accepted} + withheld ${withheld} is more than billed ${billed} kopecks`,
      );
    if (outstanding !== billed - withheld - paid)
      report(
        errors,
        itemPointer(LINES, i, '/outstanding'),
        'RECON_OUTSTANDING',
        `outstanding ${outstanding} ≠ billed ${billed} − withheld ${withheld} − paid ${paid} kopecks`,
      );
  }
  if (!summable || !isObj(body.totals)) return;
  const totals = body.totals;
  for (const f of FIGURES) checkTotal(errors, `/body/totals/${f}`, totals[f], sums[f], `${f} line amounts`);
}
