// The ordering service's membership as a channel change (decision 0030): an organisation makes an orderer in its own
// folder, proposes the update that adds it to the SmartBFT consenters and its organisation's orderer endpoints, the
// orderer group's admins sign it (channel sign-update/check-update/submit-update, as for an organisation), and the
// owner joins its node with `osnadmin channel join` from the current config block. Removal is the reverse.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FabricInstall } from './binaries.js';
import {
  checkUpdate,
  fetchConfig,
  workDir,
  type ChannelConfig,
  type ConfigGroup,
  type PolicyCheck,
  writeConfigUpdate,
} from './channel-update.js';
import { osnadmin, peerCli, ordererArgs } from './cli-tools.js';
import { NetworkError } from './errors.js';
import { ordererEnv } from './nodes.js';
import { HOME_FILE, orgDefinition, writeHome, type OrgContext, type OrgHome } from './org.js';
import { generateNodeMaterial } from './pki.js';
import { isAlive, portInUse, readPid, startProcess, stopPid, waitHealthy } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { readState, writeState } from './state.js';
import { paths, type OrdererNode } from './topology.js';

/** One SmartBFT consenter as configtxlator shows `/Channel/Orderer/Orderers` (certificates base64 of their PEM). */
export interface Consenter {
  id: number;
  host: string;
  port: number;
  msp_id: string;
  identity: string;
  client_tls_cert: string;
  server_tls_cert: string;
}

/**
 * SmartBFT needs 3f+1 consenters to tolerate f faults; with fewer than 4 it tolerates none, so a removal that would
 * leave fewer is refused rather than quietly making every orderer a single point of failure.
 */
export const MIN_BFT_CONSENTERS = 4;

/** How many faulty (crashed or lying) consenters n of them tolerate, and how many must agree on each block. */
export function bftTolerance(n: number): { faults: number; quorum: number } {
  const faults = Math.floor((n - 1) / 3);
  // Fabric's ComputeBFTQuorum: ceil((n + f + 1) / 2).
  return { faults, quorum: Math.ceil((n + faults + 1) / 2) };
}

// ---- reading the current ordering service ----------------------------------------------------------------------

export const ordererGroup = (c: ChannelConfig | { channel_group: ConfigGroup }): ConfigGroup => {
  const g = c.channel_group.groups?.Orderer;
  if (!g) throw new NetworkError('FABRIC_CONFIG_MISSING', 'the channel has no Orderer group');
  return g;
};

function requireBft(c: ChannelConfig | { channel_group: ConfigGroup }): void {
  const type = (ordererGroup(c).values?.ConsensusType?.value as { type?: string } | undefined)?.type;
  if (type !== 'BFT')
    throw new NetworkError(
      'CONSENTER_CHANGE_REFUSED',
      `the channel orders with ${type ?? 'an unknown consensus'}; consenters are changed here on SmartBFT (BFT) channels only`,
    );
}

/** The channel's consenters, in the order the config lists them. */
export function consentersOf(c: ChannelConfig | { channel_group: ConfigGroup }): Consenter[] {
  requireBft(c);
  const v = ordererGroup(c).values?.Orderers?.value as { consenter_mapping?: Consenter[] } | undefined;
  return (v?.consenter_mapping ?? []).map((x) => ({ ...x, id: Number(x.id), port: Number(x.port) }));
}

export interface ConsenterView {
  id: number;
  mspId: string;
  address: string;
}

/** The consenters and what they tolerate, as `orderer list` prints them. */
export async function listConsenters(
  ctx: OrgContext,
  fabric: FabricInstall,
): Promise<{ consenters: ConsenterView[]; faults: number; quorum: number }> {
  const c = await fetchConfig(ctx, fabric);
  const consenters = consentersOf(c).map((x) => ({
    id: x.id,
    mspId: x.msp_id,
    address: `${x.host}:${x.port}`,
  }));
  return { consenters, ...bftTolerance(consenters.length) };
}

// ---- an orderer in its owner's folder ---------------------------------------------------------------------------

export interface NewOrderer {
  /** Default `orderer<id>.<org key>`. */
  name?: string;
  host?: string;
  port: number;
  adminPort: number;
  operationsPort: number;
}

