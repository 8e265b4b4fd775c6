import type { FieldError } from '../errors.js';
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
import { checkLineAmount } from './amounts.js';

const LINES = '/body/lines';

export function checkGuaranteeLetter(errors: FieldError[], body: Obj, createdOn: string | undefined): void {
  checkPersonAt(errors, body.patient, '/body/patient', -1, '', createdOn);
  checkPeriodAt(errors, body.validity, '/body/validity', -1, '');
  if (body.diagnosis !== undefined) checkIcd10At(errors, body.diagnosis, '/body/diagnosis', -1, '');
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
    checkServiceCodeAt(errors, line.serviceCode, LINES, i, '/serviceCode');
    checkLineAmount(errors, line, LINES, i);
    if (isMoney(line.amount)) sum += line.amount;
    else summable = false;
  }
  const limit = body.amountLimit;
  if (summable && isMoney(limit) && sum > limit)
    report(
      errors,
      '/body/amountLimit',
      'GL_LIMIT_EXCEEDED',
      `lines total ${sum} kopecks, over the limit of ${limit}`,
    );
}
