// GOST R 34.10-2012 (256-bit) signature arithmetic. Anything that multiplies by a secret (the nonce k of a signature,
// the private key d of a public key) goes through @noble/curves' short-Weierstrass points: audited, and its multiply
// does the same additions and table reads whatever the scalar (decision record 0023). Verification, which handles
// public values only, keeps our own faster Jacobian comb tables (decision records 0014 and 0022). node-gost-crypto's
// independent implementation stays the check in the tests, beside the standard's worked example and OpenSSL's engine.
import { randomBytes } from 'node:crypto';
import { Field, type IField } from '@noble/curves/abstract/modular.js';
import { weierstrassN, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';

export interface CurveParams {
  p: bigint;
  a: bigint;
  b: bigint;
  q: bigint;
  x: bigint;
  y: bigint;
}

/** id-GostR3410-2001-CryptoPro-A-ParamSet (RFC 4357 §11.4), a = p − 3. */
export const CRYPTOPRO_A: CurveParams = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n,
  a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94n,
  b: 166n,
  q: 0xffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893n,
  x: 1n,
  y: 0x8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14n,
};

/** The test curve of GOST R 34.10-2012 Appendix A.1 (its worked example). */
export const TEST_CURVE: CurveParams = {
  p: 0x8000000000000000000000000000000000000000000000000000000000000431n,
  a: 7n,
  b: 0x5fbff498aa938ce739b8e022fbafef40563f6e6a3472fc2a514c0ce9dae23b7en,
  q: 0x8000000000000000000000000000000150fe8a1892976154c59cfc193accf5b3n,
  x: 2n,
  y: 0x08e2a8a0e65147d4bd6316030e16d19c85c97f0a9ca267122b96abbcea7e8fc8n,
};

type Jac = { x: bigint; y: bigint; z: bigint };
type Aff = { x: bigint; y: bigint };
const INF: Jac = { x: 1n, y: 1n, z: 0n };

/**
 * a⁻¹ mod m by the extended Euclidean algorithm (an order of magnitude faster than Fermat with BigInt), whose time
 * follows a: used on public values only (verification and its tables).
 */