/** The organisation's folder records its nodes: network.json for a founder of a local network, org.json otherwise. */
async function saveTopology(ctx: OrgContext): Promise<void> {
  if (ctx.source === 'network') {
    const state = await readState(paths(ctx.t).state);
    if (!state) throw new NetworkError('FABRIC_CONFIG_MISSING', `no network.json in ${ctx.t.dir}`);
    await writeState({ ...state, topology: ctx.t });
  } else {
    const file = path.join(ctx.t.dir, HOME_FILE);
    const home = JSON.parse(await readFile(file, 'utf8')) as OrgHome;
    await writeHome({ ...home, topology: ctx.t });
  }
}

export function ownOrderer(ctx: OrgContext, name: string): OrdererNode {
  const n = ctx.t.orderers.find((o) => o.name === name);
  if (!n || n.org !== ctx.org.key)
    throw new NetworkError(
      'CONSENTER_UNKNOWN',
      `${ctx.org.mspId} has no orderer ${name} (its orderers: ${
        ctx.t.orderers
          .filter((o) => o.org === ctx.org.key)
          .map((o) => o.name)
          .join(', ') || 'none'
      })`,
    );
  return n;
}

/**
 * Makes an orderer's MSP and TLS pair with the organisation's own CAs, in its own folder, and records the node. Its
 * consenter id is provisional until the proposal reads the channel's ids.
 */
export async function createOrderer(ctx: OrgContext, o: NewOrderer): Promise<OrdererNode> {
  for (const [field, port] of Object.entries({
    port: o.port,
    adminPort: o.adminPort,
    operationsPort: o.operationsPort,
  }))
    if (!Number.isInteger(port) || port < 1024 || port > 65535)
      throw new NetworkError('CONSENTER_CHANGE_REFUSED', `/${field}: a port number from 1024 to 65535`);
  const id = Math.max(0, ...ctx.t.orderers.map((n) => n.id)) + 1;
  const name = o.name ?? `orderer${id}.${ctx.org.key}`;
  if (!/^[a-z][a-z0-9.-]{1,60}$/.test(name))
    throw new NetworkError(
      'CONSENTER_CHANGE_REFUSED',
      `/name: ${name}: lower-case letters, digits, dots and hyphens`,
    );
  const host = o.host ?? ctx.peer.host;
  const wanted = [o.port, o.adminPort, o.operationsPort];
  const portsOf = (n: (typeof ctx.t.orderers)[number] | (typeof ctx.t.peers)[number]) =>
    'adminPort' in n
      ? [n.port, n.adminPort, n.operationsPort]
      : [n.port, n.chaincodePort, n.operationsPort, n.ccServerPort];
  // Each organisation's Fabric CA listens on its first peer's port + 8 (TLS CA beside it) and + 9 (operations):
  // reserved in its block of ten whether or not it runs one yet (fabric-ca.ts caServer).
  const caServers = ctx.t.orgs.flatMap((org) => {
    const first = ctx.t.peers.find((n) => n.org === org.key);
    return first
      ? [{ name: `ca.${org.key}`, host: first.host, ports: [first.port + 8, first.port + 9] }]
      : [];
  });
  const taken = [
    ...[...ctx.t.orderers, ...ctx.t.peers].map((n) => ({ name: n.name, host: n.host, ports: portsOf(n) })),
    ...caServers,
  ].find((n) => n.name === name || (n.host === host && n.ports.some((p) => wanted.includes(p))));
  if (taken)
    throw new NetworkError(
      'NODE_EXISTS',
      `${taken.name} already has the name ${name} or one of ports ${o.port}, ${o.adminPort}, ${o.operationsPort}`,
    );
  const node: OrdererNode = {
    org: ctx.org.key,
    mspId: ctx.org.mspId,
    name,
    id,
    host,
    port: o.port,
    adminPort: o.adminPort,
    operationsPort: o.operationsPort,
  };
  await generateNodeMaterial(ctx.t, ctx.org.key, { name, ou: 'orderer', host });
  ctx.t.orderers.push(node);
  ctx.org.orderers += 1;
  await saveTopology(ctx);
  return node;
}

/** The consenter entry of an own orderer: its enrolment and TLS certificates, read from the owner's folder. */
export async function consenterOf(
  ctx: OrgContext,
  n: OrdererNode,
  id: number,
  dir = paths(ctx.t).node(n.org, n.name),
): Promise<Consenter> {
  const b64 = async (f: string) => (await readFile(path.join(dir, f))).toString('base64');
  const tls = await b64(path.join('tls', 'server.crt'));
  return {
    id,
    host: n.host,
    port: n.port,
    msp_id: n.mspId,
    identity: await b64(path.join('msp', 'signcerts', 'cert.pem')),
    client_tls_cert: tls,
    server_tls_cert: tls,
  };
}

