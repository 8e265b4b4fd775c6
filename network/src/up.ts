// Brings a native Fabric network up: crypto material, channel block, orderers, peers, channel joins, the chaincode
// as a service with its lifecycle. A failure at any step stops what was started and removes the state.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFabric, type FabricInstall } from './binaries.js';
import { ccaasPackage } from './chaincode-package.js';
import { ordererArgs, ordererTlsCa, osnadmin, peerCli, peerTlsCa } from './cli-tools.js';
import { endorsementPolicy, makeGenesisBlock } from './configtx.js';
import { NetworkError } from './errors.js';
import { CHAINCODE_SERVER, chaincodeServerEnv, ordererEnv, peerEnv } from './nodes.js';
import { fabricCaForNewOrgs, generateOrgMaterial } from './pki.js';
import { caServer } from './fabric-ca.js';
import { checkUpdate, fetchConfig, proposeAddOrg, signUpdate, submitUpdate } from './channel-update.js';
import { joinChannel } from './membership.js';
import { describeCouncil, proposeCouncilChange, thresholds } from './council.js';
import { orgDefinition, type OrgContext } from './org.js';
import { isAlive, portInUse, readPid, startProcess, stopAll, waitForPort, waitHealthy } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { CHAINCODE_SEQUENCE, CHAINCODE_VERSION, waitCommitted } from './lifecycle.js';
import { readState, writeState, type NetworkState } from './state.js';
import {
  buildTopology,
  paths,
  type Consensus,
  type OrdererNode,
  type OrgSpec,
  type PeerNode,
  type Topology,
  peersOf,
} from './topology.js';

export interface UpOptions {
  dir: string;
  consensus?: Consensus;
  portBase?: number;
  batchTimeout?: string;
  /** Founding organisations by key (default: all four); others join later (network/src/membership.ts). */
  orgs?: readonly string[];
  progress?: Progress;
  env?: NodeJS.ProcessEnv;
}

export { CHAINCODE_SEQUENCE, CHAINCODE_VERSION, waitCommitted } from './lifecycle.js';

/** The running network at `dir`, if every process it started is alive. */
export async function runningNetwork(dir: string): Promise<NetworkState | undefined> {
  const t = buildTopology({ dir });
  const state = await readState(paths(t).state);
  if (!state?.ready) return undefined;
  const p = paths(state.topology);
  const names = [
    ...state.topology.orderers.map((o) => o.name),
    ...new Set(state.topology.peers.flatMap((n) => [n.name, `cc.${n.org}`])),
  ];
  for (const name of names) {
    const pid = await readPid(p.pid(name));
    if (!pid || !isAlive(pid)) return undefined;
  }
  return state;
}

export async function networkUp(o: UpOptions): Promise<NetworkState> {
  const say = o.progress ?? silentProgress;
  const fabric = await findFabric(o.env);
  say(`Fabric ${fabric.version} binaries: ${path.dirname(fabric.bin.peer)} (config ${fabric.configDir})`);
  const running = await runningNetwork(o.dir);
  if (running) {
    throw new NetworkError(
      'NETWORK_RUNNING',
      `a network is already running in ${o.dir} (since ${running.startedAt}); run network:status or network:down`,
    );
  }
  const t = buildTopology({
    dir: o.dir,
    consensus: o.consensus,
    portBase: o.portBase,
    batchTimeout: o.batchTimeout,
    orgs: o.orgs,
  });
  // A half-started or stale network is cleaned up, never reused.
  await stopAll(path.join(t.dir, 'pids'));
  await rm(t.dir, { recursive: true, force: true });
  const ports = [
    ...t.orderers.flatMap((n) => [n.port, n.adminPort, n.operationsPort]),
    ...new Set(t.peers.flatMap((n) => [n.port, n.chaincodePort, n.operationsPort, n.ccServerPort])),
    // Each organisation's Fabric CA server and its operations endpoint.
    ...t.orgs.flatMap((o) => [caServer(t, o.key).port, caServer(t, o.key).operationsPort]),
  ];
  const busy: number[] = [];
  for (const port of ports) if (await portInUse(port)) busy.push(port);
  if (busy.length) {
    throw new NetworkError(
      'PORT_IN_USE',
      `ports in use on 127.0.0.1: ${busy.join(', ')} (another network? use --port-base)`,
    );
  }
  await mkdir(t.dir, { recursive: true });
  try {
    return await bringUp(t, fabric, say);
  } catch (err) {
    say('failed; stopping what was started and removing the state');
    await stopAll(path.join(t.dir, 'pids'));
    if (!process.env.DMSNET_KEEP_FAILED_NETWORK) await rm(t.dir, { recursive: true, force: true });
    else say(`state kept in ${t.dir} (DMSNET_KEEP_FAILED_NETWORK)`);
    throw err;
  }
}

