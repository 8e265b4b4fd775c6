import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DmsnetError, type FieldError } from '../errors.js';
import { toFieldErrors } from './ajv-errors.js';

export type SchemaValidator = (doc: unknown) => FieldError[];

const cache = new Map<string, SchemaValidator>();

// ajv-formats is CommonJS with a default export; under NodeNext its callable is the module's `default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 };

function newAjv(allErrors: boolean): Ajv2020 {
  // strictRequired is off because `if/then` branches name properties declared beside them, which is legal.
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Compiles one self-contained schema text (see bundledSchemaText) into a validator that returns every
 * schema error. Two ajv compilations: a fast one that stops at the first error, and an allErrors one that
 * runs only when the fast one fails, so a valid document pays for one quick pass and an invalid one still
 * gets every error. Cached by the text itself (a Map hashes the string once per string instance, cheaper per
 * call than a SHA-256), because governance-activated versions arrive as text.
 */
export function compileSchema(schemaText: string): SchemaValidator {
  const cached = cache.get(schemaText);
  if (cached) return cached;
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (err) {
    throw new DmsnetError('SCHEMA_TEXT_INVALID', `schema text is not JSON: ${(err as Error).message}`);
  }
  let fast: ValidateFunction;
  let full: ValidateFunction;
  try {
    fast = newAjv(false).compile(schema as object);
    full = newAjv(true).compile(schema as object);
  } catch (err) {
    throw new DmsnetError('SCHEMA_TEXT_INVALID', `schema does not compile: ${(err as Error).message}`);
  }
  const validator: SchemaValidator = (doc) => {
    if (fast(doc)) return [];
    full(doc);
    return toFieldErrors(full.errors);
  };
  cache.set(schemaText, validator);
  return validator;
}
