import { routesFault, type Route } from '@dmsnet/formats/routes';
import { unresolvedRefs } from '@dmsnet/formats/schema/self-contained';
import { createHash } from 'node:crypto';
import { Context, Contract, Info, Returns, Transaction } from './fabric.js';
import { ChaincodeError, invalid } from './errors.js';
import { actingAssociation, actingParticipant } from './identity.js';
import { KeyType, ROLES, type FormatRules, type FormatVersion, type Participant } from './model.js';
import { drain, getJson, parseJsonArg, putJson, txTime } from './state.js';

const TYPE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
const VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,32}$/;

/** Pure: is this version in force on that date? */
export function isActive(f: FormatVersion | undefined, isoTime: string): boolean {
  return !!f && f.state === 'APPROVED' && f.effectiveFrom <= isoTime.slice(0, 10);
}

export async function getFormat(
  ctx: Context,
  type: string,
  version: string,
): Promise<FormatVersion | undefined> {
  return getJson<FormatVersion>(ctx, ctx.stub.createCompositeKey(KeyType.format, [type, version]));
}

@Info({
  title: 'Format registry',
  description: 'Versions of the shared format, proposed by the association and voted by members',
})
export class FormatRegistryContract extends Contract {
  constructor() {
    super('formats');
  }

  @Transaction()
  @Returns('string')
  async setRules(ctx: Context, rulesJson: string): Promise<string> {
    await actingAssociation(ctx);
    const r = parseJsonArg<FormatRules>(rulesJson, 'rules');
    if (
      !Array.isArray(r.voterRoles) ||
      r.voterRoles.length === 0 ||
      r.voterRoles.some((x) => !ROLES.includes(x))
    ) {
      throw invalid('/voterRoles', `must list roles among ${ROLES.join(', ')}`);
    }
    if (typeof r.quorum !== 'number' || !(r.quorum > 0 && r.quorum <= 1))
      throw invalid('/quorum', 'must be a fraction in (0, 1]');
    const rules: FormatRules = { voterRoles: r.voterRoles, quorum: r.quorum };
    await putJson(ctx, KeyType.rules, rules);
    return JSON.stringify(rules);
  }

  @Transaction(false)
  @Returns('string')
  async getRules(ctx: Context): Promise<string> {
    const rules = await getJson<FormatRules>(ctx, KeyType.rules);
    if (!rules) throw new ChaincodeError('RULES_NOT_SET', 'the association has not set the voting rules');
    return JSON.stringify(rules);
  }

