// A documentation file sealed as it streams (decision record 0056): libsodium's secretstream round trip at any size
// and chunking, and a sealed file that was cut, changed, extended or sealed to another participant does not open.
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { samplePdf, sha256Hex } from '@dmsnet/formats/attachments/sample-files';
import { generateParticipantKeys, sodium } from '../../../gateway/src/crypto/index.js';
import {
  ATTACHMENT_CHUNK_BYTES,
  openAttachmentStream,
  sealAttachmentStream,
} from '../../../gateway/src/crypto/attachment-stream.js';
import { sealAttachmentToFile } from '../../../gateway/src/workflows/documentation-files.js';

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(from, c);
    from = c;
  }
  yield bytes.subarray(from);
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function seal(bytes: Uint8Array, pk: Uint8Array, cuts: number[] = []): Promise<Buffer> {
  const libsodium = await sodium();
  const parts: Buffer[] = [];
  await sealAttachmentStream(libsodium, chunks(bytes, cuts), pk, (b) => void parts.push(Buffer.from(b)));
  return Buffer.concat(parts);
}

describe('gateway crypto: a documentation file sealed as a secretstream', () => {
  it('opens to the same bytes at any size and chunking, chunk boundaries included (fast-check)', async () => {
    const libsodium = await sodium();
    const kp = await generateParticipantKeys();
    const sizes = fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.constantFrom(
        ATTACHMENT_CHUNK_BYTES - 1,
        ATTACHMENT_CHUNK_BYTES,
        ATTACHMENT_CHUNK_BYTES + 1,
        3 * ATTACHMENT_CHUNK_BYTES,
      ),
      fc.integer({ min: 0, max: 300_000 }),
    );
    await fc.assert(
      fc.asyncProperty(sizes, fc.array(fc.nat(), { maxLength: 6 }), async (n, raw) => {
        const bytes = Buffer.alloc(n).map((_, i) => (i * 131 + n) & 0xff);
        const sealed = await seal(
          bytes,
          kp.boxPublicKey,
          raw.map((c) => c % (n + 1)),
        );
        const opened = await collect(
          openAttachmentStream(libsodium, chunks(sealed, [7, 100]), kp.boxPublicKey, kp.boxSecretKey),
        );
        expect(opened.equals(bytes)).to.equal(true);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a cut, a changed byte, appended bytes and another participant’s key', async () => {
    const libsodium = await sodium();
    const [kp, other] = await Promise.all([generateParticipantKeys(), generateParticipantKeys()]);
    const bytes = Buffer.alloc(3 * ATTACHMENT_CHUNK_BYTES + 5, 7);
    const sealed = await seal(bytes, kp.boxPublicKey);
    const open = (b: Buffer, k = kp) =>
      collect(openAttachmentStream(libsodium, chunks(b, []), k.boxPublicKey, k.boxSecretKey));
    const changed = Buffer.from(sealed);
    changed[changed.length - 100] ^= 1;
    // Cut at a frame boundary: the chunks before open, but the final one is missing.
    const frame = ATTACHMENT_CHUNK_BYTES + 17 + 4;
    const atBoundary = sealed.subarray(0, sealed.length - (bytes.length % ATTACHMENT_CHUNK_BYTES) - 17 - 4);
    for (const [label, b, k] of [
      ['cut', sealed.subarray(0, sealed.length - 10), kp],
      ['cut at a frame', atBoundary, kp],
      ['changed', changed, kp],
      ['appended', Buffer.concat([sealed, Buffer.from([0, 0, 0, 1, 9])]), kp],
      ['another key', sealed, other],
    ] as const) {
      let code: unknown;
      try {
        await open(b, k);
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code, label).to.equal('SEAL_OPEN_FAILED');
    }
    expect(frame).to.be.greaterThan(ATTACHMENT_CHUNK_BYTES);
  });

  it('keeps a file that is what its document says, sealed; refuses a lying one and keeps nothing of it', async () => {
    const libsodium = await sodium();
    const kp = await generateParticipantKeys();
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-docs-'));
    try {
      const pdf = samplePdf(2);
      const ok = await sealAttachmentToFile({
        libsodium,
        source: chunks(pdf, [10, 500]),
        declared: { mediaType: 'application/pdf', size: pdf.length, sha256: sha256Hex(pdf), pages: 2 },
        pointer: '/body/attachments/0',
        recipientBoxPublicKey: kp.boxPublicKey,
        file: path.join(dir, 'a'),
      });
      expect(ok.errors).to.deep.equal([]);
      const sealed = await readFile(path.join(dir, 'a'));
      expect(sealed.includes(Buffer.from('%PDF'))).to.equal(false);
      const opened = await collect(
        openAttachmentStream(libsodium, chunks(sealed, []), kp.boxPublicKey, kp.boxSecretKey),
      );
      expect(opened.equals(pdf)).to.equal(true);
      // A PDF declared as a PNG scan.
      const lie = await sealAttachmentToFile({
        libsodium,
        source: chunks(pdf, []),
        declared: { mediaType: 'image/png', size: pdf.length, sha256: sha256Hex(pdf) },
        pointer: '/body/attachments/1',
        recipientBoxPublicKey: kp.boxPublicKey,
        file: path.join(dir, 'b'),
      });
      expect(lie.errors.map((e) => e.code)).to.deep.equal(['ATTACHMENT_TYPE_MISMATCH']);
      // More bytes than declared: reading stops, nothing is kept.
      const big = Buffer.concat([pdf, Buffer.alloc(ATTACHMENT_CHUNK_BYTES * 4)]);
      const over = await sealAttachmentToFile({
        libsodium,
        source: chunks(big, [100, 70_000]),
        declared: { mediaType: 'application/pdf', size: pdf.length, sha256: sha256Hex(pdf), pages: 2 },
        pointer: '/body/attachments/2',
        recipientBoxPublicKey: kp.boxPublicKey,
        file: path.join(dir, 'c'),
      });
      expect(over.errors.map((e) => `${e.pointer} ${e.code}`)).to.deep.equal([
        '/body/attachments/2/size ATTACHMENT_SIZE_MISMATCH',
      ]);
      expect((await readdir(dir)).sort()).to.deep.equal(['a']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
