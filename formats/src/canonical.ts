import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DmsnetError } from './errors.js';

/**
 * RFC 8785 (JCS) canonical JSON: the exact bytes that are signed and hashed.
 * The `canonicalize` package is the RFC author's reference implementation; numbers are
 * serialised as ECMAScript does, which is what the RFC specifies.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (err) {
    // NaN and Infinity have no JSON form; the library throws a plain Error, we keep one error model.
    throw new DmsnetError(
      'CANONICAL_UNSUPPORTED',
      `value cannot be represented as canonical JSON: ${(err as Error).message}`,
    );
  }
  if (text === undefined) {
    throw new DmsnetError('CANONICAL_UNSUPPORTED', 'value cannot be represented as canonical JSON');
  }
  return text;
}

/** SHA-256 (hex) of the UTF-8 bytes of the canonical JSON. */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
