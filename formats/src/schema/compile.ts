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
  let full: SchemaValidator;
  try {
    fast = newAjv(false).compile(schema as object);
    full = compileFull(schema as Record<string, unknown>);
  } catch (err) {
    throw new DmsnetError('SCHEMA_TEXT_INVALID', `schema does not compile: ${(err as Error).message}`);
  }
  const validator: SchemaValidator = (doc) => (fast(doc) ? [] : full(doc));
  cache.set(schemaText, validator);
  return validator;
}

/** More errors than anyone reads; a document with more is refused with these and a TOO_MANY_ERRORS marker. */
export const MAX_SCHEMA_ERRORS = 1000;

/**
 * The allErrors pass, row by row for the body's lists. ajv's allErrors validator over one list of failing items costs
 * time quadratic in the errors it collects (measured: 5,000 empty rows 3.4 s, 20,000 rows 51 s on the main thread), so a
 * hostile or broken register would stall a gateway. Here the document is checked with its lists' items left open,
 * then each item alone, stopping at MAX_SCHEMA_ERRORS: linear, and the errors are the same ajv errors at the same
 * pointers.
 */
function compileFull(schema: Record<string, unknown>): SchemaValidator {
  const body = (schema.properties as Record<string, { properties?: Record<string, Record<string, unknown>> }>)
    ?.body;
  const lists = Object.entries(body?.properties ?? {}).filter(
    ([, s]) => s.type === 'array' && s.items !== undefined,
  );
  if (lists.length === 0) {
    const whole = newAjv(true).compile(schema);
    return (doc) => {
      whole(doc);
      return capped(toFieldErrors(whole.errors));
    };
  }
  const shell = structuredClone(schema) as typeof schema;
  const shellBody = (
    shell.properties as Record<string, { properties: Record<string, Record<string, unknown>> }>
  ).body!;
  const items = new Map<string, ValidateFunction>();
  for (const [name, list] of lists) {
    shellBody.properties[name] = { ...list, items: true };
    // The item schema keeps the document's $id and $defs, so its references resolve as they do in the whole.
    items.set(
      name,
      newAjv(true).compile({
        $schema: schema.$schema as string | undefined,
        $id: schema.$id as string | undefined,
        $defs: schema.$defs,
        ...(list.items as object),
      }),
    );
  }
  const outer = newAjv(true).compile(shell);
  return (doc) => {
    outer(doc);
    const errors = toFieldErrors(outer.errors);
    const docBody = (doc as { body?: unknown } | null)?.body;
    if (docBody === null || typeof docBody !== 'object' || Array.isArray(docBody)) return capped(errors);
    for (const [name, check] of items) {
      const rows = (docBody as Record<string, unknown>)[name];
      if (!Array.isArray(rows)) continue;
      for (let i = 0; i < rows.length && errors.length <= MAX_SCHEMA_ERRORS; i++) {
        if (check(rows[i])) continue;
        const at = `/body/${name}/${i}`;
        for (const e of toFieldErrors(check.errors)) {
          errors.push({
            ...e,
            pointer: at + e.pointer,
            message: e.message.replace(/^(the document|\/)/, (m) => (m === '/' ? at + '/' : at)),
          });
        }
      }
    }
    return capped(errors);
  };
}

function capped(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_SCHEMA_ERRORS) return errors;
  const out = errors.slice(0, MAX_SCHEMA_ERRORS);
  out.push({
    pointer: '',
    code: 'TOO_MANY_ERRORS',
    message: `more than ${MAX_SCHEMA_ERRORS} schema errors; the first ${MAX_SCHEMA_ERRORS} are listed`,
  });
  return out;
}
