// An organisation joining a running channel from its own folder, and the chaincode definition moved to a new sequence
// so its endorsement policy covers every organisation now in the channel.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireFabricCa, type FabricInstall } from './binaries.js';
import { startCaServer, usesFabricCa } from './fabric-ca.js';
import { applicationOrgs, fetchConfig, type ConfigGroup } from './channel-update.js';
import { peerCli, type OrdererAccess } from './cli-tools.js';
import { approvalsShort } from './council.js';
import { NetworkError } from './errors.js';
import { CHAINCODE_SERVER, chaincodeServerEnv, peerEnv } from './nodes.js';
import { HOME_FILE, writeHome, type OrgContext, type OrgDefinition, type OrgHome } from './org.js';
import { isAlive, portInUse, readPid, startProcess, waitForPort, waitHealthy } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { CHAINCODE_VERSION, waitCommitted } from './lifecycle.js';
import {
  joiningRelease,
  readRelease,
  releasePackage,
  writeRelease,
  type ChaincodeRelease,
} from './release.js';
import { paths, peersOf, type PeerNode } from './topology.js';

/** Starts the organisation's peers from its own folder (a no-op for those that run). */
export async function startOrgPeer(ctx: OrgContext, fabric: FabricInstall, say: Progress = silentProgress) {
  // The organisation's own CA runs beside its peers: register, enrol and revoke need it at any time.
  if (usesFabricCa(ctx.t, ctx.org.key)) await startCaServer(ctx.t, ctx.org.key, await requireFabricCa(), say);
  for (const n of peersOf(ctx.t, ctx.org.key)) await startPeer(ctx, fabric, n, say);
}

/** Starts one peer of the organisation with its own settings and waits until it is healthy. */
export async function startPeer(
  ctx: Pick<OrgContext, 't'>,
  fabric: FabricInstall,
  n: PeerNode,
  say: Progress = silentProgress,
) {
  const p = paths(ctx.t);
  const pid = await readPid(p.pid(n.name));
  if (pid && isAlive(pid)) return;
  const busy = [];
  for (const port of [n.port, n.chaincodePort, n.operationsPort])
    if (await portInUse(port, n.host)) busy.push(port);
  if (busy.length) throw new NetworkError('PORT_IN_USE', `ports in use on ${n.host}: ${busy.join(', ')}`);
  say(`starting ${n.name} on ${n.host}:${n.port}`);
  await startProcess({
    name: n.name,
    command: fabric.bin.peer,
    args: ['node', 'start'],
    env: peerEnv(ctx.t, fabric, n),
    logFile: p.log(n.name),
    pidFile: p.pid(n.name),
  });
  await waitHealthy(n.operationsPort, 60_000, n.name, p.log(n.name), n.host);
}

/**
 * Joins the organisation's peer to the channel. The ordering organisation's definition says where the orderers are and
 * which TLS root vouches for them; the channel's genesis block is fetched as this organisation's admin, which the
 * orderer allows only once the channel config names the organisation.
 */
export async function joinChannel(
  ctx: OrgContext,
  fabric: FabricInstall,
  ordering: OrgDefinition,
  say: Progress = silentProgress,
): Promise<void> {
  const o = ordering.orderers[0];
  if (!o) throw new NetworkError('ORG_DEFINITION_INVALID', `${ordering.mspId}'s definition names no orderer`);
  const p = paths(ctx.t);
  const caFile = path.join(p.org(ctx.org.key), 'channel', `${ordering.mspId}-tlsca.pem`);
  await mkdir(path.dirname(caFile), { recursive: true });
  await writeFile(caFile, ordering.tlsRootCertificate);
  const access: OrdererAccess = { address: `${o.host}:${o.port}`, caFile };
  if (ctx.source === 'home') {
    const home = JSON.parse(await readFile(path.join(ctx.t.dir, HOME_FILE), 'utf8')) as OrgHome;
    home.orderer = access;
    await writeHome(home);
  }
  ctx.orderer = access;
  // A config update just submitted takes a block to order (longer with SmartBFT): until the orderers have it, they
  // refuse this organisation (FORBIDDEN) or serve a config without it.
  say(`waiting for the orderers to serve '${ctx.t.channel}' to ${ctx.org.mspId}`);
  const servedBy = Date.now() + 60_000;
  let config: Awaited<ReturnType<typeof fetchConfig>>;
  for (;;) {
    let why: string;
    try {
      config = await fetchConfig(ctx, fabric);
      if (applicationOrgs(config).includes(ctx.org.mspId)) break;
      why = `${ctx.org.mspId} is not in channel ${ctx.t.channel}'s config yet`;
    } catch (err) {
      why = (err as Error).message;
    }
    if (Date.now() > servedBy)
      throw new NetworkError(
        'ORG_NOT_MEMBER',
        `the orderer does not serve ${ctx.org.mspId} the channel after 60 s (is the update submitted?): ${why}`,
      );
    await sleep(500);
  }
  const block = path.join(p.org(ctx.org.key), 'channel', `${ctx.t.channel}.genesis.block`);
  say(`fetching the genesis block of '${ctx.t.channel}' from ${access.address}`);
  await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    ['channel', 'fetch', '0', block, '-c', ctx.t.channel, '-o', access.address, '--tls', '--cafile', caFile],
    'fetch the genesis block',
  );
  for (const n of peersOf(ctx.t, ctx.org.key)) {
    await joinPeer(ctx, fabric, n, block, say);
    // Joined from the genesis block, the peer replays the channel; until it holds the config block that names its
    // organisation, it can neither endorse nor answer lifecycle queries the way the others do.
    await waitHeight(ctx, fabric, n, (config.blockNumber ?? 0) + 1, say);
  }
}

