// Delegations (decision record 0055): an insurer lets an assistance company act for it — send the document types it
// names on the insurer's behalf (care requests, guarantee letters, expertise acts) and receive others for it
// (invoices) — for a period, optionally only for some programmes or policies. A contract of its own: the exchange
// contract only asks `delegationInForce` whether an envelope's `onBehalfOf` is covered. Each change rewrites one key,
// so the key's history is the delegation's trail; a revocation ends it and is never undone (a new id delegates again).
import { Context, Contract, Info, Returns, Transaction } from './fabric.js';
import { ChaincodeError, invalid } from './errors.js';
import { actingParticipant } from './identity.js';
import { getParticipant } from './directory-contract.js';
import { KeyType } from './model.js';
import { drain, getJson, PARTICIPANT_PATTERN, parseJsonArg, putJson, txTime } from './state.js';
import { defaultRoutes, routeAllowed } from '@dmsnet/formats/routes';
import {
  inForce,
  moscowDate,
  type Delegation,
  type DelegationDirection,
  type DelegationTerms,
} from '@dmsnet/formats/delegation';

export type { Delegation };

export const DELEGATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_LIST = 64;
/** A programme code or a policy number, as the documents write them. */
const SCOPE_ITEM = /^\S(?:.{0,62}\S)?$/;

export type DelegationRequest = DelegationTerms;

function isValidDate(s: unknown): s is string {
  return typeof s === 'string' && DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

function checkTypes(list: unknown, field: 'sends' | 'receives'): void {
  if (!Array.isArray(list) || list.length > MAX_LIST)
    throw invalid(`/${field}`, `must be a list of at most ${MAX_LIST} document types`);
  const [from, to] = field === 'sends' ? ['insurer', 'clinic'] : ['clinic', 'insurer'];
  for (const [i, t] of list.entries()) {
    if (typeof t !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(t))
      throw invalid(`/${field}/${i}`, 'must be a document type name');
    // Only what an insurer itself sends to a clinic (or receives from one) can be delegated.
    if (!routeAllowed(defaultRoutes(t), from, to))
      throw invalid(`/${field}/${i}`, `${t} does not go from ${from} to ${to}; it is not delegated this way`);
    if (list.indexOf(t) !== i) throw invalid(`/${field}/${i}`, `${t} is listed twice`);
  }
}

function checkScope(list: unknown, field: 'programmes' | 'policies'): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length > 1000)
    throw invalid(`/${field}`, 'must be a list of at most 1000 codes');
  for (const [i, s] of list.entries())
    if (typeof s !== 'string' || !SCOPE_ITEM.test(s))
      throw invalid(`/${field}/${i}`, 'must be 1 to 64 characters');
}