// ---- the update ---------------------------------------------------------------------------------------------------

/**
 * Peers check each block against /Channel/Orderer/BlockValidation, which on a BFT channel names every consenter's
 * identity and asks for a quorum of their signatures; it must change with the consenters, as configtxgen computes
 * it for the genesis block (Fabric's EncodeBFTBlockVerificationPolicy).
 */
function setBlockValidation(group: ConfigGroup, consenters: Consenter[]): void {
  const existing = group.policies?.BlockValidation;
  if (!existing)
    throw new NetworkError('FABRIC_CONFIG_MISSING', 'the orderer group has no BlockValidation policy');
  const { quorum } = bftTolerance(consenters.length);
  existing.policy = {
    type: 1,
    value: {
      identities: consenters.map((c) => ({
        principal: { id_bytes: c.identity, mspid: c.msp_id },
        principal_classification: 'IDENTITY',
      })),
      rule: { n_out_of: { n: quorum, rules: consenters.map((_, i) => ({ signed_by: i })) } },
      version: 0,
    },
  };
}

export function setConsenters(group: ConfigGroup, consenters: Consenter[]): void {
  const v = group.values?.Orderers;
  if (!v) throw new NetworkError('FABRIC_CONFIG_MISSING', 'the orderer group has no Orderers value');
  v.value = { consenter_mapping: consenters };
  setBlockValidation(group, consenters);
}

export type Config = Omit<ChannelConfig, 'blockNumber'>;

export const address = (c: { host: string; port: number }) => `${c.host}:${c.port}`;

/**
 * `config` with `consenter` added to the consenters, its address to its organisation's orderer endpoints and the
 * block validation policy recomputed. `definition` is the organisation's application-group definition, needed when
 * it runs no orderer yet: it becomes its orderer-group organisation, without anchor peers.
 */
export function withConsenter(config: Config, consenter: Consenter, definition?: ConfigGroup): Config {
  const consenters = consentersOf(config);
  const clash = consenters.find(
    (c) => address(c) === address(consenter) || c.identity === consenter.identity,
  );
  if (clash)
    throw new NetworkError(
      'CONSENTER_EXISTS',
      `consenter ${clash.id} (${clash.msp_id}, ${address(clash)}) is already this orderer`,
    );
  if (consenters.some((c) => c.id >= consenter.id))
    throw new NetworkError(
      'CONSENTER_CHANGE_REFUSED',
      `/id: ${consenter.id} is not above every current consenter id of the channel`,
    );
  const updated = structuredClone(config);
  const group = ordererGroup(updated);
  group.groups ??= {};
  let org = group.groups[consenter.msp_id];
  if (!org) {
    if (!definition)
      throw new NetworkError(
        'ORG_DEFINITION_INVALID',
        `${consenter.msp_id} runs no orderer yet: its definition is needed to add it to the orderer group`,
      );
    org = structuredClone(definition);
    delete org.values?.AnchorPeers;
    group.groups[consenter.msp_id] = org;
  }
  org.values ??= {};
  const endpoints = (org.values.Endpoints ??= { mod_policy: 'Admins', value: { addresses: [] } });
  const addresses = (endpoints.value as { addresses?: string[] } | undefined)?.addresses ?? [];
  endpoints.value = { addresses: [...addresses.filter((a) => a !== address(consenter)), address(consenter)] };
  setConsenters(group, [...consenters, consenter]);
  return updated;
}

/** `config` without the consenter named by id or host:port; refused if fewer than MIN_BFT_CONSENTERS would remain. */
export function withoutConsenter(config: Config, which: string): { updated: Config; gone: Consenter } {
  const consenters = consentersOf(config);
  const gone = consenters.find((c) => String(c.id) === which || address(c) === which);
  if (!gone)
    throw new NetworkError(
      'CONSENTER_UNKNOWN',
      `no consenter ${which} (consenters: ${consenters.map((c) => `${c.id} ${c.msp_id} ${address(c)}`).join('; ')})`,
    );
  const left = consenters.filter((c) => c !== gone);
  if (left.length < MIN_BFT_CONSENTERS)
    throw new NetworkError(
      'CONSENTER_CHANGE_REFUSED',
      `removing consenter ${gone.id} would leave ${left.length}; SmartBFT needs at least ${MIN_BFT_CONSENTERS} to tolerate one faulty orderer (add another first)`,
    );
  const updated = structuredClone(config);
  const group = ordererGroup(updated);
  if (!left.some((c) => c.msp_id === gone.msp_id)) {
    // The organisation's last orderer: it leaves the orderer group altogether, which the orderer group's Admins decide
    // alone, so a majority of the ordering organisations can take out a member's orderer without that member.
    delete group.groups?.[gone.msp_id];
  } else {
    // One of several: its endpoint is the organisation's own value, changed with its own admin's signature.
    const endpoints = group.groups?.[gone.msp_id]?.values?.Endpoints;
    if (endpoints) {
      const addresses = (endpoints.value as { addresses?: string[] }).addresses ?? [];
      endpoints.value = { addresses: addresses.filter((a) => a !== address(gone)) };
    }
  }
  setConsenters(group, left);
  return { updated, gone };
}