/** Joins one peer to the channel from a block file (a no-op when it has joined). */
export async function joinPeer(
  ctx: Pick<OrgContext, 't'>,
  fabric: FabricInstall,
  n: PeerNode,
  block: string,
  say: Progress = silentProgress,
): Promise<void> {
  const joined = await peerCli(ctx.t, fabric, n, ['channel', 'list'], `peer channel list on ${n.name}`).catch(
    (err: Error) => {
      throw new NetworkError('FABRIC_COMMAND_FAILED', `${err.message}; see ${paths(ctx.t).log(n.name)}`);
    },
  );
  if (joined.split('\n').includes(ctx.t.channel)) return;
  say(`joining ${n.name} to '${ctx.t.channel}'`);
  await peerCli(ctx.t, fabric, n, ['channel', 'join', '-b', block], `peer channel join ${n.name}`).catch(
    (err: Error) => {
      // A peer that died after it was healthy (a busy machine, a port taken meanwhile) says why in its own log.
      throw new NetworkError('FABRIC_COMMAND_FAILED', `${err.message}; see ${paths(ctx.t).log(n.name)}`);
    },
  );
}

/** The peer's height on the channel (blocks it holds), or 0 when it has not joined. */
export async function peerHeight(ctx: Pick<OrgContext, 't'>, fabric: FabricInstall, n: PeerNode) {
  const info = await peerCli(ctx.t, fabric, n, ['channel', 'getinfo', '-c', ctx.t.channel], 'getinfo').catch(
    (e: Error) => e.message,
  );
  return Number(/"height":(\d+)/.exec(info)?.[1] ?? 0);
}

/** Waits until the peer holds `want` blocks, saying how far it is every ten seconds. */
export async function waitHeight(
  ctx: Pick<OrgContext, 't'>,
  fabric: FabricInstall,
  n: PeerNode,
  want: number,
  say: Progress = silentProgress,
  timeoutMs = 120_000,
): Promise<void> {
  say(`waiting for ${n.name} to catch up to block ${want}`);
  const until = Date.now() + timeoutMs;
  let told = Date.now();
  for (;;) {
    const height = await peerHeight(ctx, fabric, n);
    if (height >= want) return;
    if (Date.now() > until)
      throw new NetworkError(
        'NODE_NOT_READY',
        `${n.name} is at block ${height} of ${want} after ${timeoutMs / 1000} s`,
      );
    if (Date.now() - told > 10_000) {
      say(`  ${n.name}: ${height} of ${want} blocks`);
      told = Date.now();
    }
    await sleep(300);
  }
}

/**
 * The organisation's chaincode package for the release it runs now (after an upgrade, the new one): deterministic
 * bytes, so the same package id on every run and machine.
 */
export async function orgPackage(ctx: OrgContext) {
  return releasePackage(ctx, await readRelease(ctx));
}

/** The package file of a release in the organisation's chaincode folder. */
export const packageFile = (ctx: Pick<OrgContext, 't' | 'org'>, r: Pick<ChaincodeRelease, 'version'>) =>
  path.join(
    paths(ctx.t).chaincode,
    r.version === CHAINCODE_VERSION
      ? `${ctx.t.chaincode}.${ctx.org.key}.tgz`
      : `${ctx.t.chaincode}.${ctx.org.key}.${r.version}.tgz`,
  );

/**
 * Writes a release's package, starts its chaincode server under `name` (a no-op when it runs) and installs the
 * package on every peer of the organisation.
 */
