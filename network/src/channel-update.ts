// Changing a running channel's configuration: the update computed from the current config block with Fabric's own
// configtxlator, signed by each organisation's admin in their own folder (peer channel signconfigtx), checked here
// against the channel's modification policy so a short update is refused with the names of who is missing, then
// submitted with peer channel update.
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FabricInstall } from './binaries.js';
import { ordererArgs, peerCli, runTool } from './cli-tools.js';
import { NetworkError } from './errors.js';
import type { OrgContext, OrgDefinition } from './org.js';
import { paths } from './topology.js';

/** A config group as configtxlator decodes it. */
export interface ConfigGroup {
  groups?: Record<string, ConfigGroup>;
  values?: Record<string, { mod_policy?: string; value?: unknown; version?: string }>;
  policies?: Record<
    string,
    { mod_policy?: string; policy?: { type: number; value: unknown }; version?: string }
  >;
  mod_policy?: string;
  version?: string;
}

export interface ChannelConfig {
  channel_group: ConfigGroup;
  sequence?: string;
  /** The number of the config block it came from (not part of Fabric's Config). */
  blockNumber?: number;
}

export interface Signer {
  mspId: string;
  /** PEM of the signing identity's certificate. */
  certificate: string;
}

export interface PolicyCheck {
  /** The policies the update must satisfy, e.g. /Channel/Application/Admins (MAJORITY Admins: 2 of 3). */
  policies: string[];
  satisfied: boolean;
  signedBy: string[];
  /** What is still needed, in words: "1 more of Insurer1MSP, ClinicHostMSP". */
  missing: string[];
}

function orderer(ctx: OrgContext) {
  if (!ctx.orderer)
    throw new NetworkError(
      'ORG_NOT_MEMBER',
      `${ctx.org.mspId} does not know the ordering service yet: run "org join" with the ordering organisation's definition`,
    );
  return ordererArgs(ctx.orderer);
}

export const workDir = async (ctx: OrgContext) => {
  const base = path.join(paths(ctx.t).org(ctx.org.key), 'channel-work');
  await mkdir(base, { recursive: true });
  return mkdtemp(path.join(base, 'w-'));
};

export const tool = (fabric: FabricInstall, args: string[], what: string) =>
  runTool(fabric.bin.configtxlator, args, { PATH: process.env.PATH }, what);

// configtxlator's default output is /dev/stdout, which a pipe without a terminal may not open: always a file.
export async function decode(fabric: FabricInstall, file: string, type: string): Promise<unknown> {
  const out = `${file}.decoded.json`;
  try {
    await tool(fabric, ['proto_decode', '--input', file, '--type', type, '--output', out], `decode ${type}`);
    return JSON.parse(await readFile(out, 'utf8'));
  } finally {
    await rm(out, { force: true });
  }
}

export async function encode(
  fabric: FabricInstall,
  json: unknown,
  type: string,
  file: string,
): Promise<void> {
  await writeFile(`${file}.json`, JSON.stringify(json));
  await tool(
    fabric,
    ['proto_encode', '--input', `${file}.json`, '--type', type, '--output', file],
    `encode ${type}`,
  );
}