async function bringUp(t: Topology, fabric: FabricInstall, say: Progress): Promise<NetworkState> {
  const p = paths(t);
  say(
    `crypto material, each organisation in its own folder (${t.orgs.map((o) => `orgs/${o.key}`).join(', ')})`,
  );
  const fabricCa = await fabricCaForNewOrgs(say);
  // Each organisation's CA is its own server: their registrations and enrolments run side by side.
  // All settle before a failure is thrown, so the cleanup that follows finds every CA server that was started.
  const made = await Promise.allSettled(t.orgs.map((org) => generateOrgMaterial(t, org.key, fabricCa, say)));
  const failed = made.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  // The genesis block names the ordering organisations (decision 0030) and, as an application organisation, the
  // association only; every other founder joins as any organisation joins a running channel later (decision 0028),
  // so the steps an operator runs are the ones the suite runs every time.
  const ordering = t.orgs.filter((o) => o.orderers > 0);
  say(
    `channel '${t.channel}' genesis block: orderers of ${ordering.map((o) => `${o.mspId} (${o.orderers})`).join(', ')} (${t.consensus === 'bft' ? 'SmartBFT' : 'Raft'}, ${t.orderers.length} orderers, batch timeout ${t.batchTimeout})`,
  );
  const first = [...ordering].sort((a, b) => b.orderers - a.orderers)[0] as OrgSpec;
  await makeGenesisBlock({ ...t, orgs: ordering }, fabric, [first.key]);

  say(`starting ${t.orderers.length} orderers`);
  for (const n of t.orderers) {
    await startProcess({
      name: n.name,
      command: fabric.bin.orderer,
      args: [],
      env: ordererEnv(t, fabric, n),
      logFile: p.log(n.name),
      pidFile: p.pid(n.name),
    });
  }
  await Promise.all(t.orderers.map((n) => waitHealthy(n.operationsPort, 60_000, n.name, p.log(n.name))));
  say('joining the orderers to the channel (channel participation API)');
  for (const n of t.orderers) {
    await osnadmin(
      t,
      fabric,
      n,
      ['channel', 'join', '--channelID', t.channel, '--config-block', p.channelBlock],
      `osnadmin join ${n.name}`,
    );
  }

  say(`starting ${t.peers.length} peers`);
  for (const n of t.peers) {
    await startProcess({
      name: n.name,
      command: fabric.bin.peer,
      args: ['node', 'start'],
      env: peerEnv(t, fabric, n),
      logFile: p.log(n.name),
      pidFile: p.pid(n.name),
    });
  }
  await Promise.all(t.peers.map((n) => waitHealthy(n.operationsPort, 60_000, n.name, p.log(n.name))));
  say('waiting for the ordering service to elect a leader');
  await waitForChannelActive(t, fabric);
  await addFounders(t, fabric, say);
  await foundCouncil(t, fabric, say);

  const policy = endorsementPolicy(t);
  const packageIds = await deployChaincode(t, fabric, say, {
    name: t.chaincode,
    server: CHAINCODE_SERVER,
    processPrefix: 'cc',
    portOffset: 0,
    policy,
  });
  await waitCommitted(t, fabric, t.chaincode);
  const state: NetworkState = {
    topology: t,
    fabricVersion: fabric.version,
    packageIds,
    endorsementPolicy: policy,
    startedAt: new Date().toISOString(),
    ready: true,
  };
  await writeState(state);
  say(
    `network up: ${t.orderers.length} orderers, ${t.peers.length} peers, chaincode '${t.chaincode}' committed on channel '${t.channel}'`,
  );
  return state;
}

