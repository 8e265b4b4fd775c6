import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GatewayStore } from '../../../gateway/src/store/store.js';
import { migrateRosterIndex, Roster, type RosterEntry } from '../../../gateway/src/workflows/roster.js';

const person = (middleName?: string) => ({
  lastName: 'Ёлкина',
  firstName: 'Анна',
  ...(middleName ? { middleName } : {}),
  birthDate: '1984-08-30',
});
const entry = (policy: string, middleName?: string): RosterEntry => ({
  insurer: 'INS',
  policyNumber: policy,
  programme: { code: 'APP', name: 'APP' },
  person: person(middleName),
  from: '2026-01-01',
  to: '2026-12-31',
  listId: 'L',
  rowId: policy,
});

describe('roster: a search by name without the middle name, and the index migration', () => {
  let dir: string;
  let store: GatewayStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-names-'));
    store = await GatewayStore.open(dir, { key: new Uint8Array(randomBytes(32)) });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a person by last name, first name and birth date alone, and every namesake with them', async () => {
    const roster = new Roster(store, 'CLINIC');
    await store.batch([
      ...roster.attachOps(entry('P-1', 'Петровна')),
      ...roster.attachOps(entry('P-2', 'Ивановна')),
      ...new Roster(store, 'OTHER').attachOps(entry('P-3', 'Сергеевна')),
    ]);
    expect(
      (await roster.byName('ЕЛКИНА', 'анна', undefined, '1984-08-30')).map((e) => e.policyNumber),
    ).to.have.members(['P-1', 'P-2']);
    expect(
      (await roster.byName('Ёлкина', 'Анна', 'петровна', '1984-08-30')).map((e) => e.policyNumber),
    ).to.deep.equal(['P-1']);
    expect(await roster.byName('Ёлкина', 'Анна', undefined, '1984-08-31')).to.deep.equal([]);
  });

  it('writes the short name keys for entries stored before them, once, in every scope', async () => {
    const roster = new Roster(store, 'CLINIC');
    const other = new Roster(store, 'OTHER');
    // A store as an older gateway left it: the entries and their full-name keys, no short-name keys, no version.
    const older = [...roster.attachOps(entry('P-1', 'Петровна')), ...other.attachOps(entry('P-9'))].filter(
      (op) => !op.key.startsWith('m\u0000'),
    );
    expect(older).to.have.length(4);
    await store.batch(older);
    expect(await roster.byName('Ёлкина', 'Анна', undefined, '1984-08-30')).to.deep.equal([]);
    expect(await migrateRosterIndex(store)).to.deep.equal({ written: 2 });
    expect(
      (await roster.byName('Ёлкина', 'Анна', undefined, '1984-08-30')).map((e) => e.policyNumber),
    ).to.deep.equal(['P-1']);
    expect((await other.byName('Ёлкина', 'Анна', '', '1984-08-30')).map((e) => e.policyNumber)).to.deep.equal(
      ['P-9'],
    );
    expect(await migrateRosterIndex(store)).to.deep.equal({ written: 0 });
  });
});
