import type { FieldError } from '../errors.js';
import { checkLineAmount, checkTotal } from './amounts.js';
import {
  itemPointer,
  checkIcd10At,
  checkPeriodAt,
  checkPersonAt,
  checkRowId,
  checkServiceCodeAt,
  checkSnilsAt,
  isDateShape,
  isMoney,
  isObj,
  report,
  type Obj,
} from './shared.js';

const LINES = '/body/lines';

export function checkInvoice(errors: FieldError[], body: Obj, createdOn: string | undefined): void {
  checkPeriodAt(errors, body.billingPeriod, '/body/billingPeriod', -1, '');
  const period = isObj(body.billingPeriod) ? body.billingPeriod : undefined;
  const from = period && isDateShape(period.from) ? period.from : undefined;
  const to = period && isDateShape(period.to) ? period.to : undefined;
  const lines = body.lines;
  if (!Array.isArray(lines)) return;
  const seen = new Set<string>();
  let sum = 0;
  let summable = true;
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isObj(line)) {
      summable = false;
      continue;
    }
    checkRowId(errors, seen, line.rowId, LINES, i);
    checkPersonAt(errors, line.patient, LINES, i, '/patient', createdOn);
    checkServiceCodeAt(errors, line.serviceCode, LINES, i, '/serviceCode');
    if (line.diagnosis !== undefined) checkIcd10At(errors, line.diagnosis, LINES, i, '/diagnosis');
    if (isObj(line.doctor) && line.doctor.snils !== undefined)
      checkSnilsAt(errors, line.doctor.snils, LINES, i, '/doctor/snils');
    const date = line.serviceDate;
    if (isDateShape(date) && ((from !== undefined && date < from) || (to !== undefined && date > to)))
      report(
        errors,
        itemPointer(LINES, i, '/serviceDate'),
        'SERVICE_DATE_OUTSIDE_PERIOD',
        `service date is outside the billing period ${from ?? '…'} – ${to ?? '…'}`,
      );
    const end = line.serviceEndDate;
    if (isDateShape(date) && isDateShape(end) && end < date)
      report(
        errors,
        itemPointer(LINES, i, '/serviceEndDate'),
        'PERIOD_ORDER',
        `service ends (${end}) before it starts (${date})`,
      );
    checkLineAmount(errors, line, LINES, i);
    if (isMoney(line.amount)) sum += line.amount;
    else summable = false;
  }
  if (summable) checkTotal(errors, '/body/total', body.total, sum, 'line amounts');
}
