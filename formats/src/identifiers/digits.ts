/**
 * Reading identifiers as people write them: «224-592-686 84», «1027700220624», «77 07 083893».
 * Separators are skipped; any other character makes the input malformed.
 */

/** Space, tab, no-break space, hyphen-minus, hyphen, non-breaking hyphen, en dash. */
export function isSeparator(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0xa0 ||
    code === 0x2d ||
    code === 0x2010 ||
    code === 0x2011 ||
    code === 0x2013
  );
}

/** Strips the separators people put into numbers (spaces, no-break spaces, hyphens, en dashes). */
export function normalizeDigits(value: string): string {
  return value.replace(/[\s\u00a0\u2010\u2011\u2013-]/g, '');
}

/**
 * Copies the decimal digits of `value` into `out` and returns how many digits there were, or -1 when the
 * value holds a character that is neither a digit nor a separator. Validators call this in tight loops over
 * tens of thousands of rows, so it fills a caller-owned buffer instead of building a normalised string.
 */
export function readDigits(value: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (n < out.length) out[n] = c - 0x30;
      n++;
    } else if (!isSeparator(c)) {
      return -1;
    }
  }
  return n;
}

/** The outcome of checking one identifier: well formed and checksummed, malformed, or a checksum mismatch. */
export enum IdCheck {
  Ok = 0,
  Format = 1,
  Checksum = 2,
}

/** The digits of a number as a string, for generators. */
export function digitsToString(digits: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < digits.length; i++) s += String(digits[i]);
  return s;
}
