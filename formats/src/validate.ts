import { DmsnetError, type FieldError } from './errors.js';
import { checkBusinessRules, type RelatedDocuments } from './rules/index.js';
import { checkLimits } from './limits.js';
import { compileSchema } from './schema/compile.js';
import { BUNDLED_VERSIONS, bundledSchemaText } from './schema/registry.js';
import { isDocumentType, type DmsDocument, type DocumentType } from './types.js';

export interface ValidateOptions {
  /**
   * The schema text to validate against, e.g. a governance-activated version read from the ledger. Without it,
   * the bundled schema of the document's own header.type and header.formatVersion is used.
   */
  schemaText?: string;
  /** Documents the cross-document rules need (the invoice an expertise act examines). */
  related?: RelatedDocuments;
}

function fail(pointer: string, code: string, message: string): FieldError[] {
  return [{ pointer, code, message: `${pointer || 'the document'}: ${message}` }];
}

function schemaTextFor(doc: unknown): { text?: string; errors?: FieldError[] } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { errors: fail('', 'SCHEMA_TYPE', 'a document must be a JSON object { header, body }') };
  const header = (doc as Record<string, unknown>).header;
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return {
      errors: fail(
        '/header',
        header === undefined ? 'SCHEMA_REQUIRED' : 'SCHEMA_TYPE',
        'an object header is required',
      ),
    };
  const { type, formatVersion } = header as Record<string, unknown>;
  if (type === undefined)
    return { errors: fail('/header/type', 'SCHEMA_REQUIRED', 'the document type is required') };
  if (!isDocumentType(type))
    return {
      errors: fail('/header/type', 'DOCUMENT_TYPE_UNKNOWN', `unknown document type ${JSON.stringify(type)}`),
    };
  if (formatVersion === undefined)
    return { errors: fail('/header/formatVersion', 'SCHEMA_REQUIRED', 'the format version is required') };
  if (typeof formatVersion !== 'string' || !BUNDLED_VERSIONS.includes(formatVersion))
    return {
      errors: fail(
        '/header/formatVersion',
        'FORMAT_VERSION_UNKNOWN',
        `format version ${JSON.stringify(formatVersion)} is not known here (known: ${BUNDLED_VERSIONS.join(', ')})`,
      ),
    };
  return { text: bundledSchemaText(type as DocumentType, formatVersion) };
}

/**
 * Every error of a document: its schema, then the business rules (formats/RULES.md). [] means valid.
 * Cross-document rule: with `related.invoice`, each expertise-act line must name a line of that invoice
 * (ACT_LINE_UNKNOWN) and claim no more than its amount (ACT_AMOUNT_EXCEEDS_INVOICE).
 */
export function validateDocument(doc: unknown, options: ValidateOptions = {}): FieldError[] {
  const limits = checkLimits(doc);
  if (limits.length) return limits;
  let text = options.schemaText;
  if (text === undefined) {
    const found = schemaTextFor(doc);
    if (found.errors) return found.errors;
    text = found.text as string;
  }
  const errors = compileSchema(text)(doc);
  checkBusinessRules(errors, doc, options.related);
  return errors;
}

/** The document, typed, when it is valid; otherwise throws DmsnetError('DOCUMENT_INVALID') with every error. */
export function assertValidDocument(doc: unknown, options: ValidateOptions = {}): DmsDocument {
  const errors = validateDocument(doc, options);
  if (errors.length > 0) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new DmsnetError(
      'DOCUMENT_INVALID',
      `document is invalid: ${first.pointer} ${first.code}${more}`,
      errors,
    );
  }
  return doc as DmsDocument;
}
