// The roster: who may be treated, under which insurer and programme, from when to when. A clinic keeps one for
// itself; an insurer keeps one per clinic from the lists that clinic accepted, to check invoices against.
import type { FieldError } from '@dmsnet/formats/errors';
import type { InsuredListBody, InsuredListRow } from '@dmsnet/formats/types';
import type { BatchOp, GatewayStore } from '../store/store.js';
import type { RosterEntry } from './shapes.js';

/** Declared once with its JSON Schema (workflows/shapes.ts), which the roster's routes publish. */
export type { RosterEntry };

export interface Contract {
  insurer: string;
  number: string;
  from: string;
  to: string;
  /** Calendar days from the invoice date the payer has to pay (the contract's payment term). */
  paymentTermDays?: number;
}

/** Stable rule codes of roster application (see gateway/src/workflows/RULES.md). */
export const ROSTER_CODES = {
  duplicate: 'ROSTER_DUPLICATE_ROW',
  overlap: 'ROSTER_OVERLAP',
  notAttached: 'ROSTER_NOT_ATTACHED',
  unknownPerson: 'ROSTER_UNKNOWN_PERSON',
  outsideContract: 'ROSTER_OUTSIDE_CONTRACT',
  contractUnknown: 'ROSTER_CONTRACT_UNKNOWN',
  programmeUnknown: 'ROSTER_PROGRAMME_UNKNOWN',
} as const;

const SEP = '\u0000';
const SUB = 'roster';
/** How many swept keys are read together while the sweep goes on. */
const READ_CHUNK = 1000;
export const normPolicy = (p: string) => p.trim().toUpperCase();
export const normName = (last: string, first: string, middle?: string) =>
  [last, first, middle && middle.toUpperCase() !== 'НЕТ' ? middle : '']
    .map((s) => (s ?? '').trim().toUpperCase().replace(/Ё/g, 'Е'))
    .join(' ')
    .trim();

/** Key layout; personal parts (policy number, name with birth date) go through the store's blinding. */
const policyPrefix = (store: GatewayStore, scope: string, policy: string) =>
  `p${SEP}${scope}${SEP}${store.blind(normPolicy(policy))}${SEP}`;
const entryKey = (store: GatewayStore, scope: string, e: RosterEntry) =>
  `${policyPrefix(store, scope, e.policyNumber)}${e.insurer}${SEP}${e.programme.code}${SEP}${e.from}`;
const namePrefix = (
  store: GatewayStore,
  scope: string,
  last: string,
  first: string,
  middle: string | undefined,
  birthDate: string,
) => `n${SEP}${scope}${SEP}${store.blind(`${normName(last, first, middle)}${SEP}${birthDate}`)}${SEP}`;
const nameKey = (store: GatewayStore, scope: string, e: RosterEntry) =>
  `${namePrefix(store, scope, e.person.lastName, e.person.firstName, e.person.middleName, e.person.birthDate)}${entryKey(store, scope, e)}`;
/**
 * The same without the отчество: a registrar often leaves it out (or the person has none), and the name index blinds
 * the full name whole, so a search without it needs a key of its own. Prefix `m`, same layout (decision record 0027).
 */
const shortNamePrefix = (
  store: GatewayStore,
  scope: string,
  last: string,
  first: string,
  birthDate: string,
) => `m${SEP}${scope}${SEP}${store.blind(`${normName(last, first)}${SEP}${birthDate}`)}${SEP}`;
const shortNameKey = (store: GatewayStore, scope: string, e: RosterEntry) =>
  `${shortNamePrefix(store, scope, e.person.lastName, e.person.firstName, e.person.birthDate)}${entryKey(store, scope, e)}`;
/** Which index layout the roster's keys follow; 2 added the short name index. */
const INDEX_VERSION_KEY = `v${SEP}index`;
const INDEX_VERSION = 2;

/** Whether two entries are the same person: full name and birth date (one person may hold several policies). */
export const personKey = (e: RosterEntry) =>
  `${normName(e.person.lastName, e.person.firstName, e.person.middleName)}${SEP}${e.person.birthDate}`;

/**
 * Brings a store written before the short name index up to it: one sweep of every scope's entries, writing the
 * missing keys in batches, then the version, so a restart mid-way only repeats puts of the same keys.
 */