/**
 * The update adding the organisation's own orderer `name` to the consenters and to its organisation's orderer
 * endpoints (adding the organisation to the orderer group first if it runs no orderer yet). Returns the policy check:
 * the orderer group's Admins (a majority of the ordering organisations) and the organisation's own Admins.
 */
export async function proposeAddConsenter(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  out: string,
): Promise<PolicyCheck & { id: number }> {
  const node = ownOrderer(ctx, name);
  const current = await fetchConfig(ctx, fabric);
  const consenters = consentersOf(current);
  // Above every current id: a consenter's id is how SmartBFT's messages and view state name it. The config does not
  // remember removed consenters, so an id freed by the newest removal can come back (decision 0030).
  const id = Math.max(node.id, ...consenters.map((c) => c.id + 1));
  if (id !== node.id) {
    node.id = id;
    await saveTopology(ctx);
  }
  const { blockNumber: _, ...original } = current;
  const hasGroup = !!ordererGroup(original).groups?.[ctx.org.mspId];
  const updated = withConsenter(
    original,
    await consenterOf(ctx, node, id),
    hasGroup ? undefined : ((await orgDefinition(ctx, fabric)).group as ConfigGroup),
  );
  await writeConfigUpdate(ctx, fabric, original, updated, out);
  return { ...(await checkUpdate(ctx, fabric, out, { current })), id };
}

/**
 * The update removing a consenter (by id, name of an own orderer, or host:port) from the consenters and from its
 * organisation's endpoints, or its organisation from the orderer group when it was the last one it ran. Any member's
 * admin may propose it; the orderer group's Admins decide (and the owner too when it keeps other orderers).
 */
export async function proposeRemoveConsenter(
  ctx: OrgContext,
  fabric: FabricInstall,
  which: string,
  out: string,
): Promise<PolicyCheck & { id: number }> {
  const current = await fetchConfig(ctx, fabric);
  const own = ctx.t.orderers.find((o) => o.name === which);
  const { blockNumber: _, ...original } = current;
  const { updated, gone } = withoutConsenter(original, own ? address(own) : which);
  await writeConfigUpdate(ctx, fabric, original, updated, out);
  return { ...(await checkUpdate(ctx, fabric, out, { current })), id: gone.id };
}

// ---- running the node ---------------------------------------------------------------------------------------------

/** Starts an own orderer from the owner's folder (a no-op when it runs). */
export async function startOrderer(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  say: Progress = silentProgress,
): Promise<void> {
  const n = ownOrderer(ctx, name);
  const p = paths(ctx.t);
  const pid = await readPid(p.pid(n.name));
  if (pid && isAlive(pid)) return;
  const busy = [];
  for (const port of [n.port, n.adminPort, n.operationsPort])
    if (await portInUse(port, n.host)) busy.push(port);
  if (busy.length) throw new NetworkError('PORT_IN_USE', `ports in use on ${n.host}: ${busy.join(', ')}`);
  say(`starting ${n.name} on ${address(n)}`);
  await startProcess({
    name: n.name,
    command: fabric.bin.orderer,
    args: [],
    env: ordererEnv(ctx.t, fabric, n),
    logFile: p.log(n.name),
    pidFile: p.pid(n.name),
  });
  await waitHealthy(n.operationsPort, 60_000, n.name, p.log(n.name), n.host);
}

async function channelInfo(ctx: OrgContext, fabric: FabricInstall, n: OrdererNode): Promise<string> {
  return osnadmin(
    ctx.t,
    fabric,
    n,
    ['channel', 'list', '--channelID', ctx.t.channel],
    `channel info ${n.name}`,
  );
}