/** The channel's current configuration, fetched from the ordering service as the organisation's admin. */
export async function fetchConfig(ctx: OrgContext, fabric: FabricInstall): Promise<ChannelConfig> {
  const dir = await workDir(ctx);
  try {
    const file = path.join(dir, 'config.block');
    await peerCli(
      ctx.t,
      fabric,
      ctx.peer,
      ['channel', 'fetch', 'config', file, '-c', ctx.t.channel, ...orderer(ctx)],
      `fetch the config block of ${ctx.t.channel} as ${ctx.org.mspId}`,
    );
    const block = (await decode(fabric, file, 'common.Block')) as {
      header: { number: string };
      data: { data: Array<{ payload: { data: { config: ChannelConfig } } }> };
    };
    return { ...block.data.data[0]!.payload.data.config, blockNumber: Number(block.header.number) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const applicationOrgs = (c: ChannelConfig): string[] =>
  Object.keys(c.channel_group.groups?.Application?.groups ?? {}).sort();

/**
 * The signed-update file (a common.Envelope of type CONFIG_UPDATE, no signature yet) that adds `def` to the channel's
 * application organisations. Returns the organisations whose admins' signatures the update will need.
 */
export async function proposeAddOrg(
  ctx: OrgContext,
  fabric: FabricInstall,
  def: OrgDefinition,
  out: string,
): Promise<PolicyCheck> {
  return proposeChange(ctx, fabric, out, (config) => {
    if (applicationOrgs(config).includes(def.mspId))
      throw new NetworkError('ORG_ALREADY_MEMBER', `${def.mspId} is already in channel ${ctx.t.channel}`);
    const app = config.channel_group.groups?.Application;
    if (!app?.groups) throw new NetworkError('FABRIC_CONFIG_MISSING', 'the channel has no Application group');
    app.groups[def.mspId] = def.group as ConfigGroup;
  });
}

/** Writes the CONFIG_UPDATE envelope taking `original` to `updated` (configtxlator compute_update) to `out`. */
export async function writeConfigUpdate(
  ctx: OrgContext,
  fabric: FabricInstall,
  original: Omit<ChannelConfig, 'blockNumber'>,
  updated: Omit<ChannelConfig, 'blockNumber'>,
  out: string,
): Promise<void> {
  const dir = await workDir(ctx);
  try {
    const a = path.join(dir, 'current.pb');
    const b = path.join(dir, 'updated.pb');
    const u = path.join(dir, 'update.pb');
    await encode(fabric, original, 'common.Config', a);
    await encode(fabric, updated, 'common.Config', b);
    await tool(
      fabric,
      ['compute_update', '--channel_id', ctx.t.channel, '--original', a, '--updated', b, '--output', u],
      'compute the config update',
    );
    const update = await decode(fabric, u, 'common.ConfigUpdate');
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: ctx.t.channel, type: 2 } },
        data: { config_update: update },
      },
    };
    await mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await encode(fabric, envelope, 'common.Envelope', path.resolve(out));
    await rm(`${path.resolve(out)}.json`, { force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the update file for whatever `change` does to a copy of the current config (configtxlator compute_update),
 * and checks it against the current modification policies so the proposer sees at once whose signatures it needs.
 */
export async function proposeChange(
  ctx: OrgContext,
  fabric: FabricInstall,
  out: string,
  change: (config: ChannelConfig) => void,
): Promise<PolicyCheck> {
  const current = await fetchConfig(ctx, fabric);
  const { blockNumber: _, ...original } = current;
  const updated = structuredClone(original);
  change(updated);
  await writeConfigUpdate(ctx, fabric, original, updated, out);
  return checkUpdate(ctx, fabric, out, { current });
}

/** Adds the organisation's admin signature to the update file, in place (peer channel signconfigtx). */
export async function signUpdate(ctx: OrgContext, fabric: FabricInstall, file: string): Promise<void> {
  await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    ['channel', 'signconfigtx', '-f', path.resolve(file)],
    `sign the update as ${ctx.org.mspId}`,
  );
}

async function signersOf(
  fabric: FabricInstall,
  file: string,
): Promise<{ update: unknown; signers: Signer[] }> {
  const env = (await decode(fabric, path.resolve(file), 'common.Envelope')) as {
    payload: {
      data: {
        config_update: unknown;
        signatures?: Array<{ signature_header: { creator: { mspid: string; id_bytes: string } } }>;
      };
    };
  };
  const signers = (env.payload.data.signatures ?? []).map((s) => ({
    mspId: s.signature_header.creator.mspid,
    certificate: Buffer.from(s.signature_header.creator.id_bytes, 'base64').toString('utf8'),
  }));
  return { update: env.payload.data.config_update, signers };
}

/**
 * Who signed the update and whether that meets the modification policy of everything it changes, evaluated on the
 * current config. `submitter` counts too: peer channel update adds the submitting admin's signature. The signatures'
 * bytes are checked by the orderer, not here; this check exists to name who is missing before anything is sent.
 */
export async function checkUpdate(
  ctx: OrgContext,
  fabric: FabricInstall,
  file: string,
  o: { current?: ChannelConfig; submitter?: boolean } = {},
): Promise<PolicyCheck> {
  const current = o.current ?? (await fetchConfig(ctx, fabric));
  const { update, signers } = await signersOf(fabric, file);
  if (o.submitter) {
    const cert = await readFile(
      path.join(paths(ctx.t).adminMsp(ctx.org.key), 'signcerts', 'cert.pem'),
      'utf8',
    );
    signers.push({ mspId: ctx.org.mspId, certificate: cert });
  }
  const u = update as { read_set: ConfigGroup; write_set: ConfigGroup };
  const modified: Array<{ group: string[]; policy: string }> = [];
  collectModified(current.channel_group, u.read_set, u.write_set, ['Channel'], modified);
  const seen = new Set<string>();
  const result: PolicyCheck = {
    policies: [],
    satisfied: true,
    signedBy: [...new Set(signers.map((s) => s.mspId))].sort(),
    missing: [],
  };
  for (const m of modified) {
    const abs = m.policy.startsWith('/') ? m.policy.split('/').filter(Boolean) : [...m.group, m.policy];
    const key = abs.join('/');
    if (seen.has(key)) continue;
    seen.add(key);
    const r = evaluate(current.channel_group, abs, signers);
    result.policies.push(`/${key} (${r.describe})`);
    if (!r.ok) {
      result.satisfied = false;
      result.missing.push(r.missing);
    }
  }
  return result;
}

function groupAt(root: ConfigGroup, names: string[]): ConfigGroup | undefined {
  let g: ConfigGroup | undefined = root;
  for (const n of names.slice(1)) g = g?.groups?.[n];
  return g;
}

/** Elements of the write set whose version moved, with the policy (from the current config) that governs each. */
function collectModified(
  config: ConfigGroup | undefined,
  read: ConfigGroup | undefined,
  write: ConfigGroup,
  at: string[],
  out: Array<{ group: string[]; policy: string }>,
): void {
  const v = (x?: { version?: string }) => x?.version ?? '0';
  if (!read || v(read) !== v(write)) out.push({ group: at, policy: config?.mod_policy ?? '' });
  for (const kind of ['values', 'policies'] as const) {
    for (const [name, el] of Object.entries(write[kind] ?? {})) {
      const before = read?.[kind]?.[name];
      const existing = config?.[kind]?.[name];
      if (existing && (!before || v(before) !== v(el)))
        out.push({ group: at, policy: existing.mod_policy ?? '' });
    }
  }
  for (const [name, g] of Object.entries(write.groups ?? {})) {
    const inConfig = config?.groups?.[name];
    if (inConfig) collectModified(inConfig, read?.groups?.[name], g, [...at, name], out);
  }
}

export interface Evaluation {
  ok: boolean;
  describe: string;
  missing: string;
}

const ROLES: Record<string, string | undefined> = {
  MEMBER: undefined,
  ADMIN: 'admin',
  PEER: 'peer',
  CLIENT: 'client',
  ORDERER: 'orderer',
};

/** Evaluates the policy at `abs` (e.g. ['Channel', 'Application', 'Admins']) of a decoded config for these signers. */
export function evaluate(root: ConfigGroup, abs: string[], signers: Signer[]): Evaluation {
  const groupNames = abs.slice(0, -1);
  const name = abs[abs.length - 1] as string;
  const group = groupAt(root, groupNames);
  const policy = group?.policies?.[name]?.policy;
  if (!group || !policy)
    throw new NetworkError('CHANNEL_POLICY_UNSUPPORTED', `no policy /${abs.join('/')} in the channel config`);
  if (policy.type === 3) {
    const meta = policy.value as { rule: 'ANY' | 'ALL' | 'MAJORITY'; sub_policy: string };
    const subs = Object.keys(group.groups ?? {}).sort();
    const met = subs.filter((s) => evaluate(root, [...groupNames, s, meta.sub_policy], signers).ok);
    const need =
      meta.rule === 'ANY' ? 1 : meta.rule === 'ALL' ? subs.length : Math.floor(subs.length / 2) + 1;
    const rest = subs.filter((s) => !met.includes(s));
    const short = need - met.length;
    return {
      ok: short <= 0,
      describe: `${meta.rule} ${meta.sub_policy}: ${need} of ${subs.length} (${subs.join(', ')})`,
      missing:
        short <= 0
          ? ''
          : `${short} more ${meta.sub_policy} signature${short > 1 ? 's' : ''} of ${rest.join(', ')} for /${abs.join('/')}`,
    };
  }
  if (policy.type === 1) {
    const sp = policy.value as SignaturePolicy;
    const r = evaluateSignaturePolicy(sp, signers, `/${abs.join('/')}`);
    return {
      ok: r.ok,
      describe: `signature policy ${describeRule(sp.rule, sp.identities)}`,
      missing: r.ok ? '' : `${r.missing} for /${abs.join('/')}`,
    };
  }
  throw new NetworkError(
    'CHANNEL_POLICY_UNSUPPORTED',
    `/${abs.join('/')} is a policy of type ${policy.type}`,
  );
}

/** A cauthdsl SignaturePolicyEnvelope as configtxlator decodes it. */
export interface SignaturePolicy {
  identities: Principal[];
  rule: SigRule;
  version?: number;
}

export interface Principal {
  principal_classification: string;
  principal: { msp_identifier: string; role: string };
}

export interface SigRule {
  signed_by?: number;
  n_out_of?: { n?: number; rules: SigRule[] };
}

/** "Insurer1MSP.admin", as Fabric's policy language writes a principal. */
export const principalName = (p: Principal) =>
  `${p.principal.msp_identifier}.${p.principal.role.toLowerCase()}`;

/** The rule in words: AND(a, b), OR(a, b), 2 of (a, b, c). */
export function describeRule(r: SigRule, ids: Principal[]): string {
  if (!r.n_out_of) return principalName(ids[r.signed_by ?? 0] as Principal);
  const parts = r.n_out_of.rules.map((x) => describeRule(x, ids));
  const n = r.n_out_of.n ?? 0;
  if (parts.length === 1 && n === 1) return parts[0] as string;
  if (n === parts.length) return `AND(${parts.join(', ')})`;
  if (n === 1) return `OR(${parts.join(', ')})`;
  return `${n} of (${parts.join(', ')})`;
}

/**
 * Fabric's evaluation of a signature policy (common/cauthdsl): each distinct signing identity satisfies at most one
 * principal, the sub-rules of an n-out-of are tried in order and keep the identities they used only when they are
 * met. Short of it, `missing` says whose signatures would complete it ("AssociationMSP.admin and 1 more of …").
 */
export function evaluateSignaturePolicy(
  sp: SignaturePolicy,
  signers: Signer[],
  where = 'the policy',
): { ok: boolean; missing: string } {
  for (const id of sp.identities)
    if (id.principal_classification !== 'ROLE' || !(id.principal.role in ROLES))
      throw new NetworkError(
        'CHANNEL_POLICY_UNSUPPORTED',
        `${where} names a ${id.principal_classification} principal; only MSP roles are evaluated here`,
      );
  const distinct = [...new Map(signers.map((s) => [`${s.mspId}\n${s.certificate}`, s])).values()];
  const subjects = distinct.map((s) => new X509Certificate(s.certificate).subject.split('\n'));
  const satisfies = (i: number, p: Principal) => {
    const ou = ROLES[p.principal.role];
    return distinct[i]!.mspId === p.principal.msp_identifier && (!ou || subjects[i]!.includes(`OU=${ou}`));
  };
  const run = (r: SigRule, used: boolean[]): { ok: boolean; missing: string; leaf: boolean } => {
    if (!r.n_out_of) {
      const p = sp.identities[r.signed_by ?? 0];
      if (!p)
        throw new NetworkError(
          'CHANNEL_POLICY_UNSUPPORTED',
          `${where} refers to an identity it does not list`,
        );
      const i = distinct.findIndex((_, k) => !used[k] && satisfies(k, p));
      if (i >= 0) used[i] = true;
      return { ok: i >= 0, missing: principalName(p), leaf: true };
    }
    const n = r.n_out_of.n ?? 0;
    const failed: Array<{ missing: string; leaf: boolean }> = [];
    let verified = 0;
    for (const sub of r.n_out_of.rules) {
      const trial = [...used];
      const x = run(sub, trial);
      if (x.ok) {
        verified++;
        trial.forEach((u, k) => (used[k] = u));
      } else failed.push(x);
    }
    const short = n - verified;
    if (short <= 0) return { ok: true, missing: '', leaf: false };
    const names = failed.map((f) => (f.leaf || failed.length === 1 ? f.missing : `(${f.missing})`));
    const missing = short >= failed.length ? names.join(' and ') : `${short} more of ${names.join(', ')}`;
    return { ok: false, missing, leaf: false };
  };
  const r = run(
    sp.rule,
    distinct.map(() => false),
  );
  return { ok: r.ok, missing: r.missing };
}

/**
 * Submits the update once the policy is met (peer channel update); refuses before, naming the missing signatures.
 * `unchecked` sends it anyway, to see the orderer refuse it (tests).
 */
export async function submitUpdate(
  ctx: OrgContext,
  fabric: FabricInstall,
  file: string,
  o: { unchecked?: boolean } = {},
): Promise<PolicyCheck> {
  const before = await fetchConfig(ctx, fabric);
  const check = await checkUpdate(ctx, fabric, file, { submitter: true, current: before });
  if (!check.satisfied && !o.unchecked)
    throw new NetworkError(
      'UPDATE_SIGNATURES_MISSING',
      `not submitted: the update needs ${check.policies.join('; ')}; signed by ${check.signedBy.join(', ') || 'nobody'} ` +
        `(with ${ctx.org.mspId} submitting); missing ${check.missing.join('; ')}`,
    );
  await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    ['channel', 'update', '-f', path.resolve(file), '-c', ctx.t.channel, ...orderer(ctx)],
    `submit the channel update as ${ctx.org.mspId}`,
  );
  // The orderer has accepted the update, not yet cut its block: until it serves the new config, an update proposed
  // next would be computed from the old one and refused.
  const until = Date.now() + 60_000;
  while (Number((await fetchConfig(ctx, fabric)).sequence ?? 0) <= Number(before.sequence ?? 0)) {
    if (Date.now() > until)
      throw new NetworkError(
        'NODE_NOT_READY',
        'the orderers took the update but serve no new config after 60 s',
      );
    await sleep(300);
  }
  return check;
}

// ---- merging signatures collected in parallel ---------------------------------------------------------------------
// Signatures cover the ConfigUpdate's bytes, so copies signed in parallel are merged on the wire, byte for byte:
// decoding to JSON and encoding again need not give the same bytes. Only three messages are touched: Envelope
// {1 payload}, Payload {1 header, 2 data}, ConfigUpdateEnvelope {1 config_update, 2 signatures (repeated)}.

interface WireField {
  no: number;
  /** The whole field as it was on the wire: tag, length, value. */
  raw: Buffer;
  /** The value of a length-delimited field. */
  value?: Buffer;
}

function varint(buf: Buffer, at: number): [number, number] {
  let n = 0;
  let shift = 0;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i] as number;
    n += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [n, i + 1];
  }
  throw new NetworkError('UPDATE_FILES_DIFFER', 'not a channel update file (truncated protobuf)');
}

function wireFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  for (let at = 0; at < buf.length;) {
    const start = at;
    const [tag, next] = varint(buf, at);
    at = next;
    const wt = tag & 7;
    let value: Buffer | undefined;
    if (wt === 0) at = varint(buf, at)[1];
    else if (wt === 1) at += 8;
    else if (wt === 5) at += 4;
    else if (wt === 2) {
      const [len, from] = varint(buf, at);
      value = buf.subarray(from, from + len);
      at = from + len;
    } else throw new NetworkError('UPDATE_FILES_DIFFER', `not a channel update file (wire type ${wt})`);
    if (at > buf.length)
      throw new NetworkError('UPDATE_FILES_DIFFER', 'not a channel update file (truncated)');
    out.push({ no: Math.floor(tag / 8), raw: buf.subarray(start, at), value });
  }
  return out;
}

const encodeVarint = (n: number): Buffer => {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
};

/** A length-delimited protobuf field. */
export const wireField = (no: number, value: Buffer): Buffer =>
  Buffer.concat([encodeVarint(no * 8 + 2), encodeVarint(value.length), value]);

function field(fields: WireField[], no: number, what: string): Buffer {
  const f = fields.find((x) => x.no === no);
  if (!f?.value) throw new NetworkError('UPDATE_FILES_DIFFER', `not a channel update file (no ${what})`);
  return f.value;
}

