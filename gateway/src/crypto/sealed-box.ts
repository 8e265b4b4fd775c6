// libsodium's sealed box (crypto_box_seal), byte for byte, with the X25519 work done by Node's native crypto.
// libsodium-wrappers draws randomness from WebAssembly through a JavaScript callback four bytes at a time, and does
// both scalar multiplications in WebAssembly: together about two thirds of sealing a 2 KB document (measured with
// --cpu-prof). Here the ephemeral key pair comes from OpenSSL (its CSPRNG) and the shared secret from OpenSSL's X25519;
// HSalsa20, BLAKE2b and XSalsa20-Poly1305 stay in libsodium. Either side opens what the other sealed (decision
// record 0017).
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { Sodium } from './sodium.js';

/** Ephemeral public key ‖ Poly1305 tag: what a sealed box adds to its message (crypto_box_SEALBYTES). */
export const SEAL_BYTES = 32 + 16;

const ZERO16 = new Uint8Array(16);

/** crypto_core_hsalsa20 is exported by the sumo build at run time but missing from its type declarations. */
type WithHsalsa = Sodium & {
  crypto_core_hsalsa20(input: Uint8Array, key: Uint8Array, constant?: Uint8Array | null): Uint8Array;
};

const b64url = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64url');

// Keyed by the key's bytes, not the array: callers decode the same directory key into a new array each time.
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_CACHE_MAX = 1024;
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

function x25519Public(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error('an X25519 public key has 32 bytes');
  const x = b64url(raw);
  let k = publicKeys.get(x);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
    if (publicKeys.size >= PUBLIC_CACHE_MAX) publicKeys.clear();
    publicKeys.set(x, k);
  }
  return k;
}

function x25519Private(secretKey: Uint8Array, publicKey: Uint8Array): KeyObject {
  let k = privateKeys.get(secretKey);
  if (!k) {
    if (secretKey.length !== 32) throw new Error('an X25519 secret key has 32 bytes');
    k = createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: b64url(secretKey), x: b64url(publicKey) },
      format: 'jwk',
    });
    privateKeys.set(secretKey, k);
  }
  return k;
}

/**
 * crypto_box_beforenm from a shared X25519 secret: HSalsa20 with a zero input. OpenSSL refuses an all-zero secret (a
 * low-order point), as libsodium's crypto_scalarmult does.
 */
function boxKey(libsodium: Sodium, privateKey: KeyObject, publicKey: KeyObject): Uint8Array {
  const shared = diffieHellman({ privateKey, publicKey });
  try {
    return (libsodium as WithHsalsa).crypto_core_hsalsa20(ZERO16, shared, null);
  } finally {
    shared.fill(0);
  }
}

/** The sealed box's nonce: BLAKE2b-192 of the ephemeral public key followed by the recipient's. */
function sealNonce(libsodium: Sodium, ephemeralPk: Uint8Array, recipientPk: Uint8Array): Uint8Array {
  const input = new Uint8Array(64);
  input.set(ephemeralPk, 0);
  input.set(recipientPk, 32);
  return libsodium.crypto_generichash(24, input, null);
}

/** crypto_box_seal: ephemeral public key ‖ crypto_box_easy(message) under the derived nonce. */
export function boxSeal(libsodium: Sodium, message: Uint8Array, recipientPk: Uint8Array): Uint8Array {
  const recipient = x25519Public(recipientPk);
  const ephemeral = generateKeyPairSync('x25519');
  const epk = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const key = boxKey(libsodium, ephemeral.privateKey, recipient);
  try {
    const boxed = libsodium.crypto_box_easy_afternm(message, sealNonce(libsodium, epk, recipientPk), key);
    const out = new Uint8Array(32 + boxed.length);
    out.set(epk, 0);
    out.set(boxed, 32);
    return out;
  } finally {
    key.fill(0);
  }
}

/** crypto_box_seal_open; throws whatever is wrong (short input, a low-order key, a failed tag). */
export function boxSealOpen(
  libsodium: Sodium,
  ciphertext: Uint8Array,
  recipientPk: Uint8Array,
  recipientSk: Uint8Array,
): Uint8Array {
  if (ciphertext.length < SEAL_BYTES) throw new Error('a sealed box is at least 48 bytes');
  const epk = ciphertext.subarray(0, 32);
  const key = boxKey(libsodium, x25519Private(recipientSk, recipientPk), createEphemeralPublic(epk));
  try {
    return libsodium.crypto_box_open_easy_afternm(
      ciphertext.subarray(32),
      sealNonce(libsodium, epk, recipientPk),
      key,
    );
  } finally {
    key.fill(0);
  }
}

/** An ephemeral key is seen once: not cached. */
function createEphemeralPublic(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' });
}
