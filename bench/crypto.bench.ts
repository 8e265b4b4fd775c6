// Sign+seal and open+verify throughput, each beside a reference pipeline of the plain primitives on the same document
// (canonical JSON, Ed25519, deflate, libsodium's crypto_box_seal) and beside raw crypto_secretbox_easy, in one run.
import { performance } from 'node:perf_hooks';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { generateDocument } from '@dmsnet/formats';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { ed25519Sign, ed25519Verify } from '../gateway/src/crypto/ed25519.js';
import {
  closeCryptoWorkers,
  generateParticipantKeys,
  openDocument,
  sealDocument,
  sodium,
} from '../gateway/src/crypto/index.js';
import { result, type Bench, type BenchResult } from './types.js';

/** Runs `fn` until at least `minMs` have passed (and at least `minRuns` times); returns runs per second. */
async function rate(fn: () => Promise<unknown> | unknown, minMs: number, minRuns: number): Promise<number> {
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < minMs) {
    await fn();
    runs++;
  }
  return runs / ((performance.now() - start) / 1000);
}

async function measure(label: string, rows: number, progress: (m: string) => void): Promise<BenchResult[]> {
  const libsodium = await sodium();
  const [sender, recipient] = await Promise.all([generateParticipantKeys(), generateParticipantKeys()]);
  const document =
    rows === 0
      ? generateDocument('guarantee-letter', { seed: 11 })
      : generateDocument('insured-list', { rows, seed: 11 });
  const bytes = Buffer.from(JSON.stringify(document), 'utf8');
  const mb = bytes.length / (1024 * 1024);
  progress(`crypto ${label}: document of ${bytes.length} bytes`);
  const seal = () =>
    sealDocument({
      document,
      signSecretKey: sender.signSecretKey,
      senderId: 'S',
      keyVersion: 1,
      recipientBoxPublicKey: recipient.boxPublicKey,
    });
  const ciphertext = await seal();
  const open = () =>
    openDocument({
      ciphertext,
      boxPublicKey: recipient.boxPublicKey,
      boxSecretKey: recipient.boxSecretKey,
      resolveSignKey: async () => sender.signPublicKey,
    });
  // The reference does exactly what sealing must do, with each primitive called plainly: canonical JSON of the
  // document, an Ed25519 signature (node:crypto, the fastest here), deflate, and libsodium's crypto_box_seal.
  const referenceSeal = () => {
    const signed = Buffer.from(canonicalJson({ header: document.header, body: document.body }), 'utf8');
    const signature = ed25519Sign(signed, sender.signSecretKey);
    const compressed = deflateRawSync(signed, { level: 6 });
    return [signature, libsodium.crypto_box_seal(compressed, recipient.boxPublicKey)] as const;
  };
  const [refSignature, refSealed] = referenceSeal();
  const referenceOpen = () => {
    const signed = inflateRawSync(
      libsodium.crypto_box_seal_open(refSealed, recipient.boxPublicKey, recipient.boxSecretKey),
    );
    if (!ed25519Verify(refSignature, signed, sender.signPublicKey))
      throw new Error('reference does not verify');
    return JSON.parse(signed.toString('utf8')) as unknown;
  };
  const key = libsodium.crypto_secretbox_keygen();
  const nonce = libsodium.randombytes_buf(libsodium.crypto_secretbox_NONCEBYTES);
  const box = libsodium.crypto_secretbox_easy(bytes, nonce, key);
  const minMs = 2000;
  const minRuns = 3;
  const secretbox = await rate(() => libsodium.crypto_secretbox_easy(bytes, nonce, key), minMs, minRuns);
  const unbox = await rate(() => libsodium.crypto_secretbox_open_easy(box, nonce, key), minMs, minRuns);
  const sealRate = await rate(seal, minMs, minRuns);
  const referenceSealRate = await rate(referenceSeal, minMs, minRuns);
  const openRate = await rate(open, minMs, minRuns);
  const referenceOpenRate = await rate(referenceOpen, minMs, minRuns);
  return [
    result(
      `sign+seal ${label}`,
      sealRate,
      'docs/s',
      'canonical JSON + Ed25519 + deflate + crypto_box_seal',
      referenceSealRate,
      label === '2 KB' ? 'at least 0.5x the reference' : undefined,
    ),
    result(
      `open+verify ${label}`,
      openRate,
      'docs/s',
      'crypto_box_seal_open + inflate + Ed25519 verify + JSON.parse',
      referenceOpenRate,
    ),
    result(`sign+seal ${label}`, sealRate * mb, 'MB/s', 'crypto_secretbox_easy', secretbox * mb),
    result(`open+verify ${label}`, openRate * mb, 'MB/s', 'crypto_secretbox_open_easy', unbox * mb),
  ];
}

export const benches: Bench[] = [
  {
    name: 'crypto',
    async run({ progress }) {
      try {
        // A guarantee letter is ~2 KB; 15,000 list rows are ~5 MB of JSON.
        return [...(await measure('2 KB', 0, progress)), ...(await measure('5 MB', 15000, progress))];
      } finally {
        await closeCryptoWorkers();
      }
    },
  },
];
