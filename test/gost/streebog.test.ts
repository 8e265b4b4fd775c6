// dmsnet's Streebog-256 (decision record 0022) against the standard's examples and, for any input, against
// node-gost-crypto's independent implementation; OpenSSL's md_gost12_256 is checked in primitives.test.ts.
import { expect } from 'chai';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import GostDigest from 'node-gost-crypto/lib/gostDigest.js';
import { streebog256 } from '@dmsnet/gost/streebog';

const library = new GostDigest({ name: 'GOST R 34.11', version: 2012, length: 256 });
const hex = (u: Uint8Array | ArrayBuffer) =>
  Buffer.from(u instanceof Uint8Array ? u : new Uint8Array(u)).toString('hex');
/** RFC 6986 prints digests most significant byte first; streebog256 returns them least significant first. */
const printed = (u: Uint8Array) => Buffer.from(u).reverse().toString('hex');

describe('Streebog-256 (GOST R 34.11-2012)', () => {
  it('gives RFC 6986 example M1 (63 bytes, one padded block)', () => {
    const m1 = Buffer.from('012345678901234567890123456789012345678901234567890123456789012', 'ascii');
    expect(printed(streebog256(m1))).to.equal(
      '00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d',
    );
  });

  it('gives RFC 6986 example M2 (72 bytes: a whole block and a padded one)', () => {
    const m2 = iconv.encode(
      'Се ветри, Стрибожи внуци, веютъ с моря стрелами на храбрыя плъкы Игоревы',
      'win1251',
    );
    expect(m2.length).to.equal(72);
    expect(printed(streebog256(m2))).to.equal(
      '508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d',
    );
  });

  it('equals node-gost-crypto’s digest for random inputs of any length from 0 to 5000 bytes', () => {
    const around = fc.constantFrom(0, 1, 62, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097);
    const length = fc.oneof(around, fc.integer({ min: 0, max: 5000 }));
    const input = length.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    fc.assert(
      fc.property(input, (data) => {
        expect(hex(streebog256(data))).to.equal(hex(library.digest(data)));
      }),
      { numRuns: 300 },
    );
  });

  it('carries through the 512-bit checksum (all-0xff blocks) as node-gost-crypto does', () => {
    for (const n of [64, 128, 640, 6400 + 17]) {
      const data = new Uint8Array(n).fill(0xff);
      expect(hex(streebog256(data)), `length ${n}`).to.equal(hex(library.digest(data)));
    }
  });

  it('reads a view at any offset and leaves the input as it was', () => {
    const backing = new Uint8Array(300).map((_, i) => (i * 7 + 3) & 255);
    const before = hex(backing);
    for (const offset of [1, 2, 3, 5]) {
      const view = backing.subarray(offset, offset + 200);
      expect(hex(streebog256(view))).to.equal(hex(library.digest(Uint8Array.from(view))));
    }
    expect(hex(backing)).to.equal(before);
  });

  it('starts afresh on every call (no state carried from a previous digest)', () => {
    const a = Buffer.from('first document');
    const first = hex(streebog256(a));
    streebog256(new Uint8Array(1000).fill(0xaa));
    expect(hex(streebog256(a))).to.equal(first);
  });
});
