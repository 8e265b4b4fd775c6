// The node store sealed (every value XChaCha20-Poly1305, personal key parts blinded) beside the same store in clear:
// what "nothing personal in clear at rest" costs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { GatewayStore } from '../gateway/src/store/store.js';
import { result, type Bench } from './types.js';

const ENTRIES = 50_000;

function entry(i: number) {
  return {
    insurer: '1027700000000',
    policyNumber: `ДМС-77-${String(1_000_000 + i)}`,
    programme: { code: 'APP-HOME', name: 'Амбулаторно-поликлиническая помощь' },
    person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна', birthDate: '1985-03-12' },
    from: '2026-01-01',
    to: '2026-12-31',
    listId: 'insured-list-1',
    rowId: String(i),
  };
}

async function run(key?: Uint8Array): Promise<{ writes: number; reads: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-store-'));
  const store = await GatewayStore.open(dir, { key });
  try {
    const keys = Array.from({ length: ENTRIES }, (_, i) => `p\u0000${store.blind(entry(i).policyNumber)}`);
    let t = performance.now();
    for (let i = 0; i < ENTRIES; i += 1000) {
      await store.batch(
        keys
          .slice(i, i + 1000)
          .map((k, j) => ({ type: 'put' as const, sublevel: 'roster', key: k, value: entry(i + j) })),
      );
    }
    const writes = ENTRIES / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < ENTRIES; i += 7) await store.get('roster', keys[i]);
    const reads = Math.ceil(ENTRIES / 7) / ((performance.now() - t) / 1000);
    return { writes, reads };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const benches: Bench[] = [
  {
    name: 'store',
    async run({ progress }) {
      progress(`store: ${ENTRIES} roster entries in clear`);
      const plain = await run();
      progress(`store: ${ENTRIES} roster entries sealed`);
      const sealed = await run(new Uint8Array(randomBytes(32)));
      return [
        result(
          'sealed store: batch writes',
          sealed.writes,
          'values/s',
          'the same store in clear',
          plain.writes,
        ),
        result('sealed store: point reads', sealed.reads, 'values/s', 'the same store in clear', plain.reads),
      ];
    },
  },
];
