import type { ErrorCode, WireCode } from './error-codes.js';
/**
 * The one error model of dmsnet (formats is the leaf, so every component can use it):
 * a list of field errors, each naming the field by RFC 6901 JSON Pointer, a stable code and a message.
 */
export interface FieldError {
  /** RFC 6901 JSON Pointer into the document ("" is the whole document). */
  pointer: string;
  /** Stable machine-readable code, e.g. SNILS_CHECKSUM. */
  code: string;
  message: string;
}

/** Base class of every typed error in dmsnet: a stable code, a message, and the field errors if any. */
export class DmsnetError extends Error {
  readonly code: string;
  readonly errors: readonly FieldError[];

  constructor(code: ErrorCode | WireCode, message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.errors = errors;
  }

  toJSON(): { code: string; message: string; errors: FieldError[] } {
    return { code: this.code, message: this.message, errors: [...this.errors] };
  }
}

/** Builds a JSON Pointer from path segments, escaping "~" and "/" as RFC 6901 requires. */
export function pointer(...segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
