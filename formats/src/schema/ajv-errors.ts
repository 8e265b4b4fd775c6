import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors.js';
import { pointer } from '../errors.js';

const CODES: Record<string, string> = {
  required: 'SCHEMA_REQUIRED',
  additionalProperties: 'SCHEMA_ADDITIONAL_PROPERTY',
  type: 'SCHEMA_TYPE',
  pattern: 'SCHEMA_PATTERN',
  enum: 'SCHEMA_ENUM',
  const: 'SCHEMA_CONST',
  format: 'SCHEMA_FORMAT',
  minimum: 'SCHEMA_RANGE',
  maximum: 'SCHEMA_RANGE',
  exclusiveMinimum: 'SCHEMA_RANGE',
  exclusiveMaximum: 'SCHEMA_RANGE',
  minLength: 'SCHEMA_LENGTH',
  maxLength: 'SCHEMA_LENGTH',
  minItems: 'SCHEMA_ITEMS',
  maxItems: 'SCHEMA_ITEMS',
  minProperties: 'SCHEMA_PROPERTIES',
  maxProperties: 'SCHEMA_PROPERTIES',
};

// Keywords that only summarise errors reported by their subschemas.
const SUMMARY_KEYWORDS = new Set(['if', 'anyOf', 'oneOf', 'allOf', '$ref']);

function formatRule(format: string): string {
  if (format === 'date') return 'must be a calendar date YYYY-MM-DD';
  if (format === 'date-time')
    return 'must be an RFC 3339 date-time with offset, e.g. 2026-11-20T10:00:00+03:00';
  return `must match format "${format}"`;
}

function fieldName(ptr: string): string {
  return ptr === '' ? 'the document' : ptr;
}

/**
 * One ajv error as a dmsnet FieldError. The pointer names the offending field itself: for a missing or an
 * extra property that is the property's own pointer, not its parent object's.
 */
export function toFieldError(e: ErrorObject): FieldError | undefined {
  if (SUMMARY_KEYWORDS.has(e.keyword)) return undefined;
  const code = CODES[e.keyword] ?? 'SCHEMA_' + e.keyword.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  const params = e.params as Record<string, unknown>;
  let ptr = e.instancePath;
  let message: string;
  switch (e.keyword) {
    case 'required':
      ptr += pointer(String(params.missingProperty));
      message = `${ptr} is required`;
      break;
    case 'additionalProperties':
      ptr += pointer(String(params.additionalProperty));
      message = `${ptr} is not a field of this document type in this format version`;
      break;
    case 'enum':
      message = `${fieldName(ptr)} must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `${fieldName(ptr)} must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case 'format':
      message = `${fieldName(ptr)} ${formatRule(String(params.format))}`;
      break;
    case 'pattern':
      message = `${fieldName(ptr)} must match ${String(params.pattern)}`;
      break;
    default:
      message = `${fieldName(ptr)} ${e.message ?? 'is invalid'}`;
  }
  return { pointer: ptr, code, message };
}

export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const fe = toFieldError(e);
    if (!fe) continue;
    const key = fe.pointer + '\u0000' + fe.code;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}
