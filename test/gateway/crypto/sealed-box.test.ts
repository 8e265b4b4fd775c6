import { expect } from 'chai';
import fc from 'fast-check';
import { sodium } from '../../../gateway/src/crypto/index.js';
import { boxSeal, boxSealOpen, SEAL_BYTES } from '../../../gateway/src/crypto/sealed-box.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('gateway crypto: sealed box with native X25519, byte-compatible with libsodium', () => {
  it('libsodium opens what we seal and we open what libsodium seals, at any size (fast-check)', async () => {
    const libsodium = await sodium();
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 70_000 })), (m) => {
        const kp = libsodium.crypto_box_keypair();
        const ours = boxSeal(libsodium, m, kp.publicKey);
        expect(ours.length).to.equal(m.length + SEAL_BYTES);
        expect(ours.length).to.equal(m.length + libsodium.crypto_box_SEALBYTES);
        expect(same(libsodium.crypto_box_seal_open(ours, kp.publicKey, kp.privateKey), m)).to.equal(true);
        const theirs = libsodium.crypto_box_seal(m, kp.publicKey);
        expect(same(boxSealOpen(libsodium, theirs, kp.publicKey, kp.privateKey), m)).to.equal(true);
      }),
      { numRuns: 120 },
    );
  });

  it('a megabyte both ways, and the same key objects reused across messages', async () => {
    const libsodium = await sodium();
    const kp = libsodium.crypto_box_keypair();
    const m = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    for (let i = 0; i < 3; i++) {
      expect(
        same(
          libsodium.crypto_box_seal_open(boxSeal(libsodium, m, kp.publicKey), kp.publicKey, kp.privateKey),
          m,
        ),
      ).to.be.true;
      expect(
        same(
          boxSealOpen(libsodium, libsodium.crypto_box_seal(m, kp.publicKey), kp.publicKey, kp.privateKey),
          m,
        ),
      ).to.be.true;
    }
  });

  it('draws a fresh ephemeral key for every message', async () => {
    const libsodium = await sodium();
    const kp = libsodium.crypto_box_keypair();
    const m = Buffer.from('same message');
    const a = boxSeal(libsodium, m, kp.publicKey);
    const b = boxSeal(libsodium, m, kp.publicKey);
    expect(same(a.subarray(0, 32), b.subarray(0, 32))).to.equal(false);
    expect(same(a, b)).to.equal(false);
  });

  it('refuses any changed byte, another recipient and a short box, as libsodium does (fast-check)', async () => {
    const libsodium = await sodium();
    const kp = libsodium.crypto_box_keypair();
    const other = libsodium.crypto_box_keypair();
    const m = Buffer.from('{"v":1,"document":"…"}');
    const sealed = boxSeal(libsodium, m, kp.publicKey);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sealed.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, flip) => {
          const bad = Uint8Array.from(sealed);
          bad[at] ^= flip;
          expect(() => boxSealOpen(libsodium, bad, kp.publicKey, kp.privateKey)).to.throw();
          expect(() => libsodium.crypto_box_seal_open(bad, kp.publicKey, kp.privateKey)).to.throw();
        },
      ),
      { numRuns: 100 },
    );
    expect(() => boxSealOpen(libsodium, sealed, other.publicKey, other.privateKey)).to.throw();
    expect(() =>
      boxSealOpen(libsodium, sealed.subarray(0, SEAL_BYTES - 1), kp.publicKey, kp.privateKey),
    ).to.throw();
  });

  it('refuses a low-order recipient key when sealing and a low-order ephemeral key when opening', async () => {
    const libsodium = await sodium();
    const kp = libsodium.crypto_box_keypair();
    const zero = new Uint8Array(32);
    const m = Buffer.from('x');
    expect(() => libsodium.crypto_box_seal(m, zero)).to.throw();
    expect(() => boxSeal(libsodium, m, zero)).to.throw();
    const sealed = libsodium.crypto_box_seal(m, kp.publicKey);
    sealed.fill(0, 0, 32);
    expect(() => boxSealOpen(libsodium, sealed, kp.publicKey, kp.privateKey)).to.throw();
  });
});