export async function installRelease(
  ctx: OrgContext,
  fabric: FabricInstall,
  r: ChaincodeRelease,
  name: string,
  say: Progress = silentProgress,
): Promise<void> {
  const p = paths(ctx.t);
  const pkg = await releasePackage(ctx, r);
  const file = packageFile(ctx, r);
  await mkdir(p.chaincode, { recursive: true });
  await writeFile(file, pkg.bytes);
  const pid = await readPid(p.pid(name));
  if (!pid || !isAlive(pid)) {
    say(`starting ${ctx.org.mspId}'s chaincode server ${r.version} on ${ctx.peer.host}:${r.port}`);
    await startProcess({
      name,
      command: process.execPath,
      args: [CHAINCODE_SERVER],
      env: chaincodeServerEnv(ctx.peer, r.packageId, r.port, r.version),
      logFile: p.log(name),
      pidFile: p.pid(name),
    });
    // A Node process loading the contracts: seconds on an idle machine, far more on a busy one.
    await waitForPort(r.port, 120_000, `chaincode server ${name}`, ctx.peer.host);
  }
  for (const n of peersOf(ctx.t, ctx.org.key)) await installPackage(ctx, fabric, n, file, say);
}

/**
 * Packages, starts the organisation's chaincode server and installs the package on its peers: the release it recorded,
 * or for a newcomer the one the channel runs now (after an upgrade, the upgraded release), then recorded so its
 * approvals, restarts and later upgrades use it.
 */
export async function installChaincode(
  ctx: OrgContext,
  fabric: FabricInstall,
  say: Progress = silentProgress,
): Promise<string> {
  // Nothing committed yet (a founder during "up"): the first release.
  const committed = await committedDefinition(ctx, fabric).then(
    (d) => d.version,
    () => undefined,
  );
  const { release: r, recorded } = await joiningRelease(ctx, committed);
  if (!recorded && committed !== undefined) {
    say(`${ctx.org.mspId}: the channel runs chaincode ${committed}; installing its package ${r.label}`);
    await writeRelease(ctx, r);
  }
  await installRelease(ctx, fabric, r, `cc.${ctx.org.key}`, say);
  return r.packageId;
}

/** Installs a package file on one peer; one it already holds is fine (the package id is the same). */
export async function installPackage(
  ctx: Pick<OrgContext, 't'>,
  fabric: FabricInstall,
  n: PeerNode,
  file: string,
  say: Progress = silentProgress,
): Promise<void> {
  say(`installing ${path.basename(file)} on ${n.name}`);
  await peerCli(ctx.t, fabric, n, ['lifecycle', 'chaincode', 'install', file], `install on ${n.name}`).catch(
    (err: Error) => {
      if (!/already successfully installed/.test(err.message)) throw err;
    },
  );
}

export interface ChaincodeDefinition {
  sequence: number;
  policy: string;
  /** The definition's version: a new one for an upgrade; absent, the committed definition's version. */
  version?: string;
}

/**
 * The next chaincode definition: one sequence on, endorsement by any two of the organisations the channel config
 * names now (sorted, so every organisation computes the same text on its own).
 */
export async function nextChaincodeDefinition(
  ctx: OrgContext,
  fabric: FabricInstall,
): Promise<ChaincodeDefinition> {
  const config = await fetchConfig(ctx, fabric);
  const committed = await committedSequence(ctx, fabric);
  return {
    sequence: committed + 1,
    policy: `OutOf(2,${applicationOrgs(config)
      .map((m) => `'${m}.peer'`)
      .join(',')})`,
  };
}

export async function committedSequence(ctx: OrgContext, fabric: FabricInstall): Promise<number> {
  return (await committedDefinition(ctx, fabric)).sequence;
}

/** The definition committed on the channel, as the organisation's own peer sees it. */
export async function committedDefinition(
  ctx: OrgContext,
  fabric: FabricInstall,
): Promise<{ sequence: number; version: string }> {
  const out = await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '--channelID',
      ctx.t.channel,
      '--name',
      ctx.t.chaincode,
      '-O',
      'json',
    ],
    'querycommitted',
  );
  const d = JSON.parse(out) as { sequence: number; version: string };
  return { sequence: Number(d.sequence), version: d.version };
}

/** The version a definition names: its own, or the committed one (a new sequence that changes only the policy). */
const versionOf = async (ctx: OrgContext, fabric: FabricInstall, d: ChaincodeDefinition) =>
  d.version ?? (await committedDefinition(ctx, fabric)).version;

const definitionArgs = (ctx: OrgContext, d: ChaincodeDefinition, version: string) => [
  '--channelID',
  ctx.t.channel,
  '--name',
  ctx.t.chaincode,
  '--version',
  version,
  '--sequence',
  String(d.sequence),
  '--signature-policy',
  d.policy,
];

