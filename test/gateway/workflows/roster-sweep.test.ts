import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GatewayStore } from '../../../gateway/src/store/store.js';
import { Roster, type RosterEntry } from '../../../gateway/src/workflows/index.js';

const entry = (i: number, insurer: string, code: string): RosterEntry => ({
  insurer,
  policyNumber: `ДМС-77-${String(i).padStart(7, '0')}`,
  programme: { code, name: code },
  person: { lastName: `Фамилия${i}`, firstName: 'Имя', birthDate: '1980-01-01' },
  from: '2026-01-01',
  to: '2026-12-31',
  listId: 'L',
  rowId: String(i),
});

describe('roster: the many-policy sweep on a sealed, blinded store', () => {
  let dir: string;
  let store: GatewayStore;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-sweep-'));
    store = await GatewayStore.open(dir, { key: new Uint8Array(randomBytes(32)) });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers thousands of policies exactly as point lookups do, entries in key order, in every scope', async () => {
    const clinic = new Roster(store, 'CLINIC');
    const other = new Roster(store, 'OTHER');
    const ops = [];
    for (let i = 0; i < 6000; i++) {
      ops.push(...clinic.attachOps(entry(i, 'INS', 'APP')));
      // Every third person has a second entry (another insurer), every fifth is in another clinic's scope too.
      if (i % 3 === 0) ops.push(...clinic.attachOps(entry(i, 'INS2', 'DENT')));
      if (i % 5 === 0) ops.push(...other.attachOps(entry(i, 'INS', 'APP')));
    }
    await store.batch(ops);
    // 4,500 asked (several read chunks, both halves of the blinded key space), some twice, some not in the roster.
    const asked = Array.from({ length: 4500 }, (_, k) => entry((k * 13) % 7000, 'x', 'x').policyNumber);
    asked.push(asked[0]!.toLowerCase(), ` ${asked[1]!} `);
    const swept = await clinic.byPolicies(asked);
    expect(swept.size).to.equal(new Set(asked.map((p) => p.trim().toUpperCase())).size);
    let found = 0;
    for (const [policy, entries] of swept) {
      expect(entries, policy).to.deep.equal(await clinic.byPolicy(policy));
      found += entries.length;
    }
    expect(found).to.be.greaterThan(4000);
  });
});