/** The update file with every signature of all the given copies, each signature once; refuses copies of another update. */
export function mergeSignatures(copies: Buffer[]): { bytes: Buffer; signatures: number } {
  const parts = copies.map((bytes) => {
    const payload = wireFields(field(wireFields(bytes), 1, 'payload'));
    const envelope = wireFields(field(payload, 2, 'config update envelope'));
    return {
      header: field(payload, 1, 'header'),
      update: field(envelope, 1, 'config update'),
      signatures: envelope.filter((f) => f.no === 2).map((f) => f.raw),
    };
  });
  const [first] = parts;
  if (!first) throw new NetworkError('UPDATE_FILES_DIFFER', 'no update file to merge');
  const other = parts.findIndex((p) => !p.update.equals(first.update));
  if (other >= 0)
    throw new NetworkError(
      'UPDATE_FILES_DIFFER',
      `copy ${other + 1} holds another update than copy 1: signatures of different updates cannot be merged`,
    );
  const seen = new Set<string>();
  const signatures = parts
    .flatMap((p) => p.signatures)
    .filter((s) => {
      const k = s.toString('base64');
      return seen.has(k) ? false : (seen.add(k), true);
    });
  const envelope = Buffer.concat([wireField(1, first.update), ...signatures]);
  const payload = Buffer.concat([wireField(1, first.header), wireField(2, envelope)]);
  return { bytes: wireField(1, payload), signatures: signatures.length };
}

/** Merges copies of an update signed in parallel into `into` (which is one of them or a new file). */
export async function mergeUpdateFiles(into: string, copies: string[]): Promise<number> {
  const merged = mergeSignatures(await Promise.all(copies.map((f) => readFile(path.resolve(f)))));
  await writeFile(path.resolve(into), merged.bytes);
  return merged.signatures;
}