  @Transaction()
  @Returns('string')
  async propose(ctx: Context, proposalJson: string): Promise<string> {
    await actingAssociation(ctx);
    const p = parseJsonArg<{
      type: string;
      version: string;
      schemaText: string;
      schemaHash: string;
      effectiveFrom: string;
      retentionDays?: number;
      routes?: Route[];
    }>(proposalJson, 'proposal');
    if (typeof p.type !== 'string' || !TYPE_PATTERN.test(p.type))
      throw invalid('/type', 'must be a document type name');
    if (typeof p.version !== 'string' || !VERSION_PATTERN.test(p.version))
      throw invalid('/version', 'must be a version string');
    if (typeof p.schemaText !== 'string' || p.schemaText.length === 0)
      throw invalid('/schemaText', 'must be the schema text');
    let schema: unknown;
    try {
      schema = JSON.parse(p.schemaText);
    } catch {
      throw invalid('/schemaText', 'must be JSON');
    }
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
      throw invalid('/schemaText', 'must be a JSON Schema object');
    // Every gateway compiles the voted text on its own: a reference to a file beside it would compile nowhere.
    // Checked without a schema engine (decision record 0031); whether it compiles is the proposing tool's check.
    const refs = unresolvedRefs(schema, 20);
    if (refs.length) {
      const first = refs[0]!;
      throw new ChaincodeError(
        'SCHEMA_REF_UNRESOLVED',
        `/schemaText${first.pointer} ${first.message}${refs.length > 1 ? ` (and ${refs.length - 1} more)` : ''}`,
        refs.map((r) => ({ ...r, pointer: `/schemaText${r.pointer}` })),
      );
    }
    if (createHash('sha256').update(p.schemaText, 'utf8').digest('hex') !== p.schemaHash) {
      throw invalid('/schemaHash', 'must be the SHA-256 hex of schemaText');
    }
    if (
      typeof p.effectiveFrom !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(p.effectiveFrom) ||
      Number.isNaN(Date.parse(p.effectiveFrom))
    ) {
      throw invalid('/effectiveFrom', 'must be a date YYYY-MM-DD');
    }
    if (
      p.retentionDays !== undefined &&
      (!Number.isInteger(p.retentionDays) || p.retentionDays < 0 || p.retentionDays > 36500)
    ) {
      throw invalid('/retentionDays', 'must be a whole number of days from 0 to 36500');
    }
    const routes = p.routes !== undefined ? routesFault(p.routes) : undefined;
    if (routes) throw invalid(routes.pointer, routes.rule);
    if (await getFormat(ctx, p.type, p.version)) {
      throw new ChaincodeError('PROPOSAL_EXISTS', `${p.type} version ${p.version} was already proposed`);
    }
    const f: FormatVersion = {
      type: p.type,
      version: p.version,
      schemaHash: p.schemaHash,
      effectiveFrom: p.effectiveFrom,
      state: 'PROPOSED',
      proposedAt: txTime(ctx),
      votes: {},
      ...(p.retentionDays !== undefined ? { retentionDays: p.retentionDays } : {}),
      ...(p.routes !== undefined ? { routes: p.routes.map(([f, t]) => [f, t] as const) } : {}),
    };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.format, [p.type, p.version]), f);
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(KeyType.schema, [p.type, p.version]),
      Buffer.from(p.schemaText, 'utf8'),
    );
    return JSON.stringify(f);
  }

  @Transaction()
  @Returns('string')
  async vote(ctx: Context, type: string, version: string, choice: string): Promise<string> {
    if (choice !== 'yes' && choice !== 'no') throw invalid('/choice', 'must be "yes" or "no"');
    const me = await actingParticipant(ctx);
    const rules = await getJson<FormatRules>(ctx, KeyType.rules);
    if (!rules) throw new ChaincodeError('VOTE_NO_RULES', 'the association has not set the voting rules');
    if (!rules.voterRoles.includes(me.role) || me.status !== 'ACTIVE') {
      throw new ChaincodeError('VOTE_NOT_ELIGIBLE', `role ${me.role} does not vote on formats`);
    }
    const f = await getFormat(ctx, type, version);
    if (!f) throw new ChaincodeError('PROPOSAL_NOT_FOUND', `no proposal ${type} ${version}`);
    if (f.state !== 'PROPOSED') throw new ChaincodeError('VOTE_CLOSED', `${type} ${version} is ${f.state}`);
    f.votes[me.id] = choice;
    // Voters are counted when each vote is cast: governance is rare, so scanning the directory here costs nothing.
    const eligible: string[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(KeyType.participant, []);
    await drain(it, (kv) => {
      const p = JSON.parse(Buffer.from(kv.value).toString('utf8')) as Participant;
      if (p.status === 'ACTIVE' && rules.voterRoles.includes(p.role)) eligible.push(p.id);
    });
    const yes = eligible.filter((id) => f.votes[id] === 'yes').length;
    const no = eligible.filter((id) => f.votes[id] === 'no').length;
    if (yes / eligible.length >= rules.quorum) {
      f.state = 'APPROVED';
      f.decidedAt = txTime(ctx);
    } else if ((eligible.length - no) / eligible.length < rules.quorum) {
      f.state = 'REJECTED';
      f.decidedAt = txTime(ctx);
    }
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.format, [type, version]), f);
    return JSON.stringify(this.view(ctx, f));
  }

  @Transaction()
  @Returns('string')
  async retire(ctx: Context, type: string, version: string): Promise<string> {
    await actingAssociation(ctx);
    const f = await getFormat(ctx, type, version);
    if (!f) throw new ChaincodeError('PROPOSAL_NOT_FOUND', `no proposal ${type} ${version}`);
    if (f.state === 'RETIRED') return JSON.stringify(this.view(ctx, f));
    f.state = 'RETIRED';
    f.retiredAt = txTime(ctx);
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.format, [type, version]), f);
    return JSON.stringify(this.view(ctx, f));
  }

  @Transaction(false)
  @Returns('string')
  async status(ctx: Context, type: string, version: string): Promise<string> {
    const f = await getFormat(ctx, type, version);
    if (!f) throw new ChaincodeError('PROPOSAL_NOT_FOUND', `no proposal ${type} ${version}`);
    return JSON.stringify(this.view(ctx, f));
  }

  @Transaction(false)
  @Returns('string')
  async list(ctx: Context): Promise<string> {
    const all: unknown[] = [];
    await drain(await ctx.stub.getStateByPartialCompositeKey(KeyType.format, []), (kv) => {
      all.push(this.view(ctx, JSON.parse(Buffer.from(kv.value).toString('utf8')) as FormatVersion));
    });
    return JSON.stringify(all);
  }

  @Transaction(false)
  @Returns('string')
  async active(ctx: Context): Promise<string> {
    const now = txTime(ctx);
    const out: unknown[] = [];
    await drain(await ctx.stub.getStateByPartialCompositeKey(KeyType.format, []), (kv) => {
      const f = JSON.parse(Buffer.from(kv.value).toString('utf8')) as FormatVersion;
      if (isActive(f, now))
        out.push({
          type: f.type,
          version: f.version,
          schemaHash: f.schemaHash,
          effectiveFrom: f.effectiveFrom,
        });
    });
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async getSchema(ctx: Context, type: string, version: string): Promise<string> {
    const text = await ctx.stub.getState(ctx.stub.createCompositeKey(KeyType.schema, [type, version]));
    if (!text || !text.length)
      throw new ChaincodeError('PROPOSAL_NOT_FOUND', `no schema for ${type} ${version}`);
    return Buffer.from(text).toString('utf8');
  }

  private view(ctx: Context, f: FormatVersion) {
    return { ...f, active: isActive(f, txTime(ctx)) };
  }
}
