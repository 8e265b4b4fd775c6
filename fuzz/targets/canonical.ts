// Canonical JSON (RFC 8785): of any JSON value, a text that parses back to the same value, is its own canonical
// form, and is what the reference implementation gives; CANONICAL_UNSUPPORTED for nothing JSON-parsed.
import { isDeepStrictEqual } from 'node:util';
import { canonicalJson, canonicalJsonReference } from '@dmsnet/formats/canonical';
import { DmsnetError } from '@dmsnet/formats/errors';
import { check, InvariantBroken, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'canonical',
  maxLength: 16 * 1024,
  dictionary: [
    '{"',
    '":',
    '[',
    ']',
    '}',
    ',',
    '"0":',
    '"10":',
    '"__proto__":',
    '1e21',
    '-0',
    '0.1',
    '\\u0000',
    '\\ud800',
    '"é"',
    '1E400',
    'null',
    'true',
    '5e-324',
    '"\\""',
  ],
  run(data) {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return;
    }
    let text: string;
    try {
      text = canonicalJson(value);
    } catch (e) {
      // JSON text may still hold what RFC 8785 cannot: 1e400 parses to Infinity, "\ud800" to a lone surrogate.
      if (!(e instanceof DmsnetError) || e.code !== 'CANONICAL_UNSUPPORTED')
        throw new InvariantBroken('canonicalJson threw other than CANONICAL_UNSUPPORTED', e);
      try {
        canonicalJsonReference(value);
      } catch {
        return;
      }
      throw new InvariantBroken('canonicalJson refused what the reference implementation serialises', e);
    }
    const back: unknown = JSON.parse(text);
    check(isDeepStrictEqual(back, JSON.parse(JSON.stringify(value))), 'the canonical text is another value');
    check(canonicalJson(back) === text, 'the canonical text is not its own canonical form');
    check(canonicalJsonReference(value) === text, 'the fast path and the reference implementation differ');
  },
};
export default target;
