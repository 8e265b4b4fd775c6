import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DmsnetError } from './errors.js';

/** Keys an object would reorder (array-index-like): the native path cannot keep them in sorted order. */
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;
class NeedsReference extends Error {}

/** RFC 8785 serialises I-JSON only: a lone surrogate has no UTF-8 form to sign, and the reference refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function wellFormed(text: string): void {
  if (LONE_SURROGATE.test(text))
    throw new DmsnetError(
      'CANONICAL_UNSUPPORTED',
      'value cannot be represented as canonical JSON: a lone surrogate',
    );
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new DmsnetError('CANONICAL_UNSUPPORTED', `value cannot be represented as canonical JSON: ${value}`);
  }
  if (typeof value === 'string') wellFormed(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // No prototype: a "__proto__" key from JSON.parse must stay an own property, not set a prototype.
    const out = Object.create(null) as Record<string, unknown>;
    // Array.prototype.sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
    for (const k of Object.keys(value).sort()) {
      wellFormed(k);
      if (INDEX_LIKE.test(k)) throw new NeedsReference();
      out[k] = (value as Record<string, unknown>)[k];
    }
    return out;
  }
  return value;
}

/**
 * RFC 8785 (JCS) canonical JSON: the exact bytes that are signed and hashed.
 * JCS serialises strings and numbers exactly as ECMAScript's JSON.stringify does, so the native serialiser with keys
 * sorted is JCS, about three times faster than a recursive one on a 24 MB list. Objects with index-like keys (which
 * JavaScript would reorder) go to `canonicalize`, the RFC author's reference implementation, which a property test
 * also holds the fast path to.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, sortedKeys) as string | undefined;
  } catch (err) {
    if (err instanceof DmsnetError) throw err;
    if (!(err instanceof NeedsReference)) throw err;
    text = canonicalJsonReference(value);
  }
  if (text === undefined) {
    throw new DmsnetError('CANONICAL_UNSUPPORTED', 'value cannot be represented as canonical JSON');
  }
  return text;
}

/** The reference implementation (RFC 8785's author's `canonicalize`). */
export function canonicalJsonReference(value: unknown): string {
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
