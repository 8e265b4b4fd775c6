// GOST R 34.11-2012 (Streebog-256) and GOST R 34.10-2012 (256-bit) through node-gost-crypto, checked against the
// standards' examples and OpenSSL's GOST engine by the tests (decision record 0014). Byte orders follow RFC 4491 /
// RFC 9215, the forms X.509 and CMS carry: a private key is 32 bytes little-endian, a public key x ‖ y each 32 bytes
// little-endian, a signature s ‖ r each 32 bytes big-endian.
import { randomBytes } from 'node:crypto';
import GostDigest from 'node-gost-crypto/lib/gostDigest.js';
import GostSign from 'node-gost-crypto/lib/gostSign.js';

/** The curve: CryptoPro-A (id-GostR3410-2001-CryptoPro-A-ParamSet), the one every certified provider accepts. */
const CURVE = 'S-256-A';
/** q of that curve: a private key is 0 < d < q. */
const Q = BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893');

const digest256 = new GostDigest({ name: 'GOST R 34.11', version: 2012, length: 256 });
const signer = new GostSign({
  name: 'GOST R 34.10',
  version: 2012,
  namedCurve: CURVE,
  hash: { name: 'GOST R 34.11', version: 2012, length: 256 },
  procreator: 'CP',
});

export function streebog256(data: Uint8Array): Uint8Array {
  return new Uint8Array(digest256.digest(data));
}

export interface GostKeyPair {
  /** 32 bytes, little-endian. */
  privateKey: Uint8Array;
  /** 64 bytes: x ‖ y, each little-endian. */
  publicKey: Uint8Array;
}

/** A key pair from Node's CSPRNG (the library's own generator is not used for key material). */
export function generateGostKeyPair(): GostKeyPair {
  let d = 0n;
  let bytes = new Uint8Array(32);
  while (d === 0n || d >= Q) {
    bytes = new Uint8Array(randomBytes(32));
    d = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
  }
  return { privateKey: bytes, publicKey: gostPublicKeyOf(bytes) };
}

export function gostPublicKeyOf(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) throw new Error('a GOST R 34.10-2012 256-bit private key has 32 bytes');
  const g = new GostSign({ name: 'GOST R 34.10', version: 2012, namedCurve: CURVE, ukm: privateKey });
  return new Uint8Array(g.generateKey().publicKey);
}

/** Signs Streebog-256(data): 64 bytes s ‖ r. */
export function gostSign(privateKey: Uint8Array, data: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) throw new Error('a GOST R 34.10-2012 256-bit private key has 32 bytes');
  return new Uint8Array(signer.sign(privateKey, data));
}

export function gostVerify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  if (publicKey.length !== 64 || signature.length !== 64) return false;
  try {
    return signer.verify(publicKey, signature, data);
  } catch {
    return false;
  }
}
