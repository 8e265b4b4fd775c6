// dmsnet's GOST R 34.10-2012 arithmetic (noble's multiplication for signing, signed-digit comb tables for verifying;
// decision records 0022 and 0023) against node-gost-crypto's independent implementation on CryptoPro-A, for random
import { expect } from 'chai';
import fc from 'fast-check';
import GostSign from 'node-gost-crypto/lib/gostSign.js';
import { bigToLe, CRYPTOPRO_A, GostCurve, leToBig, signWithNonce } from '@dmsnet/gost/gost3410';

const { q } = CRYPTOPRO_A;
const curve = new GostCurve(CRYPTOPRO_A);
const hex = (u: Uint8Array | ArrayBuffer) =>
  Buffer.from(u instanceof Uint8Array ? u : new Uint8Array(u)).toString('hex');
const repeat = (byte: string) => BigInt('0x' + byte.repeat(32)) % q;

/** Scalars whose base-256 and base-16 digits sit on the recoding's edges (±128, ±8, carries through every digit). */
const EDGES = [
  1n,
  2n,
  127n,
  128n,
  129n,
  255n,
  256n,
  q - 1n,
  q - 2n,
  q - 128n,
  repeat('80'),
  repeat('81'),
  repeat('7f'),
  repeat('88'),
  repeat('ff'),
  repeat('08'),
  (1n << 255n) % q,
  ((1n << 255n) - 1n) % q,
];

const scalar = fc.oneof(
  fc.constantFrom(...EDGES),
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => leToBig(b) % q)
    .filter((d) => d !== 0n),
);

function libraryPublicKey(d: bigint): string {
  const lib = new GostSign({ name: 'GOST R 34.10', version: 2012, namedCurve: 'S-256-A', ukm: bigToLe(d) });
  return hex(lib.generateKey().publicKey);
}

describe('GOST R 34.10-2012 arithmetic (CryptoPro-A)', () => {
  it('computes d·G as node-gost-crypto does, for edge and random scalars', () => {
    for (const d of EDGES) {
      const P = curve.publicKey(d);
      expect(hex(Buffer.concat([bigToLe(P.x), bigToLe(P.y)])), `d = ${d.toString(16)}`).to.equal(
        libraryPublicKey(d),
      );
    }
    fc.assert(
      fc.property(scalar, (d) => {
        const P = curve.publicKey(d);
        expect(hex(Buffer.concat([bigToLe(P.x), bigToLe(P.y)]))).to.equal(libraryPublicKey(d));
      }),
      { numRuns: 25 },
    );
  });

  it('makes the same (r, s) as node-gost-crypto for a given d, k and e, and verifies it', () => {
    fc.assert(
      fc.property(scalar, scalar, fc.uint8Array({ minLength: 32, maxLength: 32 }), (d, k, eBytes) => {
        const lib = new GostSign({
          name: 'GOST R 34.10',
          version: 2012,
          namedCurve: 'S-256-A',
          ukm: bigToLe(k),
          procreator: 'CP',
        });
        const sig = new Uint8Array(lib.sign(bigToLe(d), eBytes));
        const signature = signWithNonce(CRYPTOPRO_A, d, leToBig(eBytes), k);
        if (!signature) return expect.fail('r or s is 0 for this k');
        const { r, s } = signature;
        expect(r.toString(16).padStart(64, '0'), 'r').to.equal(hex(sig.slice(32)));
        expect(s.toString(16).padStart(64, '0'), 's').to.equal(hex(sig.slice(0, 32)));
        const Q = curve.publicKey(d);
        expect(curve.verify(Q, leToBig(eBytes), r, s)).to.be.true;
        expect(curve.verify(Q, leToBig(eBytes) + 1n, r, s)).to.be.false;
      }),
      { numRuns: 25 },
    );
  });

  it('verifies with the key table of a public key seen before and after other keys', () => {
    const keys = EDGES.slice(0, 6).map((d) => ({ d, Q: curve.publicKey(d) }));
    for (let round = 0; round < 2; round++) {
      for (const { d, Q } of keys) {
        const e = d * 7919n + 13n;
        const { r, s } = curve.sign(d, e);
        expect(curve.verify(Q, e, r, s)).to.be.true;
        expect(curve.verify(Q, e, r, q - s)).to.be.false;
      }
    }
  });
});