/**
 * Joins an own orderer, once the channel names it a consenter, with `osnadmin channel join` from the current config
 * block: it replicates the chain from the other orderers (onboarding) and takes part in consensus when it has caught
 * up. Waits until it is an active consenter.
 */
export async function joinOrderer(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  say: Progress = silentProgress,
): Promise<void> {
  const n = ownOrderer(ctx, name);
  say(`waiting for the channel config to name ${n.name} (${address(n)}) a consenter`);
  await until(
    60_000,
    `${n.name} is not a consenter of ${ctx.t.channel} (is the update submitted?)`,
    async () => consentersOf(await fetchConfig(ctx, fabric)).some((c) => address(c) === address(n)),
  );
  const dir = await workDir(ctx);
  try {
    const block = path.join(dir, 'config.block');
    await peerCli(
      ctx.t,
      fabric,
      ctx.peer,
      ['channel', 'fetch', 'config', block, '-c', ctx.t.channel, ...ordererArgs(ordering(ctx))],
      `fetch the config block of ${ctx.t.channel}`,
    );
    const listed = await channelInfo(ctx, fabric, n).catch(() => '');
    if (!/"status"/.test(listed)) {
      say(`joining ${n.name} with the current config block (osnadmin channel join)`);
      await osnadmin(
        ctx.t,
        fabric,
        n,
        ['channel', 'join', '--channelID', ctx.t.channel, '--config-block', block],
        `osnadmin join ${n.name}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  say(`waiting for ${n.name} to catch up and become an active consenter`);
  await waitActiveConsenter(ctx, fabric, n);
}

/** Waits until an own orderer reports the channel active with itself a consenter (osnadmin channel list). */
export async function waitActiveConsenter(
  ctx: OrgContext,
  fabric: FabricInstall,
  n: OrdererNode,
  ms = 180_000,
): Promise<void> {
  let last = '';
  await until(
    ms,
    () => `${n.name} did not become an active consenter: ${last}`,
    async () => {
      last = await channelInfo(ctx, fabric, n).catch((e: Error) => e.message);
      return /"status":\s*"active"/.test(last) && /"consensusRelation":\s*"consenter"/.test(last);
    },
  );
}

/**
 * Takes an own orderer out once the channel no longer names it: `osnadmin channel remove`, the process stopped, the
 * node dropped from the folder's records (its keys stay in the folder until the operator deletes them).
 */
export async function leaveOrderer(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  say: Progress = silentProgress,
): Promise<void> {
  const n = ownOrderer(ctx, name);
  say(`waiting for the channel config to drop ${n.name} (${address(n)})`);
  await until(
    60_000,
    `${n.name} is still a consenter of ${ctx.t.channel} (is the update submitted?)`,
    async () => !consentersOf(await fetchConfig(ctx, fabric)).some((c) => address(c) === address(n)),
  );
  const p = paths(ctx.t);
  const pid = await readPid(p.pid(n.name));
  if (pid && isAlive(pid)) {
    say(`removing ${ctx.t.channel} from ${n.name} (osnadmin channel remove) and stopping it`);
    await osnadmin(
      ctx.t,
      fabric,
      n,
      ['channel', 'remove', '--channelID', ctx.t.channel],
      `osnadmin remove ${n.name}`,
    )
      // An evicted orderer may already have let go of the channel by itself.
      .catch((e: Error) => {
        if (!/not exist|404/.test(e.message)) throw e;
      });
    await stopPid(pid);
  }
  await rm(p.pid(n.name), { force: true });
  ctx.t.orderers = ctx.t.orderers.filter((o) => o !== n);
  ctx.org.orderers = Math.max(0, ctx.org.orderers - 1);
  await saveTopology(ctx);
}

/** Where this organisation reaches the ordering service: an orderer of the network, or the one it learnt on joining. */
function ordering(ctx: OrgContext) {
  if (ctx.orderer) return ctx.orderer;
  throw new NetworkError(
    'ORG_NOT_MEMBER',
    `${ctx.org.mspId} does not know the ordering service yet: run "org join" with the ordering organisation's definition`,
  );
}

export async function until(
  ms: number,
  why: string | (() => string),
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet: the orderers may be between blocks */
    }
    if (Date.now() > deadline)
      throw new NetworkError('NODE_NOT_READY', typeof why === 'string' ? why : why());
    await sleep(1000);
  }
}
