// Sign+seal and open+verify throughput beside raw crypto_secretbox_easy of the same bytes, in one run.
import { performance } from 'node:perf_hooks';
import { generateDocument } from '../formats/src/index.js';
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
  const na = await sodium();
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
  const key = na.crypto_secretbox_keygen();
  const nonce = na.randombytes_buf(na.crypto_secretbox_NONCEBYTES);
  const box = na.crypto_secretbox_easy(bytes, nonce, key);
  const minMs = 2000;
  const minRuns = 3;
  const secretbox = await rate(() => na.crypto_secretbox_easy(bytes, nonce, key), minMs, minRuns);
  const unbox = await rate(() => na.crypto_secretbox_open_easy(box, nonce, key), minMs, minRuns);
  const sealRate = await rate(seal, minMs, minRuns);
  const openRate = await rate(open, minMs, minRuns);
  return [
    result(`sign+seal ${label}`, sealRate, 'docs/s', 'crypto_secretbox_easy', secretbox),
    result(`sign+seal ${label}`, sealRate * mb, 'MB/s', 'crypto_secretbox_easy', secretbox * mb),
    result(`open+verify ${label}`, openRate, 'docs/s', 'crypto_secretbox_open_easy', unbox),
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