export function checkDelegation(r: DelegationRequest): void {
  if (typeof r.id !== 'string' || !DELEGATION_ID_PATTERN.test(r.id))
    throw invalid('/id', 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
  if (typeof r.agent !== 'string' || !PARTICIPANT_PATTERN.test(r.agent))
    throw invalid('/agent', 'must be a participant id (ОГРН)');
  checkTypes(r.sends, 'sends');
  checkTypes(r.receives, 'receives');
  if (r.sends.length + r.receives.length === 0)
    throw invalid('/sends', 'a delegation names at least one document type it sends or receives');
  checkScope(r.programmes, 'programmes');
  checkScope(r.policies, 'policies');
  if (!isValidDate(r.validFrom)) throw invalid('/validFrom', 'must be a date YYYY-MM-DD');
  if (r.validUntil !== undefined) {
    if (!isValidDate(r.validUntil)) throw invalid('/validUntil', 'must be a date YYYY-MM-DD');
    if (r.validUntil < r.validFrom) throw invalid('/validUntil', 'must not be before validFrom');
  }
}

const delegationKey = (ctx: Context, principal: string, id: string) =>
  ctx.stub.createCompositeKey(KeyType.delegation, [principal, id]);

/** Every delegation `principal` gave `agent`, whatever its state (few: one index range). */
async function delegationsBetween(ctx: Context, principal: string, agent: string): Promise<Delegation[]> {
  const ids: string[] = [];
  await drain(
    await ctx.stub.getStateByPartialCompositeKey(KeyType.delegationByAgent, [agent, principal]),
    (kv) => void ids.push(ctx.stub.splitCompositeKey(kv.key).attributes[2]),
  );
  const out: Delegation[] = [];
  for (const id of ids) {
    const d = await getJson<Delegation>(ctx, delegationKey(ctx, principal, id));
    if (d) out.push(d);
  }
  return out;
}

/**
 * Whether `agent` may act for `principal` with `documentType` in `direction` at transaction time `at`: the covering
 * delegation, or a refusal whose code tells no delegation in force (none, not yet, ended, revoked) from one that does
 * not cover the type. Both name /onBehalfOf, the envelope field that asked.
 */
export async function delegationInForce(
  ctx: Context,
  principal: string,
  agent: string,
  documentType: string,
  direction: DelegationDirection,
  at: string,
): Promise<Delegation> {
  const live = (await delegationsBetween(ctx, principal, agent)).filter((d) => inForce(d, at));
  if (live.length === 0) {
    const message = `${agent} holds no delegation of ${principal} in force on ${moscowDate(at)}`;
    throw new ChaincodeError('DELEGATION_NOT_IN_FORCE', `/onBehalfOf ${message}`, [
      { pointer: '/onBehalfOf', code: 'DELEGATION_NOT_IN_FORCE', message },
    ]);
  }
  const covering = live.find((d) => d[direction].includes(documentType));
  if (!covering) {
    const message = `the delegations of ${principal} to ${agent} in force do not let it ${direction === 'sends' ? 'send' : 'receive'} ${documentType}`;
    throw new ChaincodeError('DELEGATION_NOT_COVERED', `/onBehalfOf ${message}`, [
      { pointer: '/onBehalfOf', code: 'DELEGATION_NOT_COVERED', message },
    ]);
  }
  return covering;
}

@Info({
  title: 'Delegations',
  description: 'Insurers letting assistance companies act for them, with a trail',
})
export class DelegationContract extends Contract {
  constructor() {
    super('delegations');
  }

  /**
   * The acting insurer delegates to an assistance company, or changes a delegation of its own under the same id (the
   * same agent; a revoked one stays revoked). The same request again answers the record as it stands.
   */
  @Transaction()
  @Returns('string')
  async delegate(ctx: Context, requestJson: string): Promise<string> {
    const r = parseJsonArg<DelegationRequest>(requestJson, 'delegation');
    checkDelegation(r);
    const me = await actingParticipant(ctx);
    if (me.role !== 'insurer' || me.status !== 'ACTIVE')
      throw new ChaincodeError(
        'DELEGATION_NOT_PRINCIPAL',
        `only an active insurer delegates; ${me.id} is ${me.role}`,
      );
    let agent;
    try {
      agent = await getParticipant(ctx, r.agent);
    } catch {
      throw new ChaincodeError('DELEGATION_AGENT_INVALID', `/agent no participant ${r.agent}`, [
        { pointer: '/agent', code: 'DELEGATION_AGENT_INVALID', message: 'not in the directory' },
      ]);
    }
    if (agent.role !== 'assistance') {
      const message = `${r.agent} is a ${agent.role}; only an assistance company acts for an insurer`;
      throw new ChaincodeError('DELEGATION_AGENT_INVALID', `/agent ${message}`, [
        { pointer: '/agent', code: 'DELEGATION_AGENT_INVALID', message },
      ]);
    }
    const key = delegationKey(ctx, me.id, r.id);
    const earlier = await getJson<Delegation>(ctx, key);
    if (earlier?.status === 'REVOKED')
      throw new ChaincodeError(
        'DELEGATION_REVOKED',
        `delegation ${r.id} was revoked; delegate under a new id`,
      );
    if (earlier && earlier.agent !== r.agent) {
      const message = `delegation ${r.id} is to ${earlier.agent}; another agent takes another id`;
      throw new ChaincodeError('DELEGATION_AGENT_INVALID', `/agent ${message}`, [
        { pointer: '/agent', code: 'DELEGATION_AGENT_INVALID', message },
      ]);
    }
    const record: Delegation = {
      id: r.id,
      principal: me.id,
      agent: r.agent,
      sends: [...r.sends],
      receives: [...r.receives],
      ...(r.programmes?.length ? { programmes: [...r.programmes] } : {}),
      ...(r.policies?.length ? { policies: [...r.policies] } : {}),
      validFrom: r.validFrom,
      ...(r.validUntil !== undefined ? { validUntil: r.validUntil } : {}),
      status: 'ACTIVE',
      recordedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    if (earlier && sameTerms(earlier, record)) return JSON.stringify(earlier);
    await putJson(ctx, key, record);
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(KeyType.delegationByAgent, [r.agent, me.id, r.id]),
      Buffer.from([0]),
    );
    this.event(ctx, 'DelegationChanged', record);
    return JSON.stringify(record);
  }

  /** The principal revokes one of its delegations, saying why; it ends at this transaction. Again: as it stands. */
  @Transaction()
  @Returns('string')
  async revoke(ctx: Context, id: string, reason: string): Promise<string> {
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500)
      throw invalid('/reason', 'a revocation says why (1 to 500 characters)');
    const me = await actingParticipant(ctx);
    const key = delegationKey(ctx, me.id, String(id));
    const d = await getJson<Delegation>(ctx, key);
    if (!d) throw new ChaincodeError('DELEGATION_NOT_FOUND', `${me.id} has no delegation ${id}`);
    if (d.status === 'REVOKED') return JSON.stringify(d);
    const updated: Delegation = {
      ...d,
      status: 'REVOKED',
      revokedAt: txTime(ctx),
      revokedTxId: ctx.stub.getTxID(),
      revokeReason: reason.trim(),
    };
    await putJson(ctx, key, updated);
    this.event(ctx, 'DelegationChanged', updated);
    return JSON.stringify(updated);
  }

  /** One delegation as it stands. Delegations are public: a clinic checks who acts for whom. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, principal: string, id: string): Promise<string> {
    const d = await getJson<Delegation>(ctx, delegationKey(ctx, String(principal), String(id)));
    if (!d) throw new ChaincodeError('DELEGATION_NOT_FOUND', `${principal} has no delegation ${id}`);
    return JSON.stringify(d);
  }

  /** Every version a delegation has had, oldest first: its trail (key history). */
  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, principal: string, id: string): Promise<string> {
    await this.get(ctx, principal, id);
    const it = (await ctx.stub.getHistoryForKey(
      delegationKey(ctx, String(principal), String(id)),
    )) as unknown as {
      next(): Promise<{ value?: { value: Uint8Array; isDelete: boolean }; done?: boolean }>;
      close(): Promise<void>;
    };
    const trail: Delegation[] = [];
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (!r.value || r.value.isDelete) continue;
        trail.push(JSON.parse(Buffer.from(r.value.value).toString('utf8')) as Delegation);
      }
    } finally {
      await it.close();
    }
    // Peers return history newest first on some versions: the trail is told in time order.
    const when = (d: Delegation) => d.revokedAt ?? d.recordedAt;
    trail.sort((a, b) => when(a).localeCompare(when(b)));
    return JSON.stringify(trail);
  }

  /**
   * The delegations a party gave (as insurer) or holds (as assistance company); `inForceOnly` "true" keeps those in
   * force now (the transaction time of this query).
   */
  @Transaction(false)
  @Returns('string')
  async list(ctx: Context, partyId: string, inForceOnly: string): Promise<string> {
    if (typeof partyId !== 'string' || !PARTICIPANT_PATTERN.test(partyId))
      throw invalid('/party', 'must be a participant id (ОГРН)');
    const out: Delegation[] = [];
    await drain(await ctx.stub.getStateByPartialCompositeKey(KeyType.delegation, [partyId]), (kv) => {
      out.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as Delegation);
    });
    const held: string[][] = [];
    await drain(
      await ctx.stub.getStateByPartialCompositeKey(KeyType.delegationByAgent, [partyId]),
      (kv) => void held.push(ctx.stub.splitCompositeKey(kv.key).attributes),
    );
    for (const [, principal, id] of held) {
      const d = await getJson<Delegation>(ctx, delegationKey(ctx, principal, id));
      if (d) out.push(d);
    }
    const at = txTime(ctx);
    return JSON.stringify(inForceOnly === 'true' ? out.filter((d) => inForce(d, at)) : out);
  }

  /** Public metadata: who acts for whom, for what, from when; nothing of any document. */
  private event(ctx: Context, name: string, d: Delegation): void {
    const payload = {
      id: d.id,
      principal: d.principal,
      agent: d.agent,
      status: d.status,
      txId: ctx.stub.getTxID(),
    };
    ctx.stub.setEvent(name, Buffer.from(JSON.stringify(payload)));
  }
}

function sameTerms(a: Delegation, b: Delegation): boolean {
  const terms = (d: Delegation) =>
    JSON.stringify([
      d.agent,
      d.sends,
      d.receives,
      d.programmes,
      d.policies,
      d.validFrom,
      d.validUntil,
      d.status,
    ]);
  return terms(a) === terms(b);
}