export async function migrateRosterIndex(store: GatewayStore): Promise<{ written: number }> {
  if (((await store.get<number>(SUB, INDEX_VERSION_KEY)) ?? 1) >= INDEX_VERSION) return { written: 0 };
  let ops: BatchOp[] = [];
  let written = 0;
  const prefix = `p${SEP}`;
  for await (const [key, e] of store
    .sublevel<RosterEntry>(SUB)
    .iterator({ gte: prefix, lt: prefix + '\uffff' })) {
    const scope = key.slice(prefix.length, key.indexOf(SEP, prefix.length));
    ops.push({ type: 'put', sublevel: SUB, key: shortNameKey(store, scope, e), value: key });
    if (ops.length >= READ_CHUNK) {
      written += ops.length;
      await store.batch(ops);
      ops = [];
    }
  }
  written += ops.length;
  ops.push({ type: 'put', sublevel: SUB, key: INDEX_VERSION_KEY, value: INDEX_VERSION });
  await store.batch(ops);
  return { written };
}

export interface RosterQuery {
  /** Part of the full name or of the policy number, in any case (Ё as Е). */
  q?: string;
  insurer?: string;
  programme?: string;
  /** Only entries in force on this date. */
  date?: string;
  limit: number;
  /** The key after which this page starts (a key carries blinded values only). */
  after?: string;
}

/** The person's fields an insured-list row carries into the roster. */
const personOf = (p: InsuredListRow['person']): RosterEntry['person'] => ({
  lastName: p.lastName,
  firstName: p.firstName,
  middleName: p.middleName,
  birthDate: p.birthDate,
  ...(p.sex ? { sex: p.sex } : {}),
});

const overlaps = (a: { from: string; to: string }, b: { from: string; to: string }) =>
  a.from <= b.to && b.from <= a.to;

export class Roster {
  constructor(
    private readonly store: GatewayStore,
    /** '' for a clinic's own roster; the clinic's id in an insurer's copy. */
    private readonly scope = '',
  ) {}

  /** The writes that add one entry and its name index (also a bulk loader's unit). */
  attachOps(e: RosterEntry): BatchOp[] {
    return [
      { type: 'put', sublevel: SUB, key: entryKey(this.store, this.scope, e), value: e },
      {
        type: 'put',
        sublevel: SUB,
        key: nameKey(this.store, this.scope, e),
        value: entryKey(this.store, this.scope, e),
      },
      {
        type: 'put',
        sublevel: SUB,
        key: shortNameKey(this.store, this.scope, e),
        value: entryKey(this.store, this.scope, e),
      },
    ];
  }