/**
 * Each founder after the ordering organisation: its definition, an update adding it signed by members' admins until
 * the channel's modification policy is met, submitted, and its peer joined from the genesis block it fetches itself.
 */
async function addFounders(t: Topology, fabric: FabricInstall, say: Progress): Promise<void> {
  const ctxOf = (key: string): OrgContext => ({
    t,
    org: t.orgs.find((o) => o.key === key) as OrgSpec,
    peer: t.peers.find((n) => n.org === key) as PeerNode,
    source: 'network',
  });
  const [first, ...others] = [...t.orgs].sort((a, b) => b.orderers - a.orderers);
  const ordering = ctxOf((first as OrgSpec).key);
  const orderingDef = await orgDefinition(ordering, fabric);
  await joinChannel(ordering, fabric, orderingDef, say);
  const members = [ordering];
  for (const org of others) {
    const ctx = ctxOf(org.key);
    const file = path.join(paths(t).config, `add-${org.key}.pb`);
    const current = await fetchConfig(ordering, fabric);
    await proposeAddOrg(ordering, fabric, await orgDefinition(ctx, fabric), file);
    const signed: string[] = [];
    for (const m of members) {
      await signUpdate(m, fabric, file);
      signed.push(m.org.mspId);
      if ((await checkUpdate(ordering, fabric, file, { current, submitter: true })).satisfied) break;
    }
    say(`adding ${org.mspId} to '${t.channel}': update signed by ${signed.join(', ')}; joining its peer`);
    await submitUpdate(ordering, fabric, file);
    await joinChannel(ctx, fabric, orderingDef);
    members.push(ctx);
  }
}

/**
 * Replaces Fabric's MAJORITY Admins with the council (decision 0029): the ordering organisation chairs it and every
 * other founder is elected to it. Signed, like any update, until the check says the policy in force is met.
 */
async function foundCouncil(t: Topology, fabric: FabricInstall, say: Progress): Promise<void> {
  const [chair, ...others] = [...t.orgs].sort((a, b) => b.orderers - a.orderers);
  if (!chair || !others.length) {
    say('one founder: no council to elect yet (MAJORITY Admins of one organisation)');
    return;
  }
  const orderer = t.orderers[0] as OrdererNode;
  const ctxOf = (o: OrgSpec): OrgContext => ({
    t,
    org: o,
    peer: t.peers.find((n) => n.org === o.key) as PeerNode,
    orderer: { address: `${orderer.host}:${orderer.port}`, caFile: ordererTlsCa(t, orderer) },
    source: 'network',
  });
  const council = { chair: chair.mspId, members: others.map((o) => o.mspId).sort() };
  const th = thresholds(council.members.length);
  say(
    `founding the council: ${council.chair} chairs, ${council.members.join(', ')} elected ` +
      `(admission: the chair and ${th.admit} of ${council.members.length}; council changes: ${th.change} of ${th.seats} seats)`,
  );
  const file = path.join(paths(t).config, 'found-council.pb');
  const current = await fetchConfig(ctxOf(chair), fabric);
  await proposeCouncilChange(ctxOf(chair), fabric, { kind: 'found', council }, file);
  for (const o of [chair, ...others]) {
    await signUpdate(ctxOf(o), fabric, file);
    if ((await checkUpdate(ctxOf(chair), fabric, file, { current, submitter: true })).satisfied) break;
  }
  await submitUpdate(ctxOf(chair), fabric, file);
  for (const line of describeCouncil(
    council,
    [chair, ...others].map((o) => o.mspId),
  ))
    say(`  ${line}`);
}

async function waitForChannelActive(t: Topology, fabric: FabricInstall): Promise<void> {
  const until = Date.now() + 60_000;
  let last = '';
  while (Date.now() < until) {
    const infos = await Promise.all(
      t.orderers.map((o) =>
        osnadmin(t, fabric, o, ['channel', 'list', '--channelID', t.channel], `channel info ${o.name}`).catch(
          (e: Error) => e.message,
        ),
      ),
    );
    // Every orderer must be an active member with the genesis block before peers ask it for blocks.
    if (infos.every((i) => /"status":\s*"active"/.test(i) && /"consensusRelation":\s*"consenter"/.test(i)))
      return;
    last = infos.join(' ');
    await sleep(500);
  }
  throw new NetworkError(
    'NODE_NOT_READY',
    `the ordering service did not become active: ${last.slice(0, 400)}`,
  );
}

