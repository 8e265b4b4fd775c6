// The in-process GOST implementation against the standards' worked examples and against OpenSSL's GOST engine.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import GostSign from 'node-gost-crypto/lib/gostSign.js';
import { generateGostKeyPair, gostPublicKeyOf, gostSign, gostVerify, streebog256 } from '@dmsnet/gost';
import { GostCurve, signWithNonce, TEST_CURVE } from '@dmsnet/gost/gost3410';
import { openssl, requireGostEngine } from './openssl.js';

const hex = (u: Uint8Array | ArrayBuffer) =>
  Buffer.from(u instanceof Uint8Array ? u : new Uint8Array(u)).toString('hex');
/** The standards print numbers most significant byte first; the primitives take them little-endian. */
const fromLittleEndianHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex').reverse());

describe('GOST primitives', () => {
  before(() => requireGostEngine());

  describe('GOST R 34.11-2012 (Streebog-256)', () => {
    it('gives the standard’s example 1 (the 63-byte digit string)', () => {
      const m1 = Buffer.from('012345678901234567890123456789012345678901234567890123456789012', 'ascii');
      expect(hex(streebog256(m1))).to.equal(
        '9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500',
      );
    });

    it('gives the standard’s example 2 (the 72-byte windows-1251 line of the Lay of Igor’s Campaign)', () => {
      const m2 = iconv.encode(
        'Се ветри, Стрибожи внуци, веютъ с моря стрелами на храбрыя плъкы Игоревы',
        'win1251',
      );
      expect(m2.length).to.equal(72);
      expect(hex(streebog256(m2))).to.equal(
        '9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50',
      );
    });

    it('agrees with OpenSSL’s md_gost12_256 on lengths around the 64-byte block', () => {
      for (const n of [0, 1, 63, 64, 65, 127, 128, 2048, 100_003]) {
        const data = randomBytes(n);
        const r = openssl(['dgst', '-engine', 'gost', '-md_gost12_256', '-r'], data);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.split(' ')[0], `length ${n}`).to.equal(hex(streebog256(data)));
      }
    });
  });

  describe('GOST R 34.10-2012 (256-bit)', () => {
    it('reproduces the standard’s Appendix A example: public key, r and s for the given d, k and e', () => {
      const curve = 'S-256-TEST';
      const d = fromLittleEndianHex('7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28');
      const k = fromLittleEndianHex('77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3');
      const e = fromLittleEndianHex('2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5');
      const pub = new Uint8Array(
        new GostSign({ name: 'GOST R 34.10', version: 2012, namedCurve: curve, ukm: d }).generateKey()
          .publicKey,
      );
      expect(hex(pub.slice(0, 32).reverse())).to.equal(
        '7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80b',
      );
      expect(hex(pub.slice(32).reverse())).to.equal(
        '26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77da',
      );
      const signer = new GostSign({
        name: 'GOST R 34.10',
        version: 2012,
        namedCurve: curve,
        ukm: k,
        procreator: 'CP',
      });
      const sig = new Uint8Array(signer.sign(d, e));
      expect(hex(sig.slice(32)), 'r').to.equal(
        '41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493',
      );
      expect(hex(sig.slice(0, 32)), 's').to.equal(
        '01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40',
      );
      const verifier = new GostSign({
        name: 'GOST R 34.10',
        version: 2012,
        namedCurve: curve,
        procreator: 'CP',
      });
      expect(verifier.verify(pub, sig, e)).to.be.true;
      const other = Uint8Array.from(e);
      other[0] ^= 1;
      expect(verifier.verify(pub, sig, other)).to.be.false;
    });

    it('dmsnet’s own arithmetic reproduces the same Appendix A example (public key, r, s) and verifies it', () => {
      const c = new GostCurve(TEST_CURVE);
      const d = 0x7a929ade789bb9be10ed359dd39a72c11b60961f49397eee1d19ce9891ec3b28n;
      const k = 0x77105c9b20bcd3122823c8cf6fcc7b956de33814e95b7fe64fed924594dceab3n;
      const e = 0x2dfbc1b372d89a1188c09c52e0eec61fce52032ab1022e8e67ece6672b043ee5n;
      const Q = c.publicKey(d);
      expect(Q.x.toString(16)).to.equal('7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80b');
      expect(Q.y.toString(16)).to.equal('26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77da');
      const signature = signWithNonce(TEST_CURVE, d, e, k);
      if (!signature) return expect.fail('the example’s k gives r and s');
      const { r, s } = signature;
      expect(r.toString(16)).to.equal('41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493');
      expect(s.toString(16)).to.equal('1456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40');
      expect(c.verify(Q, e, r, s)).to.be.true;
      expect(c.verify(Q, e + 1n, r, s)).to.be.false;
    });

    it('agrees with node-gost-crypto’s GOST R 34.10 both ways on CryptoPro-A', () => {
      const lib = new GostSign({
        name: 'GOST R 34.10',
        version: 2012,
        namedCurve: 'S-256-A',
        hash: { name: 'GOST R 34.11', version: 2012, length: 256 },
        procreator: 'CP',
      });
      for (let i = 0; i < 5; i++) {
        const { privateKey, publicKey } = generateGostKeyPair();
        const libPub = new Uint8Array(
          new GostSign({
            name: 'GOST R 34.10',
            version: 2012,
            namedCurve: 'S-256-A',
            ukm: privateKey,
          }).generateKey().publicKey,
        );
        expect(hex(publicKey)).to.equal(hex(libPub));
        const data = randomBytes(100 + i * 500);
        expect(lib.verify(publicKey, gostSign(privateKey, data), data), 'ours → library').to.be.true;
        expect(gostVerify(publicKey, new Uint8Array(lib.sign(privateKey, data)), data), 'library → ours').to
          .be.true;
      }
    });

    it('signs and verifies on CryptoPro-A; a changed byte, key or signature fails', () => {
      const { privateKey, publicKey } = generateGostKeyPair();
      expect(hex(gostPublicKeyOf(privateKey))).to.equal(hex(publicKey));
      const data = randomBytes(2048);
      const sig = gostSign(privateKey, data);
      expect(sig.length).to.equal(64);
      expect(gostVerify(publicKey, sig, data)).to.be.true;
      const d2 = Buffer.from(data);
      d2[100] ^= 0x80;
      expect(gostVerify(publicKey, sig, d2)).to.be.false;
      expect(gostVerify(generateGostKeyPair().publicKey, sig, data)).to.be.false;
      const s2 = Uint8Array.from(sig);
      s2[5] ^= 1;
      expect(gostVerify(publicKey, s2, data)).to.be.false;
      // Signing is randomised (a fresh k each time), as the standard requires.
      expect(hex(gostSign(privateKey, data))).to.not.equal(hex(sig));
    });
  });
});
