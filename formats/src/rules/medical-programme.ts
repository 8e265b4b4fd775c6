import type { FieldError } from '../errors.js';
import { normalizeScopeCode, scopeCodeFault } from '../programme/scope.js';
import {
  checkPeriodAt,
  checkRowId,
  checkServiceCodeAt,
  isObj,
  itemPointer,
  report,
  type Obj,
} from './shared.js';

const SERVICES = '/body/services';

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export function checkMedicalProgramme(errors: FieldError[], body: Obj): void {
  checkPeriodAt(errors, body.validity, '/body/validity', -1, '');
  const services = body.services;
  if (!Array.isArray(services)) return;
  const programmeLimit = isObj(body.limits) ? body.limits : undefined;
  const seen = new Set<string>();
  const scopes = new Set<string>();
  let covering = false;
  for (let i = 0; i < services.length; i++) {
    const row: unknown = services[i];
    if (!isObj(row)) continue;
    checkRowId(errors, seen, row.rowId, SERVICES, i);
    if (row.cover !== 'excluded') covering = true;
    if (typeof row.code !== 'string') continue;
    if (row.match === 'code') checkServiceCodeAt(errors, row.code, SERVICES, i, '/code');
    else if (row.match === 'prefix' || row.match === 'section') {
      const fault = scopeCodeFault(row.match, row.code);
      if (fault) report(errors, itemPointer(SERVICES, i, '/code'), 'PROGRAMME_SCOPE_FORMAT', fault);
    }
    const key = `${String(row.match)}\u0000${normalizeScopeCode(row.code)}`;
    if (scopes.has(key))
      report(
        errors,
        itemPointer(SERVICES, i, '/code'),
        'PROGRAMME_SCOPE_DUPLICATE',
        'an earlier row of this programme matches the same code the same way',
      );
    else scopes.add(key);
    const limit = isObj(row.limit) ? row.limit : undefined;
    if (!limit) continue;
    if (row.cover === 'excluded')
      report(
        errors,
        itemPointer(SERVICES, i, '/limit'),
        'PROGRAMME_LIMIT_ON_EXCLUDED',
        'an excluded row has no limit: nothing it matches is covered',
      );
    for (const unit of ['visits', 'amount'] as const) {
      const own = num(limit[unit]);
      const whole = num(programmeLimit?.[unit]);
      if (own !== undefined && whole !== undefined && own > whole)
        report(
          errors,
          itemPointer(SERVICES, i, `/limit/${unit}`),
          'PROGRAMME_LIMIT_ABOVE_PROGRAMME',
          `a service's limit cannot exceed the programme's limit (/body/limits/${unit})`,
        );
    }
  }
  if (services.length > 0 && !covering)
    report(errors, SERVICES, 'PROGRAMME_NOTHING_COVERED', 'every row excludes: the programme covers nothing');
}