export interface ChaincodeDeployment {
  name: string;
  /** The Node script that serves the chaincode (CCaaS) for one organisation. */
  server: string;
  /** Process names are `<prefix>.<org>`. */
  processPrefix: string;
  /** Added to each peer's chaincode server port, so a second chaincode gets its own. */
  portOffset: number;
  policy: string;
}

/**
 * Deploys a chaincode as a service: one deterministic package and one server per organisation, installed on every
 * peer, approved by every organisation, committed once. Returns the package id per organisation.
 */
export async function deployChaincode(
  t: Topology,
  fabric: FabricInstall,
  say: Progress,
  d: ChaincodeDeployment,
): Promise<Record<string, string>> {
  const p = paths(t);
  say(`packaging chaincode '${d.name}' as a service (one package per organisation, deterministic bytes)`);
  const packageIds: Record<string, string> = {};
  await mkdir(p.chaincode, { recursive: true });
  const file = (n: PeerNode) => path.join(p.chaincode, `${d.name}.${n.org}.tgz`);
  // An organisation's peers all dial its one chaincode server: the first peer of each stands for the organisation.
  const firsts = t.orgs.map((o) => peersOf(t, o.key)[0]).filter((n): n is PeerNode => !!n);
  for (const n of firsts) {
    const pkg = await ccaasPackage(`${d.name}_${n.org}`, {
      address: `${n.host}:${n.ccServerPort + d.portOffset}`,
      dial_timeout: '10s',
      tls_required: false,
    });
    await writeFile(file(n), pkg.bytes);
    packageIds[n.org] = pkg.packageId;
  }
  say(`starting a '${d.name}' chaincode server per organisation`);
  for (const n of firsts) {
    const name = `${d.processPrefix}.${n.org}`;
    await startProcess({
      name,
      command: process.execPath,
      args: [d.server],
      env: chaincodeServerEnv(n, packageIds[n.org] as string, n.ccServerPort + d.portOffset),
      logFile: p.log(name),
      pidFile: p.pid(name),
    });
  }
  await Promise.all(
    firsts.map((n) =>
      waitForPort(n.ccServerPort + d.portOffset, 30_000, `chaincode server ${d.processPrefix}.${n.org}`),
    ),
  );
  say(`installing '${d.name}' on every peer (${t.peers.length})`);
  await Promise.all(
    t.peers.map((n) =>
      peerCli(
        t,
        fabric,
        n,
        ['lifecycle', 'chaincode', 'install', file(n)],
        `install ${d.name} on ${n.name}`,
      ).catch((err: Error) => {
        if (!/already successfully installed/.test(err.message)) throw err;
      }),
    ),
  );
  const definition = [
    '--channelID',
    t.channel,
    '--name',
    d.name,
    '--version',
    CHAINCODE_VERSION,
    '--sequence',
    CHAINCODE_SEQUENCE,
    '--signature-policy',
    d.policy,
  ];
  say(`approving '${d.name}' in every organisation (endorsement policy ${d.policy})`);
  for (const n of firsts) {
    await peerCli(
      t,
      fabric,
      n,
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...ordererArgs(t),
        ...definition,
        '--package-id',
        packageIds[n.org] as string,
      ],
      `approve ${d.name} for ${n.mspId}`,
    );
  }
  say(`committing the '${d.name}' definition`);
  await peerCli(
    t,
    fabric,
    t.peers[0] as PeerNode,
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...ordererArgs(t),
      ...definition,
      ...firsts.flatMap((n) => [
        '--peerAddresses',
        `${n.host}:${n.port}`,
        '--tlsRootCertFiles',
        peerTlsCa(t, n),
      ]),
    ],
    `commit the ${d.name} definition`,
  );
  await waitCommitted(t, fabric, d.name);
  return packageIds;
}
