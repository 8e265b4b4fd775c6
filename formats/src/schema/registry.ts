import { readFileSync } from 'node:fs';
import { DmsnetError } from '../errors.js';
import { fileURLToPath } from 'node:url';
import { DOCUMENT_TYPES, type DocumentType } from '../types.js';

/** Format versions whose schemas ship with this package. Later versions arrive through governance. */
export const BUNDLED_VERSIONS: readonly string[] = ['1'];

const COMMON = 'common.schema.json';
const texts = new Map<string, string>();

function readSchema(version: string, file: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../schemas/v${version}/${file}`, import.meta.url)), 'utf8'),
  ) as Record<string, unknown>;
}

/**
 * The self-contained schema text of one document type and version: the type's schema with the common
 * definitions embedded under `$defs.common` (keeping their `$id`, so the `common.schema.json#/...` references
 * resolve inside the one text). One text per type is what the format registry stores on the ledger and what
 * compileSchema() compiles, so a governance-activated version needs no side files.
 */
export function bundledSchemaText(type: DocumentType, version: string): string {
  if (!DOCUMENT_TYPES.includes(type)) {
    throw new DmsnetError('DOCUMENT_TYPE_UNKNOWN', `unknown document type "${String(type)}"`);
  }
  if (!BUNDLED_VERSIONS.includes(version)) {
    throw new DmsnetError(
      'FORMAT_VERSION_UNKNOWN',
      `format version "${version}" is not bundled (bundled: ${BUNDLED_VERSIONS.join(', ')})`,
    );
  }
  const key = `${type}@${version}`;
  let text = texts.get(key);
  if (text === undefined) {
    const schema = readSchema(version, `${type}.schema.json`);
    const defs = (schema.$defs ?? {}) as Record<string, unknown>;
    schema.$defs = { ...defs, common: readSchema(version, COMMON) };
    text = JSON.stringify(schema, null, 2) + '\n';
    texts.set(key, text);
  }
  return text;
}
