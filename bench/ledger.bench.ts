// Sends per second on the embedded ledger (2 KB ciphertexts) beside raw level batch writes of the same records.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Level } from 'level';
import { bundledSchemaText, createRng, generateOgrn } from '@dmsnet/formats';
import { EmbeddedLedger } from '../embedded-ledger/src/index.js';
import { LocalCA } from '../node-config/src/local-ca.js';
import { result, type Bench } from './types.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const key32 = () => randomBytes(32).toString('base64');
const COUNT = 2000;

export const benches: Bench[] = [
  {
    name: 'ledger',
    async run({ progress }) {
      const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-ledger-'));
      try {
        const ca = await LocalCA.open(path.join(dir, 'ca'), 'BenchMSP');
        const ledger = await EmbeddedLedger.open({
          dir: path.join(dir, 'ledger'),
          msps: [{ mspId: 'BenchMSP', rootCertificate: ca.certificate }],
        });
        const rng = createRng(1);
        const [assoc, a, b] = [generateOgrn(rng), generateOgrn(rng), generateOgrn(rng)];
        const adminId = await ca.issue({ commonName: 'admin' });
        const admin = ledger.connect({ mspId: 'BenchMSP', ...adminId });
        const reg = (id: string, role: string, identities: unknown[]) =>
          admin.submit('directory:register', [
            JSON.stringify({ id, role, name: role, identities, keys: { x25519: key32(), ed25519: key32() } }),
          ]);
        await reg(assoc, 'association', [
          { mspId: 'BenchMSP', kind: 'certificate', certificate: adminId.certificate },
        ]);
        await reg(a, 'insurer', [{ mspId: 'BenchMSP', kind: 'attribute' }]);
        await reg(b, 'clinic', [{ mspId: 'BenchMSP', kind: 'attribute' }]);
        await admin.submit('formats:setRules', [JSON.stringify({ voterRoles: ['association'], quorum: 1 })]);
        const text = bundledSchemaText('insured-list', '1');
        await admin.submit('formats:propose', [
          JSON.stringify({
            type: 'insured-list',
            version: '1',
            schemaText: text,
            schemaHash: sha(text),
            effectiveFrom: '2020-01-01',
          }),
        ]);
        await admin.submit('formats:vote', ['insured-list', '1', 'yes']);
        const sender = ledger.connect({
          mspId: 'BenchMSP',
          ...(await ca.issue({ commonName: 'a', attributes: { 'dmsnet.participant': a } })),
        });
        const records = Array.from({ length: COUNT }, (_, i) => {
          const ct = new Uint8Array(randomBytes(2048));
          const env = {
            messageId: `${a}:b-${i}`,
            sender: a,
            addressee: b,
            documentType: 'insured-list',
            formatVersion: '1',
            ciphertextHash: sha(ct),
            size: ct.length,
            senderKeyVersion: 1,
          };
          return { ct, env };
        });
        progress(`ledger: ${COUNT} sends of 2 KB ciphertexts`);
        let t = performance.now();
        for (const r of records)
          await sender.submit('exchange:send', [JSON.stringify(r.env)], { ciphertext: r.ct });
        const ours = COUNT / ((performance.now() - t) / 1000);
        await ledger.close();

        progress(`ledger: raw level batches of the same records`);
        const raw = new Level<string, unknown>(path.join(dir, 'raw'), { valueEncoding: 'view' });
        const rawEnc = { valueEncoding: 'view' as const };
        t = performance.now();
        for (const r of records) {
          // The same writes a send makes: envelope, payload, two index entries, one block; one batch per record.
          await raw.batch([
            {
              type: 'put',
              key: `msg/${r.env.messageId}`,
              value: Buffer.from(JSON.stringify(r.env)),
              ...rawEnc,
            },
            { type: 'put', key: `payload/${r.env.messageId}`, value: r.ct, ...rawEnc },
            { type: 'put', key: `inbox/${b}/${r.env.messageId}`, value: Buffer.from([0]), ...rawEnc },
            { type: 'put', key: `outbox/${a}/${r.env.messageId}`, value: Buffer.from([0]), ...rawEnc },
            {
              type: 'put',
              key: `block/${r.env.messageId}`,
              value: Buffer.from(JSON.stringify(r.env)),
              ...rawEnc,
            },
          ]);
        }
        const baseline = COUNT / ((performance.now() - t) / 1000);
        await raw.close();
        return [
          result(
            'embedded ledger sends (2 KB)',
            ours,
            'tx/s',
            'raw level batch of the same writes',
            baseline,
          ),
        ];
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];
