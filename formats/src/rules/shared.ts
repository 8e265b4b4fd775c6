import type { FieldError } from '../errors.js';
import { IdCheck } from '../identifiers/digits.js';
import { checkEnp } from '../identifiers/enp.js';
import { isValidIcd10 } from '../identifiers/icd10.js';
import { checkInn } from '../identifiers/inn.js';
import { isValidKpp } from '../identifiers/kpp.js';
import { checkOgrn } from '../identifiers/ogrn.js';
import { isValidServiceCode } from '../identifiers/service-code.js';
import { checkSnils } from '../identifiers/snils.js';
import type { RuleCode } from './codes.js';

/**
 * Helpers of the business rules. Rules run on documents that may have failed the schema, so every helper
 * checks the type of what it reads and stays silent on anything the schema already reports. Pointers are
 * built only when an error is found (base + "/" + index + suffix), so the valid path allocates nothing per row.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pointer to a field of item `index` of the array at `base` (of `base` itself when the index is negative). */
export function itemPointer(base: string, index: number, suffix: string): string {
  return index < 0 ? base + suffix : base + '/' + index + suffix;
}

export function report(errors: FieldError[], ptr: string, code: RuleCode, message: string): void {
  errors.push({ pointer: ptr, code, message: `${ptr}: ${message}` });
}

/** Cheap shape test for YYYY-MM-DD, enough to make string comparison meaningful. */
export function isDateShape(v: unknown): v is string {
  return typeof v === 'string' && v.length === 10 && v.charCodeAt(4) === 0x2d && v.charCodeAt(7) === 0x2d;
}

export function isMoney(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

// No rule echoes the offending value: an ИНН-12 or СНИЛС is personal data and a diagnosis or service code is
// medical secrecy, while error lists travel back in replies and end up in logs. The pointer says where to look.
function identifier(
  errors: FieldError[],
  value: unknown,
  base: string,
  index: number,
  suffix: string,
  result: (v: string) => IdCheck,
  formatCode: RuleCode,
  checksumCode: RuleCode,
  what: string,
): void {
  if (typeof value !== 'string') return;
  const r = result(value);
  if (r === IdCheck.Ok) return;
  const ptr = itemPointer(base, index, suffix);
  if (r === IdCheck.Format) report(errors, ptr, formatCode, `not a well-formed ${what}`);
  else report(errors, ptr, checksumCode, `the check digit of this ${what} does not match`);
}

export function checkInnAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  identifier(errors, v, base, index, suffix, checkInn, 'INN_FORMAT', 'INN_CHECKSUM', 'ИНН (10 or 12 digits)');
}

export function checkOgrnAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  identifier(
    errors,
    v,
    base,
    index,
    suffix,
    checkOgrn,
    'OGRN_FORMAT',
    'OGRN_CHECKSUM',
    'ОГРН (13 digits from 1 or 5) or ОГРНИП (15 digits from 3)',
  );
}

export function checkSnilsAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (typeof v !== 'string') return;
  const r = checkSnils(v);
  if (r === IdCheck.Format)
    report(errors, itemPointer(base, index, suffix), 'SNILS_FORMAT', 'СНИЛС must have 11 digits');
  else if (r === IdCheck.Checksum)
    report(
      errors,
      itemPointer(base, index, suffix),
      'SNILS_CHECKSUM',
      'СНИЛС control number (last 2 digits) does not match',
    );
}

export function checkEnpAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (typeof v !== 'string') return;
  const r = checkEnp(v);
  if (r === IdCheck.Format)
    report(errors, itemPointer(base, index, suffix), 'ENP_FORMAT', 'ЕНП ОМС must have 16 digits');
  else if (r === IdCheck.Checksum)
    report(
      errors,
      itemPointer(base, index, suffix),
      'ENP_CHECKSUM',
      'ЕНП ОМС check digit (Mod10) does not match',
    );
}

export function checkKppAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (typeof v === 'string' && !isValidKpp(v))
    report(
      errors,
      itemPointer(base, index, suffix),
      'KPP_FORMAT',
      'not a КПП of the form NNNNPPXXX (4 digits, 2 digits or A-Z, 3 digits)',
    );
}

export function checkServiceCodeAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (typeof v === 'string' && !isValidServiceCode(v))
    report(
      errors,
      itemPointer(base, index, suffix),
      'SERVICE_CODE_FORMAT',
      'not a Nomenclature (804н) service code like A01.01.001 or B01.047.001',
    );
}

export function checkIcd10At(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (typeof v === 'string' && !isValidIcd10(v))
    report(
      errors,
      itemPointer(base, index, suffix),
      'ICD10_FORMAT',
      'not an МКБ-10 code like J06.9 (a letter, 2 digits, optionally "." and 1–2 characters)',
    );
}

/** from ≤ to; the error points at `to`. */
export function checkPeriodAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
): void {
  if (!isObj(v)) return;
  const from = v.from;
  const to = v.to;
  if (isDateShape(from) && isDateShape(to) && from > to)
    report(
      errors,
      itemPointer(base, index, suffix + '/to'),
      'PERIOD_ORDER',
      `period ends (${to}) before it starts (${from})`,
    );
}

export function checkPartyAt(errors: FieldError[], v: unknown, base: string): void {
  if (!isObj(v)) return;
  checkOgrnAt(errors, v.ogrn, base, -1, '/ogrn');
  checkInnAt(errors, v.inn, base, -1, '/inn');
  checkKppAt(errors, v.kpp, base, -1, '/kpp');
}

/** A person's identifiers, and a birth date no later than the document's creation date. */
export function checkPersonAt(
  errors: FieldError[],
  v: unknown,
  base: string,
  index: number,
  suffix: string,
  createdOn: string | undefined,
): void {
  if (!isObj(v)) return;
  if (v.snils !== undefined) checkSnilsAt(errors, v.snils, base, index, suffix + '/snils');
  if (v.enp !== undefined) checkEnpAt(errors, v.enp, base, index, suffix + '/enp');
  const birth = v.birthDate;
  if (createdOn !== undefined && isDateShape(birth) && birth > createdOn)
    report(
      errors,
      itemPointer(base, index, suffix + '/birthDate'),
      'BIRTH_DATE_FUTURE',
      `birth date is after ${createdOn}`,
    );
}

/** Adds rowId to `seen`, reporting a duplicate. */
export function checkRowId(
  errors: FieldError[],
  seen: Set<string>,
  v: unknown,
  base: string,
  index: number,
): void {
  if (typeof v !== 'string') return;
  if (seen.has(v))
    report(
      errors,
      itemPointer(base, index, '/rowId'),
      'ROW_ID_DUPLICATE',
      `rowId "${v}" is used by an earlier row`,
    );
  else seen.add(v);
}
