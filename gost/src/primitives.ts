// GOST R 34.11-2012 (Streebog-256, streebog.ts) and GOST R 34.10-2012 (256-bit, gost3410.ts), checked against the
// standards' examples, node-gost-crypto's own Streebog and GOST R 34.10 and OpenSSL's GOST engine by the tests
// (decision records 0014 and 0022). Byte orders follow RFC 4491 /
// RFC 9215, the forms X.509 and CMS carry: a private key is 32 bytes little-endian, a public key x ‖ y each 32 bytes
// little-endian, a signature s ‖ r each 32 bytes big-endian.
import { randomBytes } from 'node:crypto';
import { bigToBe, bigToLe, CRYPTOPRO_A, GostCurve, leToBig } from './gost3410.js';
import { streebog256 } from './streebog.js';

/** The curve: CryptoPro-A (id-GostR3410-2001-CryptoPro-A-ParamSet), the one every certified provider accepts. */
const curve = new GostCurve(CRYPTOPRO_A);
/** The order q of the base point: a private key is 0 < d < q. */
const SUBGROUP_ORDER = CRYPTOPRO_A.q;

export { streebog256 };

export interface GostKeyPair {
  /** 32 bytes, little-endian. */
  privateKey: Uint8Array;
  /** 64 bytes: x ‖ y, each little-endian. */
  publicKey: Uint8Array;
}

/** A key pair from Node's CSPRNG. */
export function generateGostKeyPair(): GostKeyPair {
  let d = 0n;
  let bytes = new Uint8Array(32);
  while (d === 0n || d >= SUBGROUP_ORDER) {
    bytes = new Uint8Array(randomBytes(32));
    d = leToBig(bytes);
  }
  return { privateKey: bytes, publicKey: gostPublicKeyOf(bytes) };
}

function privateScalar(privateKey: Uint8Array): bigint {
  if (privateKey.length !== 32) throw new Error('a GOST R 34.10-2012 256-bit private key has 32 bytes');
  const d = leToBig(privateKey);
  if (d === 0n || d >= SUBGROUP_ORDER) throw new Error('a GOST R 34.10-2012 private key is 0 < d < q');
  return d;
}

export function gostPublicKeyOf(privateKey: Uint8Array): Uint8Array {
  const P = curve.publicKey(privateScalar(privateKey));
  return Buffer.concat([bigToLe(P.x), bigToLe(P.y)]);
}

/** Signs Streebog-256(data): 64 bytes s ‖ r. */
export function gostSign(privateKey: Uint8Array, data: Uint8Array): Uint8Array {
  const { r, s } = curve.sign(privateScalar(privateKey), leToBig(streebog256(data)));
  return Buffer.concat([bigToBe(s), bigToBe(r)]);
}

/** How many public-key lookup tables verification has built in this thread (see GostCurve.mulPoint). */
export function gostKeyTablesBuilt(): number {
  return curve.keyTablesBuilt;
}

/**
 * `keepTable` false for a key a sender chose (neither registered nor trusted): verified without building the lookup
 * table that makes later verifications with the same key fast.
 */
export function gostVerify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
  options: { keepTable?: boolean } = {},
): boolean {
  if (publicKey.length !== 64 || signature.length !== 64) return false;
  const Qpt = { x: leToBig(publicKey.subarray(0, 32)), y: leToBig(publicKey.subarray(32)) };
  const s = BigInt('0x' + Buffer.from(signature.subarray(0, 32)).toString('hex'));
  const r = BigInt('0x' + Buffer.from(signature.subarray(32)).toString('hex'));
  return curve.verify(Qpt, leToBig(streebog256(data)), r, s, options.keepTable ?? true);
}
