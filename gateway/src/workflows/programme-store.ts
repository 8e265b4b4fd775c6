// Where a node keeps the ДМС programme versions it holds (at a clinic, received from each insurer; at an insurer, accepted
// by each clinic) and what each insured person used of their limits, indexed for the coverage question's hot path.
import type { MedicalProgrammeBody } from '@dmsnet/formats/types';
import type { BatchOp, GatewayStore } from '../store/store.js';
import { KEY_SEPARATOR as SEP, WORKFLOW_SUBLEVEL } from './flow-state.js';
import { hold, programmeAt, type HeldProgramme, type UsageRecord } from './programme-limits.js';
import { normPolicy } from './roster.js';

/** A programme version as kept: at a clinic, the peer is the insurer; at an insurer, the clinic. */
export interface StoredProgramme {
  documentId: string;
  insurer: string;
  programme: MedicalProgrammeBody;
}

const programmePrefix = (peer: string) => `mp${SEP}${peer}${SEP}`;
const programmeKey = (peer: string, code: string, documentId: string) =>
  `${programmePrefix(peer)}${code}${SEP}${documentId}`;

export class ProgrammeStore {
  /** The versions held per peer and programme code, read once from the store and kept with their indexes. */
  private readonly cache = new Map<string, Promise<Map<string, HeldProgramme[]>>>();

  constructor(private readonly store: GatewayStore) {}

  /** Records a programme version (also how a node imports the versions agreed before it joined). */
  async save(peer: string, documentId: string, insurer: string, programme: MedicalProgrammeBody) {
    await this.store.batch([await this.put(peer, { documentId, insurer, programme })]);
    this.cache.delete(peer);
  }

  private usagePrefix(peer: string, policy: string) {
    return `pu${SEP}${peer}${SEP}${this.store.blind(normPolicy(policy))}${SEP}`;
  }

  /** Every version held from (at a clinic) or accepted by (at an insurer) one peer, by programme code. */
  held(peer: string): Promise<Map<string, HeldProgramme[]>> {
    let found = this.cache.get(peer);
    if (!found) {
      found = (async () => {
        const byCode = new Map<string, HeldProgramme[]>();
        const prefix = programmePrefix(peer);
        for await (const s of this.store
          .sublevel<StoredProgramme>(WORKFLOW_SUBLEVEL)
          .values({ gte: prefix, lt: prefix + '\uffff' })) {
          const list = byCode.get(s.programme.programme.code) ?? [];
          list.push(hold(s.documentId, s.insurer, s.programme));
          byCode.set(s.programme.programme.code, list);
        }
        return byCode;
      })();
      this.cache.set(peer, found);
      // A failed read is not remembered: the next question reads again.
      found.catch(() => this.cache.delete(peer));
    }
    return found;
  }

  /** The version of a programme in force on a date. */
  async inForce(peer: string, code: string, date: string): Promise<HeldProgramme | undefined> {
    return programmeAt((await this.held(peer)).get(code) ?? [], date);
  }

  /** Every version held of a peer's programmes, newest first, as the API lists them. */
  async list(peer?: string): Promise<StoredProgramme[]> {
    const prefix = peer ? programmePrefix(peer) : `mp${SEP}`;
    const out: StoredProgramme[] = [];
    for await (const s of this.store
      .sublevel<StoredProgramme>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(s);
    return out.sort(
      (a, b) =>
        a.programme.programme.code.localeCompare(b.programme.programme.code) ||
        b.programme.version - a.programme.version,
    );
  }

  /** The write that keeps a version; the cache of that peer is dropped with it. */
  async put(peer: string, s: StoredProgramme): Promise<BatchOp> {
    this.cache.delete(peer);
    return {
      type: 'put',
      sublevel: WORKFLOW_SUBLEVEL,
      key: programmeKey(peer, s.programme.programme.code, s.documentId),
      value: s,
    };
  }

  /** The programme codes a clinic holds from an insurer (any version). */
  async codes(insurer: string): Promise<Set<string>> {
    return new Set((await this.held(insurer)).keys());
  }

  /** What one person used under a peer's programmes, as this node knows it. */
  async usage(peer: string, policy: string): Promise<UsageRecord[]> {
    const prefix = this.usagePrefix(peer, policy);
    const out: UsageRecord[] = [];
    for await (const r of this.store
      .sublevel<UsageRecord>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(r);
    return out;
  }

  /** The writes that record (or, for a line paid nothing, forget) one invoice line's use of a person's limits. */
  usageOps(peer: string, policy: string, r: UsageRecord): BatchOp {
    const key = `${this.usagePrefix(peer, policy)}${r.invoiceId}${SEP}${r.rowId}`;
    return r.amount > 0 || r.quantity > 0
      ? { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key, value: r }
      : { type: 'del', sublevel: WORKFLOW_SUBLEVEL, key };
  }
}
