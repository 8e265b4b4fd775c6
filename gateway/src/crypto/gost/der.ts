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

export function readTlv(der: Uint8Array, at: number): Tlv {
  if (at + 2 > der.length) throw new Error('truncated DER');
  const tag = der[at];
  let len = der[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > der.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p + i];
    p += n;
  }
  if (p + len > der.length) throw new Error('truncated DER');
  return { tag, start: at, contentStart: p, end: p + len };
}

export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end;) {
    const t = readTlv(der, p);
    out.push(t);
    p = t.end;
  }
  return out;
}
