/**
 * libFuzzer's and AFL's usual mutations, stacked one to eight at a time: bit flips, interesting integers (the
 * lengths and offsets binary formats carry, both byte orders), byte runs inserted, erased, copied or repeated,
 * dictionary tokens, ASCII digits tweaked, and a splice with another corpus input.
 */
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff];
const INTERESTING_16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0x100, 0x3c00];
const INTERESTING_32 = [
  0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 0x06054b50, 0x02014b50, 0x04034b50,
];

export class Mutator {
  constructor(
    private readonly maxLength: number,
    private readonly dictionary: readonly Uint8Array[],
  ) {}

  mutate(parent: Uint8Array, other: Uint8Array): Uint8Array {
    let data: Uint8Array = parent.slice();
    const rounds = 1 + Math.floor(Math.random() * 8);
    for (let r = 0; r < rounds; r++) data = this.once(data, other);
    return data.length > this.maxLength ? data.subarray(0, this.maxLength) : data;
  }

  private once(d: Uint8Array, other: Uint8Array): Uint8Array {
    const n = d.length;
    const at = (): number => Math.floor(Math.random() * Math.max(1, n));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    switch (Math.floor(Math.random() * 12)) {
      case 0:
        if (n) d[at()]! ^= 1 << Math.floor(Math.random() * 8);
        return d;
      case 1:
        if (n) d[at()] = Math.floor(Math.random() * 256);
        return d;
      case 2:
        if (n) d[at()] = pick(INTERESTING_8);
        return d;
      case 3:
      case 4: {
        const wide = Math.random() < 0.5;
        const width = wide ? 4 : 2;
        if (n < width) return d;
        const i = Math.floor(Math.random() * (n - width + 1));
        const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
        const little = Math.random() < 0.7;
        if (wide) view.setUint32(i, pick(INTERESTING_32) >>> 0, little);
        else view.setUint16(i, pick(INTERESTING_16), little);
        return d;
      }
      case 5: {
        // Erase a run.
        if (n < 2) return d;
        const i = at();
        const len = 1 + Math.floor(Math.random() * Math.min(n - i, 64));
        return concat(d.subarray(0, i), d.subarray(i + len));
      }
      case 6: {
        // Insert random bytes or a repeated byte.
        const len = 1 + Math.floor(Math.random() * 16);
        const run = new Uint8Array(len);
        if (Math.random() < 0.5) run.fill(Math.floor(Math.random() * 256));
        else for (let k = 0; k < len; k++) run[k] = Math.floor(Math.random() * 256);
        const i = Math.floor(Math.random() * (n + 1));
        return concat(d.subarray(0, i), run, d.subarray(i));
      }
      case 7: {
        // Copy a run of the input elsewhere in it (repeats a row, a tag, a record).
        if (n < 2) return d;
        const from = at();
        const len = 1 + Math.floor(Math.random() * Math.min(n - from, 256));
        const i = Math.floor(Math.random() * (n + 1));
        return concat(d.subarray(0, i), d.slice(from, from + len), d.subarray(i));
      }
      case 8:
      case 9: {
        if (!this.dictionary.length) return d;
        const token = pick(this.dictionary);
        const i = Math.floor(Math.random() * (n + 1));
        if (Math.random() < 0.5 && i + token.length <= n) {
          d.set(token, i);
          return d;
        }
        return concat(d.subarray(0, i), token, d.subarray(i));
      }
      case 10: {
        // Splice: this input's head with another's tail.
        if (!other.length) return d;
        const i = Math.floor(Math.random() * (n + 1));
        const j = Math.floor(Math.random() * other.length);
        return concat(d.subarray(0, i), other.subarray(j));
      }
      default: {
        // An ASCII digit made another digit, or a number made long: the numbers text formats carry.
        const digits: number[] = [];
        for (let k = 0; k < n; k++) if (d[k]! >= 0x30 && d[k]! <= 0x39) digits.push(k);
        if (!digits.length) return d;
        const i = pick(digits);
        if (Math.random() < 0.7) {
          d[i] = 0x30 + Math.floor(Math.random() * 10);
          return d;
        }
        return concat(
          d.subarray(0, i),
          new TextEncoder().encode(pick(['9999999999', '0', '-1', '1e308', '.5'])),
          d.subarray(i + 1),
        );
      }
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