function ordererOf(ctx: OrgContext): string[] {
  if (!ctx.orderer) throw new NetworkError('ORG_NOT_MEMBER', `${ctx.org.mspId} has not joined the channel`);
  return ['-o', ctx.orderer.address, '--tls', '--cafile', ctx.orderer.caFile];
}

/**
 * The organisation's approval of the definition, with its own package: the one installed for the definition's
 * version during an upgrade, else the one it runs.
 */
export async function approveChaincode(
  ctx: OrgContext,
  fabric: FabricInstall,
  d: ChaincodeDefinition,
): Promise<void> {
  const version = await versionOf(ctx, fabric, d);
  const release = await readRelease(ctx);
  const packageId = release.next?.version === version ? release.next.packageId : release.packageId;
  await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...ordererOf(ctx),
      ...definitionArgs(ctx, d, version),
      '--package-id',
      packageId,
    ],
    `approve sequence ${d.sequence} for ${ctx.org.mspId}`,
  );
}

/**
 * Commits the definition once the organisations that approved it meet the lifecycle policy (refused before, naming
 * who still has to approve), endorsed by those organisations' anchor peers; their addresses and TLS roots are read
 * from the channel config, so the committing admin needs no other organisation's files.
 */
export async function commitChaincode(
  ctx: OrgContext,
  fabric: FabricInstall,
  d: ChaincodeDefinition,
): Promise<void> {
  const config = await fetchConfig(ctx, fabric);
  const version = await versionOf(ctx, fabric, d);
  // An upgrade is approved by "chaincode upgrade", a new sequence of the same release by "chaincode approve-next".
  const verb =
    version === (await committedDefinition(ctx, fabric)).version
      ? 'chaincode approve-next'
      : `chaincode upgrade --version ${version}`;
  const readiness = JSON.parse(
    await peerCli(
      ctx.t,
      fabric,
      ctx.peer,
      ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionArgs(ctx, d, version), '-O', 'json'],
      `check which organisations approved sequence ${d.sequence}`,
    ),
  ) as { approvals: Record<string, boolean> };
  const approved = Object.keys(readiness.approvals)
    .filter((m) => readiness.approvals[m])
    .sort();
  const short = approvalsShort(config, approved);
  if (short)
    throw new NetworkError(
      'CHAINCODE_APPROVALS_MISSING',
      `sequence ${d.sequence} (${d.policy}) is approved by ${approved.join(', ') || 'nobody'}; ` +
        `committing it needs ${short} to run "${verb}"`,
    );
  const dir = path.join(paths(ctx.t).org(ctx.org.key), 'channel', 'peers');
  await mkdir(dir, { recursive: true });
  const peerArgs: string[] = [];
  for (const [mspId, g] of Object.entries(config.channel_group.groups?.Application?.groups ?? {})) {
    // Only organisations that approved: their peers endorse the commit; the others' would refuse to.
    if (!approved.includes(mspId)) continue;
    const anchors = (g.values?.AnchorPeers?.value as { anchor_peers?: Array<{ host: string; port: number }> })
      ?.anchor_peers;
    const msp = (g as ConfigGroup).values?.MSP?.value as
      { config?: { tls_root_certs?: string[] } } | undefined;
    const root = msp?.config?.tls_root_certs?.[0];
    if (!anchors?.length || !root) continue;
    const file = path.join(dir, `${mspId}-tlsca.pem`);
    await writeFile(file, Buffer.from(root, 'base64'));
    peerArgs.push('--peerAddresses', `${anchors[0]!.host}:${anchors[0]!.port}`, '--tlsRootCertFiles', file);
  }
  await peerCli(
    ctx.t,
    fabric,
    ctx.peer,
    ['lifecycle', 'chaincode', 'commit', ...ordererOf(ctx), ...definitionArgs(ctx, d, version), ...peerArgs],
    `commit sequence ${d.sequence}`,
  );
  await waitCommitted(ctx.t, fabric, ctx.t.chaincode, d.sequence, [ctx.peer], version);
}

/** Waits until the organisation's own peer has the definition (a newly joined peer catches up block by block). */
export async function waitDefinition(
  ctx: OrgContext,
  fabric: FabricInstall,
  sequence: number,
  timeoutMs = 120_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const seq = await committedSequence(ctx, fabric).catch(() => 0);
    if (seq >= sequence) return;
    if (Date.now() > until)
      throw new NetworkError(
        'NODE_NOT_READY',
        `${ctx.peer.name} does not see sequence ${sequence} (at ${seq})`,
      );
    await sleep(500);
  }
}
