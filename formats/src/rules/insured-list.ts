import type { FieldError } from '../errors.js';
import { checkInnAt, checkPeriodAt, checkPersonAt, checkRowId, isObj, type Obj } from './shared.js';

const ROWS = '/body/rows';

export function checkInsuredList(errors: FieldError[], body: Obj, createdOn: string | undefined): void {
  const rows = body.rows;
  if (!Array.isArray(rows)) return;
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!isObj(row)) continue;
    checkRowId(errors, seen, row.rowId, ROWS, i);
    checkPersonAt(errors, row.person, ROWS, i, '/person', createdOn);
    checkPeriodAt(errors, row.period, ROWS, i, '/period');
    const holder = row.policyholder;
    if (isObj(holder) && holder.inn !== undefined)
      checkInnAt(errors, holder.inn, ROWS, i, '/policyholder/inn');
  }
}