function modInverse(a: bigint, m: bigint): bigint {
  let r0 = ((a % m) + m) % m;
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const quotient = r0 / r1;
    const r = r0 - quotient * r1;
    r0 = r1;
    r1 = r;
    const t = s0 - quotient * s1;
    s0 = s1;
    s1 = t;
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

/** Bits per digit of the generator's table (33 rows × 128 points, built once) and of a public key's (65 × 8). */
const BASE_WINDOW = 8;
const KEY_WINDOW = 4;

/**
 * A curve's verification over comb tables (public values only: timing may follow them), and signing and public keys
 * through noble's constant-time multiplication.
 */
export class GostCurve {
  /** x mod p for any x. */
  private readonly modP: (x: bigint) => bigint;
  /** x mod p for 0 ≤ x < 2^740 (products of two values below 4p, times small constants): the hot path. */
  private readonly modPFast: (x: bigint) => bigint;
  private readonly aIsMinus3: boolean;
  private baseTable?: Aff[][];
  private readonly keyTables = new Map<string, Aff[][]>();

  constructor(readonly c: CurveParams) {
    const { p } = c;
    const small = (1n << 256n) - p;
    // p = 2^256 − c with a small c (CryptoPro-A): reduce by folding the high half, much cheaper than %.
    if (small > 0n && small < 1n << 32n) {
      const mask = (1n << 256n) - 1n;
      this.modP = (x) => {
        if (x < 0n) x = (x % p) + p;
        while (x >> 256n) x = (x & mask) + (x >> 256n) * small;
        return x >= p ? x - p : x;
      };
      // Two folds (2^256 ≡ 617 mod p) bring any x < 2^740 below 2p: one subtraction at most is left, no loop and
      // no sign test.
      this.modPFast = (x) => {
        x = (x & mask) + (x >> 256n) * small;
        x = (x & mask) + (x >> 256n) * small;
        return x >= p ? x - p : x;
      };
    } else {
      this.modP = (x) => {
        const r = x % p;
        return r < 0n ? r + p : r;
      };
      this.modPFast = this.modP;
    }
    this.aIsMinus3 = c.a === p - 3n;
  }

  private inv(x: bigint): bigint {
    return modInverse(x, this.c.p);
  }

  // dbl and addMixed keep every operand of modPFast non-negative by adding multiples of p before a subtraction.
  private dbl(P: Jac): Jac {
    if (P.z === 0n || P.y === 0n) return INF;
    const m = this.modPFast;
    const p = this.c.p;
    const yy = m(P.y * P.y);
    const zz = m(P.z * P.z);
    const s = m(4n * P.x * yy);
    const mm = this.aIsMinus3
      ? m(3n * (P.x + p - zz) * (P.x + zz))
      : m(3n * m(P.x * P.x) + this.c.a * m(zz * zz));
    const x3 = m(mm * mm + 2n * (p - s));
    const y3 = m(mm * (s + p - x3) + 8n * (p - m(yy * yy)));
    const z3 = m(2n * P.y * P.z);
    return { x: x3, y: y3, z: z3 };
  }

  /** Jacobian + affine. */
  private addMixed(P: Jac, Q: Aff): Jac {
    if (P.z === 0n) return { x: Q.x, y: Q.y, z: 1n };
    const m = this.modPFast;
    const p = this.c.p;
    const z1z1 = m(P.z * P.z);
    const u2 = m(Q.x * z1z1);
    const s2 = m(Q.y * m(P.z * z1z1));
    let h = u2 - P.x;
    if (h < 0n) h += p;
    let r = s2 - P.y;
    if (r < 0n) r += p;
    if (h === 0n) return r === 0n ? this.dbl(P) : INF;
    const hh = m(h * h);
    const hhh = m(h * hh);
    const v = m(P.x * hh);
    const x3 = m(r * r + 3n * p - hhh - 2n * v);
    const y3 = m(r * (v + p - x3) + (p - P.y) * hhh);
    return { x: x3, y: y3, z: m(P.z * h) };
  }

  /** Jacobian + Jacobian (table building only). */
  private add(P: Jac, Q: Jac): Jac {
    if (P.z === 0n) return Q;
    if (Q.z === 0n) return P;
    const m = this.modP;
    const z1z1 = m(P.z * P.z);
    const z2z2 = m(Q.z * Q.z);
    const u1 = m(P.x * z2z2);
    const u2 = m(Q.x * z1z1);
    const s1 = m(P.y * Q.z * z2z2);
    const s2 = m(Q.y * P.z * z1z1);
    const h = m(u2 - u1);
    const r = m(s2 - s1);
    if (h === 0n) return r === 0n ? this.dbl(P) : INF;
    const hh = m(h * h);
    const hhh = m(h * hh);
    const v = m(u1 * hh);
    const x3 = m(r * r - hhh - 2n * v);
    const y3 = m(r * (v - x3) - s1 * hhh);
    return { x: x3, y: y3, z: m(P.z * Q.z * h) };
  }

  /** Affine forms of many points with one inversion (Montgomery's trick); none may be at infinity. */
  private normalizeAll(points: Jac[]): Aff[] {
    const m = this.modP;
    const prefix: bigint[] = [];
    let acc = 1n;
    for (const P of points) {
      prefix.push(acc);
      acc = m(acc * P.z);
    }
    let inv = this.inv(acc);
    const out: Aff[] = new Array<Aff>(points.length);
    for (let i = points.length - 1; i >= 0; i--) {
      const zi = m(inv * prefix[i]);
      inv = m(inv * points[i].z);
      const zi2 = m(zi * zi);
      out[i] = { x: m(points[i].x * zi2), y: m(points[i].y * m(zi2 * zi)) };
    }
    return out;
  }

  private toAffine(P: Jac): Aff | undefined {
    if (P.z === 0n) return undefined;
    const zi = this.inv(P.z);
    const zi2 = this.modP(zi * zi);
    return { x: this.modP(P.x * zi2), y: this.modP(P.y * this.modP(zi2 * zi)) };
  }

  /**
   * rows[i][j] = (j+1)·2^(w·i)·P for j < 2^(w−1), affine, with one row more than a 256-bit scalar has digits
   * (for the last carry of the signed recoding): k·P is then one addition per non-zero digit and no doubling.
   */
  private combTable(P: Aff, w: number): Aff[][] {
    const half = 1 << (w - 1);
    const count = Math.ceil(256 / w) + 1;
    const rows: Jac[][] = [];
    let base: Jac = { x: P.x, y: P.y, z: 1n };
    for (let i = 0; i < count; i++) {
      const row: Jac[] = [base, this.dbl(base)];
      for (let j = 2; j < half; j++) row.push(this.add(row[j - 1], base));
      rows.push(row);
      base = this.dbl(row[half - 1]);
    }
    const flat = this.normalizeAll(rows.flat());
    return rows.map((_, i) => flat.slice(i * half, (i + 1) * half));
  }

  /** k·P from its comb table, k in signed base-2^w digits (−2^(w−1) < d ≤ 2^(w−1)): a negative digit adds a point negated. */
  private mulComb(k: bigint, t: Aff[][], w: number): Jac {
    const p = this.c.p;
    const size = 1 << w;
    const mask = BigInt(size - 1);
    const shift = BigInt(w);
    let R: Jac = INF;
    let carry = 0;
    for (let i = 0; i < t.length; i++) {
      let d = Number(k & mask) + carry;
      k >>= shift;
      carry = 0;
      if (d > size >> 1) {
        d -= size;
        carry = 1;
      }
      if (d > 0) R = this.addMixed(R, t[i][d - 1]);
      else if (d < 0) {
        const Q = t[i][-d - 1];
        R = this.addMixed(R, { x: Q.x, y: p - Q.y });
      }
    }
    return R;
  }

  private mulBase(k: bigint): Jac {
    this.baseTable ??= this.combTable({ x: this.c.x, y: this.c.y }, BASE_WINDOW);
    return this.mulComb(k, this.baseTable, BASE_WINDOW);
  }

  /** How many public-key tables this curve has built (each costs about ten verifications). */
  keyTablesBuilt = 0;

  /**
   * k·Q with a comb table per public key, kept for the 64 keys seen most recently: building one costs about as much as
   * ten verifications, and a network verifies the same few hundred signers' keys again and again. A key that is not
   * worth a table (`keepTable` false: one a sender chose, not one the directory registers or trusts) is multiplied
   * once by signed 4-bit windows instead, so a sender cannot make the gateway build tables for keys of its choosing.
   */
  private mulPoint(k: bigint, Q: Aff, keepTable: boolean): Jac {
    const id = `${Q.x.toString(16)}:${Q.y.toString(16)}`;
    let t = this.keyTables.get(id);
    if (!t) {
      if (!keepTable) return this.mulWindowed(k, Q);
      t = this.combTable(Q, KEY_WINDOW);
      this.keyTablesBuilt++;
      if (this.keyTables.size >= 64) this.keyTables.delete(this.keyTables.keys().next().value as string);
      this.keyTables.set(id, t);
    }
    return this.mulComb(k, t, KEY_WINDOW);
  }

  /** k·Q by signed 4-bit windows from the top, over the eight multiples of Q (public values only). */
  private mulWindowed(k: bigint, Q: Aff): Jac {
    const base: Jac = { x: Q.x, y: Q.y, z: 1n };
    const multiples: Jac[] = [base, this.dbl(base)];
    for (let j = 2; j < 8; j++) multiples.push(this.add(multiples[j - 1], base));
    const digits: number[] = [];
    let carry = 0;
    for (let i = 0; i < 65; i++) {
      let d = Number(k & 15n) + carry;
      k >>= 4n;
      carry = 0;
      if (d > 8) {
        d -= 16;
        carry = 1;
      }
      digits.push(d);
    }
    const p = this.c.p;
    let R: Jac = INF;
    for (let i = digits.length - 1; i >= 0; i--) {
      R = this.dbl(this.dbl(this.dbl(this.dbl(R))));
      const d = digits[i];
      if (d > 0) R = this.add(R, multiples[d - 1]);
      else if (d < 0) {
        const M = multiples[-d - 1];
        R = this.add(R, { x: M.x, y: p - M.y, z: M.z });
      }
    }
    return R;
  }

  isOnCurve(P: Aff): boolean {
    const { p, a, b } = this.c;
    if (P.x < 0n || P.x >= p || P.y < 0n || P.y >= p) return false;
    return this.modP(P.y * P.y - (P.x * P.x * P.x + a * P.x + b)) === 0n;
  }

  /** d·G for a private key d (0 < d < q), by the constant-time multiplication. */
  publicKey(d: bigint): Aff {
    return mulSecret(this.c, d);
  }

  /** §6.1 with the standard's random k (decision record 0023): a fresh one for each signature, never a given one. */
  sign(d: bigint, e: bigint): { r: bigint; s: bigint } {
    for (;;) {
      const k = randomNonZero(this.c.q);
      const signature = signWithNonce(this.c, d, e, k);
      if (signature) return signature;
    }
  }

  /** §6.2; `keepTable` false for a key not worth a table (see mulPoint). */
  verify(Q: Aff, e: bigint, r: bigint, s: bigint, keepTable = true): boolean {
    const { q } = this.c;
    if (r <= 0n || r >= q || s <= 0n || s >= q || !this.isOnCurve(Q)) return false;
    e %= q;
    if (e === 0n) e = 1n;
    const v = modInverse(e, q);
    const z1 = (s * v) % q;
    const z2 = q - ((r * v) % q);
    const C = this.toAffine(this.add(this.mulBase(z1), this.mulPoint(z2, Q, keepTable)));
    return C !== undefined && C.x % q === r;
  }
}

/** noble's points for signing on one curve: the generator G, and H = h·G for a random h drawn once (see mulSecret). */
interface SecretArithmetic {
  G: WeierstrassPoint<bigint>;
  H: WeierstrassPoint<bigint>;
  hInverse: bigint;
}

const secretArithmetic = new WeakMap<CurveParams, SecretArithmetic>();

function secretPoints(c: CurveParams): SecretArithmetic {
  let found = secretArithmetic.get(c);
  if (!found) {
    const field = Field(c.p);
    // noble inverts with the extended Euclidean algorithm, whose running time follows its input: here the Z of k·G,
    // from which a few bits of k can be learned (Naccache et al., "Projective coordinates leak", 2004). Inverting
    // x·β for a fresh random β and multiplying by β again makes that time independent of x, at the cost of two
    // multiplications; Fermat's x^(p−2) with noble's pow was three times slower here (decision record 0023).
    const blinded: IField<bigint> = Object.freeze({
      ...field,
      inv: (x: bigint) => {
        const beta = randomNonZero(c.p);
        return field.mul(field.inv(field.mul(x, beta)), beta);
      },
    });
    const Fn = Field(c.q);
    const points = weierstrassN(
      { p: c.p, n: c.q, h: 1n, a: c.a, b: c.b, Gx: c.x, Gy: c.y },
      { Fp: blinded, Fn },
    );
    const h = randomNonZero(c.q);
    // Window 10 instead of noble's 8: 27 additions a multiplication instead of 33, for tables built once (about 0.5 s
    // and 13,824 points each); each addition is the same whatever the digit, so only speed changes.
    found = {
      G: points.BASE.precompute(10),
      H: points.BASE.multiply(h).precompute(10),
      hInverse: Fn.inv(h),
    };
    secretArithmetic.set(c, found);
  }
  return found;
}

/**
 * Random bytes drawn 4 KB at a time: a signature takes five draws (k, a share of it, three blinding factors), and a
 * call into the CSPRNG cost more than its bytes (5 % of a signature). Bytes are zeroed as they are taken, so the pool
 * never holds one that was used.
 */
let pool = Buffer.alloc(0);
let poolAt = 0;

/** Uniform in [1, m): 64 bits beyond m's 256 leave the bias of the reduction below 2^−64. */
function randomNonZero(m: bigint): bigint {
  for (;;) {
    if (poolAt + 40 > pool.length) {
      pool = randomBytes(4096);
      poolAt = 0;
    }
    const x = BigInt('0x' + pool.toString('hex', poolAt, poolAt + 40)) % m;
    pool.fill(0, poolAt, poolAt + 40);
    poolAt += 40;
    if (x !== 0n) return x;
  }
}

/**
 * k·G for a secret k (0 < k < q) as k₁·G + k₂·H, with k₁ uniformly random and k₂ = (k − k₁)·h⁻¹ mod q. One
 * multiplication of k itself took about 1 % longer when k had no zero byte (noble's decoy accumulator then stays the
 * generator, Z = 1, and multiplying by that 1 is faster), so k is split into shares that are each uniform whatever k
 * is. Two shares over the same table still leaked: for a short k, k − k₁ ≈ −k₁ reads the table entries k₁ just
 * read, warm in the CPU's cache (about 0.6 %, t ≈ 4–5 over 300 pairs); the second share therefore multiplies H,
 * whose table is other memory. Measured in decision record 0023.
 */
function mulSecret(c: CurveParams, k: bigint): Aff {
  const { q } = c;
  const { G, H, hInverse } = secretPoints(c);
  for (;;) {
    const k1 = randomNonZero(q);
    const k2 = ((k + q - k1) * hInverse) % q;
    if (k2 !== 0n) return G.multiply(k1).add(H.multiply(k2)).toAffine();
  }
}

/**
 * §6.1 steps 4–6 for a given nonce k (0 < k < q): undefined when r or s comes out 0 (draw another k). Not part of the
 * package's API (index.ts does not export it, no Signer reaches it): `GostCurve.sign` draws k itself, and only the
 * tests pass one, to reproduce the standard's worked example and node-gost-crypto's signatures.
 */
export function signWithNonce(
  c: CurveParams,
  d: bigint,
  e: bigint,
  k: bigint,
): { r: bigint; s: bigint } | undefined {
  const { q } = c;
  if (k <= 0n || k >= q) throw new RangeError('a GOST R 34.10-2012 nonce is 0 < k < q');
  e %= q;
  if (e === 0n) e = 1n;
  const r = mulSecret(c, k).x % q;
  if (r === 0n) return undefined;
  // BigInt multiplication takes time by the operands' lengths; k + q has q's bit length plus one for every k, so a
  // nonce with leading zero bits does not make this product faster.
  const s = (r * d + (k + q) * e) % q;
  return s === 0n ? undefined : { r, s };
}

/** Little-endian bytes ↔ integers: how GOST keys and digests are read (RFC 4491 / RFC 9215). */
export function leToBig(bytes: Uint8Array): bigint {
  return bytes.length ? BigInt('0x' + Buffer.from(bytes).reverse().toString('hex')) : 0n;
}

export function bigToLe(n: bigint, length = 32): Uint8Array {
  return new Uint8Array(Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex').reverse());
}

export function bigToBe(n: bigint, length = 32): Uint8Array {
  return new Uint8Array(Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex'));
}
