// Signing must not tell a nonce with leading zero bytes from a full-length one by its time (decision record 0023):
// a few hundred signatures with short nonces known from timing suffice to recover the private key by a lattice (as
// Minerva did to ECDSA). With these parameters the same check gave t ≈ 23–42 on the code before 0023 (82 µs a
// signature with a full-length k, 68 µs with 8 leading zero bytes) and t ≈ 4–5 on two shares of k over one table
// (see mulSecret); it flags noble's own variable-time multiplication below in every run, so a quiet result means no
// dependence rather than a check that sees nothing.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Field } from '@noble/curves/abstract/modular.js';
import { weierstrassN } from '@noble/curves/abstract/weierstrass.js';
import { CRYPTOPRO_A, signWithNonce } from '@dmsnet/gost/gost3410';
import { timingDifference } from './dudect.js';

const { q } = CRYPTOPRO_A;
const THRESHOLD = 4.5;
const random = (bytes: number) => BigInt('0x' + randomBytes(bytes).toString('hex'));

/** A nonce whose top byte is not zero. */
function fullLength(): bigint {
  for (;;) {
    const k = random(32) % q;
    if (k >> 248n) return k;
  }
}

/** A nonce with (at least) 8 leading zero bytes. */
function short(): bigint {
  for (;;) {
    const k = random(24);
    if (k !== 0n) return k;
  }
}

describe('GOST signing time and the nonce (dudect)', function () {
  this.timeout(60_000);

  it('signs in a time independent of the nonce’s leading zero bytes', () => {
    const d = fullLength();
    const e = random(32);
    const verdict = timingDifference(
      (k: bigint) => signWithNonce(CRYPTOPRO_A, d, e, k),
      [fullLength, short],
      600,
    );
    expect(Math.abs(verdict.t), JSON.stringify(verdict)).to.be.below(THRESHOLD);
  });

  it('sees the dependence where there is one: noble’s multiplyUnsafe, which skips zero digits', () => {
    const c = CRYPTOPRO_A;
    const Point = weierstrassN(
      { p: c.p, n: c.q, h: 1n, a: c.a, b: c.b, Gx: c.x, Gy: c.y },
      { Fp: Field(c.p), Fn: Field(c.q) },
    );
    // Not the generator: noble precomputes a table for it and then multiplies in constant time even when asked not to.
    const P = Point.BASE.double();
    const verdict = timingDifference((k: bigint) => P.multiplyUnsafe(k), [fullLength, short], 60);
    expect(verdict.t, JSON.stringify(verdict)).to.be.above(THRESHOLD);
  });
});
