// Prior-authorisation requests and the payer's answers (decision record 0054): what the schema cannot say about one
// document.
import type { FieldError } from '../errors.js';
import { checkLineAmount } from './amounts.js';
import {
  checkIcd10At,
  checkPeriodAt,
  checkPersonAt,
  checkRowId,
  checkServiceCodeAt,
  isMoney,
  isObj,
  report,
  type Obj,
} from './shared.js';

const LINES = '/body/lines';
const instant = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);

export function checkPriorAuthRequest(
  errors: FieldError[],
  body: Obj,
  header: Obj,
  createdOn: string | undefined,
): void {
  checkPersonAt(errors, body.patient, '/body/patient', -1, '', createdOn);
  checkPeriodAt(errors, body.plannedPeriod, '/body/plannedPeriod', -1, '');
  if (body.diagnosis !== undefined) checkIcd10At(errors, body.diagnosis, '/body/diagnosis', -1, '');
  const lines = body.lines;
  if (Array.isArray(lines)) {
    const seen = new Set<string>();
    let sum = 0;
    let summable = true;
    lines.forEach((line: unknown, i) => {
      if (!isObj(line)) {
        summable = false;
        return;
      }
      checkRowId(errors, seen, line.rowId, LINES, i);
      checkServiceCodeAt(errors, line.serviceCode, LINES, i, '/serviceCode');
      checkLineAmount(errors, line, LINES, i);
      if (isMoney(line.amount)) sum += line.amount;
      else summable = false;
    });
    // The payer decides on the sum it is asked to promise: it must be the one the lines make.
    if (summable && isMoney(body.totalAmount) && sum !== body.totalAmount)
      report(
        errors,
        '/body/totalAmount',
        'PA_TOTAL_MISMATCH',
        `the lines make ${sum} kopecks, the total says ${body.totalAmount}`,
      );
  }
  if (instant(body.respondBy) <= instant(header.createdAt))
    report(errors, '/body/respondBy', 'PA_DEADLINE_ORDER', 'the answer is due after the request is created');
}

export function checkPriorAuthResponse(errors: FieldError[], body: Obj, header: Obj): void {
  if (
    body.reviewAction === 'pended' &&
    body.informationDueBy !== undefined &&
    instant(body.informationDueBy) <= instant(header.createdAt)
  )
    report(
      errors,
      '/body/informationDueBy',
      'PA_INFO_DUE_ORDER',
      'the information is wanted after the answer is created',
    );
}
