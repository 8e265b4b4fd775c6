import type { FieldError } from '../errors.js';
import { normalizeServiceCode } from '../identifiers/service-code.js';
import {
  itemPointer,
  checkPeriodAt,
  checkRowId,
  checkServiceCodeAt,
  isObj,
  report,
  type Obj,
} from './shared.js';

const LINES = '/body/lines';

export function checkPriceList(errors: FieldError[], body: Obj): void {
  checkPeriodAt(errors, body.validity, '/body/validity', -1, '');
  const lines = body.lines;
  if (!Array.isArray(lines)) return;
  const seen = new Set<string>();
  const services = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isObj(line)) continue;
    checkRowId(errors, seen, line.rowId, LINES, i);
    checkServiceCodeAt(errors, line.serviceCode, LINES, i, '/serviceCode');
    checkPeriodAt(errors, line.validity, LINES, i, '/validity');
    if (typeof line.serviceCode !== 'string') continue;
    // One price per service from a given date: the clinic's own code tells variants of one Nomenclature code apart.
    const from = isObj(line.validity) && typeof line.validity.from === 'string' ? line.validity.from : '';
    const clinic = typeof line.clinicServiceCode === 'string' ? line.clinicServiceCode : '';
    const key = normalizeServiceCode(line.serviceCode) + '\u0000' + clinic + '\u0000' + from;
    if (services.has(key))
      report(
        errors,
        itemPointer(LINES, i, '/serviceCode'),
        'SERVICE_DUPLICATE',
        'this service already has a price in this list',
      );
    else services.add(key);
  }
}
