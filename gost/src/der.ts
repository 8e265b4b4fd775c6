// A minimal DER walker: a signature covers bytes exactly as they were sent, and re-encoding a parsed structure is not
// guaranteed to reproduce them, so signed attributes and certificates are cut out of the original encoding.

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the content. */
  contentStart: number;
  end: number;
}

/** DER that cannot be walked: the parsers above turn it into their own typed refusal. */
export class DerError extends Error {}

/** The value at `at`, which must end by `limit` (its parent's end: a child never runs past its parent). */
export function readTlv(der: Uint8Array, at: number, limit = der.length): Tlv {
  if (at + 2 > limit) throw new DerError('truncated DER');
  const tag = der[at];
  let len = der[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new DerError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p + i];
    p += n;
  }
  if (p + len > limit) throw new DerError('truncated DER');
  return { tag, start: at, contentStart: p, end: p + len };
}

export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end;) {
    const t = readTlv(der, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}