  /** Every entry of a policy number (all insurers and programmes): one short range scan. */
  async byPolicy(policy: string): Promise<RosterEntry[]> {
    const prefix = policyPrefix(this.store, this.scope, policy);
    const out: RosterEntry[] = [];
    for await (const v of this.store
      .sublevel<RosterEntry>(SUB)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(v);
    return out;
  }

  /**
   * Entries of many policies at once: point scans for a few, one sweep of this scope for many (an invoice of
   * thousands of lines reads the roster once instead of opening thousands of iterators).
   */
  async byPolicies(policies: readonly string[]): Promise<Map<string, RosterEntry[]>> {
    const wanted = new Set(policies.map(normPolicy));
    const out = new Map<string, RosterEntry[]>([...wanted].map((p) => [p, []]));
    if (wanted.size <= 500) {
      for (const p of wanted) out.set(p, await this.byPolicy(p));
      return out;
    }
    // Keys carry the policy: sweep keys only, then read just the entries an invoice names. The reads of each
    // stretch of the sweep start while the sweep goes on (LevelDB does both on its own threads), in key order.
    const prefix = `p${SEP}${this.scope}${SEP}`;
    const reads: Promise<Array<RosterEntry | undefined>>[] = [];
    const read = (keys: string[]) => {
      const r = this.store.getMany<RosterEntry>(SUB, keys);
      // Awaited after the sweep: until then a failed read must not count as an unhandled rejection.
      r.catch(() => undefined);
      reads.push(r);
    };
    let keys: string[] = [];
    // The first batch is asked for before the policies are hashed, so LevelDB reads while they are.
    const sweep = this.store.keyBatches(SUB, { gte: prefix, lt: prefix + '\uffff' });
    const batches = sweep[Symbol.asyncIterator]();
    const firstBatch = batches.next();
    firstBatch.catch(() => undefined);
    const blinded = new Set([...wanted].map((p) => this.store.blind(p)));
    for (let next = await firstBatch; !next.done; next = await batches.next()) {
      const batch = next.value;
      for (const k of batch) {
        const p = k.slice(prefix.length, k.indexOf(SEP, prefix.length));
        if (blinded.has(p)) keys.push(k);
      }
      if (keys.length >= READ_CHUNK) {
        read(keys);
        keys = [];
      }
    }
    read(keys);
    for (const entries of await Promise.all(reads)) {
      for (const e of entries) if (e) out.get(normPolicy(e.policyNumber))?.push(e);
    }
    return out;
  }

  /**
   * Entries by name and birth date. Without a middle name every person of that last name, first name and birth date
   * matches, whatever their отчество: the caller tells them apart (personKey).
   */
  async byName(
    lastName: string,
    firstName: string,
    middleName: string | undefined,
    birthDate: string,
  ): Promise<RosterEntry[]> {
    const prefix = middleName?.trim()
      ? namePrefix(this.store, this.scope, lastName, firstName, middleName, birthDate)
      : shortNamePrefix(this.store, this.scope, lastName, firstName, birthDate);
    const keys: string[] = [];
    for await (const v of this.store.sublevel<string>(SUB).values({ gte: prefix, lt: prefix + '\uffff' }))
      keys.push(v);
    const out: RosterEntry[] = [];
    for (const k of keys) {
      const e = await this.store.get<RosterEntry>(SUB, k);
      if (e) out.push(e);
    }
    return out;
  }

  /** Where this scope's entries lie: the range a page of the roster walks. */
  get range(): { gte: string; lt: string } {
    const prefix = `p${SEP}${this.scope}${SEP}`;
    return { gte: prefix, lt: prefix + '\uffff' };
  }

  /**
   * A page of the roster in key order (policy numbers are blinded in keys, so the order is stable but not
   * alphabetical). Filters are applied while walking: a search by name reads entries until the page is full, at
   * worst the whole roster (one sequential sweep, no index of name fragments that would keep names readable).
   */
  async page(o: RosterQuery): Promise<{ items: RosterEntry[]; next?: string }> {
    const { gte, lt } = this.range;
    const needle = o.q ? o.q.trim().toUpperCase().replace(/Ё/g, 'Е').replace(/\s+/g, ' ') : '';
    const matches = (e: RosterEntry) =>
      (!o.insurer || e.insurer === o.insurer) &&
      (!o.programme || e.programme.code === o.programme) &&
      (!o.date || (e.from <= o.date && o.date <= e.to)) &&
      (!needle ||
        normPolicy(e.policyNumber).includes(needle) ||
        normName(e.person.lastName, e.person.firstName, e.person.middleName).includes(needle));
    const items: RosterEntry[] = [];
    let last: string | undefined;
    const range = o.after && o.after >= gte && o.after < lt ? { gt: o.after, lt } : { gte, lt };
    for await (const [k, e] of this.store.sublevel<RosterEntry>(SUB).iterator(range)) {
      if (!matches(e)) continue;
      // One match beyond the page says there is a next page; the cursor is the last key served.
      if (items.length === o.limit) return { items, next: last };
      items.push(e);
      last = k;
    }
    return { items };
  }

  /** Who covers this person on this date, answered from the local roster. */
  async coverage(entries: RosterEntry[], date: string): Promise<RosterEntry[]> {
    return entries.filter((e) => e.from <= date && date <= e.to);
  }

  /**
   * Checks every row against the roster and the contracts; returns every error, or the writes that apply the whole
   * list at once (the caller commits them in one batch, so a list is applied entirely or not at all).
   */
  async plan(
    list: { documentId: string; insurer: string; body: InsuredListBody },
    contracts: readonly Contract[],
  ): Promise<{ errors: FieldError[]; ops: BatchOp[] }> {
    const errors: FieldError[] = [];
    const ops: BatchOp[] = [];
    const err = (i: number, field: string, code: string, message: string) =>
      errors.push({ pointer: `/body/rows/${i}${field}`, code, message });
    const ofInsurer = contracts.filter((c) => c.insurer === list.insurer);
    const contract = ofInsurer.find((c) => c.number === list.body.contract.number);
    if (ofInsurer.length && !contract) {
      errors.push({
        pointer: '/body/contract/number',
        code: ROSTER_CODES.contractUnknown,
        message: 'no contract with this number between the clinic and the insurer',
      });
    }
    const seen = new Set<string>();
    // Entries as this list leaves them, so that two rows of one list see each other's effect.
    const working = new Map<string, RosterEntry[]>();
    const current = async (policy: string) => {
      const k = normPolicy(policy);
      if (!working.has(k))
        working.set(
          k,
          (await this.byPolicy(policy)).filter((e) => e.insurer === list.insurer),
        );
      return working.get(k) as RosterEntry[];
    };
    for (let i = 0; i < list.body.rows.length; i++) {
      const row: InsuredListRow = list.body.rows[i];
      const policy = row.person.policyNumber;
      const dupKey = `${normPolicy(policy)}${SEP}${row.programme.code}${SEP}${row.action}`;
      if (seen.has(dupKey)) {
        err(
          i,
          '/person/policyNumber',
          ROSTER_CODES.duplicate,
          'the same person, programme and action appear earlier in this list',
        );
        continue;
      }
      seen.add(dupKey);
      const period = { from: row.period.from ?? row.period.to, to: row.period.to };
      if (contract && (period.from < contract.from || period.to > contract.to)) {
        err(
          i,
          '/period',
          ROSTER_CODES.outsideContract,
          `the period is outside contract ${contract.number} (${contract.from}…${contract.to})`,
        );
        continue;
      }
      const entries = (await current(policy)).filter((e) => e.programme.code === row.programme.code);
      if (row.action === 'attach') {
        if (entries.some((e) => overlaps(e, period))) {
          err(
            i,
            '/period',
            ROSTER_CODES.overlap,
            'already attached under this programme for an overlapping period',
          );
          continue;
        }
        const e: RosterEntry = {
          insurer: list.insurer,
          policyNumber: policy,
          programme: row.programme,
          person: personOf(row.person),
          from: period.from,
          to: period.to,
          listId: list.documentId,
          rowId: row.rowId,
        };
        (await current(policy)).push(e);
        ops.push(...this.attachOps(e));
      } else if (row.action === 'detach') {
        const active = entries.find((e) => e.from <= period.to && period.to <= e.to);
        if (!active) {
          err(
            i,
            '/person/policyNumber',
            ROSTER_CODES.notAttached,
            'not attached under this programme on the detachment date',
          );
          continue;
        }
        active.to = period.to;
        ops.push({
          type: 'put',
          sublevel: SUB,
          key: entryKey(this.store, this.scope, active),
          value: { ...active },
        });
      } else {
        const latest = entries.sort((a, b) => b.from.localeCompare(a.from))[0];
        if (!latest) {
          err(
            i,
            '/person/policyNumber',
            ROSTER_CODES.unknownPerson,
            'a change to a person not in the roster under this programme',
          );
          continue;
        }
        const updated: RosterEntry = {
          ...latest,
          person: personOf(row.person),
          to: row.period.to,
          listId: list.documentId,
          rowId: row.rowId,
        };
        if (nameKey(this.store, this.scope, latest) !== nameKey(this.store, this.scope, updated)) {
          ops.push({ type: 'del', sublevel: SUB, key: nameKey(this.store, this.scope, latest) });
        }
        if (shortNameKey(this.store, this.scope, latest) !== shortNameKey(this.store, this.scope, updated)) {
          ops.push({ type: 'del', sublevel: SUB, key: shortNameKey(this.store, this.scope, latest) });
        }
        Object.assign(latest, updated);
        ops.push({
          type: 'put',
          sublevel: SUB,
          key: entryKey(this.store, this.scope, updated),
          value: updated,
        });
        ops.push({
          type: 'put',
          sublevel: SUB,
          key: nameKey(this.store, this.scope, updated),
          value: entryKey(this.store, this.scope, updated),
        });
        ops.push({
          type: 'put',
          sublevel: SUB,
          key: shortNameKey(this.store, this.scope, updated),
          value: entryKey(this.store, this.scope, updated),
        });
      }
    }
    return errors.length ? { errors, ops: [] } : { errors, ops };
  }
}
