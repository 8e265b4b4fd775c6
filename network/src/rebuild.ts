// A peer that lost its ledger folder (disk, machine) rebuilt by its own organisation: from the channel's genesis block
// through the orderers, or from a snapshot its other peer takes. Either way the ciphertexts addressed to the
// organisation come back from that other peer, never from another organisation (decision 0045).
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FabricInstall } from './binaries.js';
import { peerCli } from './cli-tools.js';
import { NetworkError } from './errors.js';
import { installPackage, joinPeer, orgPackage, peerHeight, startPeer, waitHeight } from './membership.js';
import type { OrgContext } from './org.js';
import { readPid, stopPid } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { paths, peersOf, type PeerNode } from './topology.js';

export interface RebuildOptions {
  /** The peer to rebuild, e.g. peer0.clinichost. */
  node: string;
  /** Join from a snapshot of the organisation's other peer instead of replaying the channel from its first block. */
  fromSnapshot?: boolean;
  progress?: Progress;
}

export interface RebuildResult {
  peer: string;
  from: 'genesis' | 'snapshot';
  /** The other peer of the organisation that the private data (and, with a snapshot, the state) came from. */
  source?: string;
  /** The block the snapshot was taken at: the rebuilt peer serves no block or event up to it. */
  snapshotBlock?: number;
  height: number;
}

/**
 * Stops the peer, removes whatever is left of its ledger folder, starts it empty, joins it to the channel again,
 * installs the organisation's chaincode package (installed packages lived in that folder too) and waits until it
 * holds as many blocks as its other peer.
 */
export async function rebuildPeer(
  ctx: OrgContext,
  fabric: FabricInstall,
  o: RebuildOptions,
): Promise<RebuildResult> {
  const say = o.progress ?? silentProgress;
  const own = peersOf(ctx.t, ctx.org.key);
  const n = own.find((x) => x.name === o.node);
  if (!n)
    throw new NetworkError(
      'NODE_UNKNOWN',
      `${ctx.org.mspId} runs no peer ${o.node} (its peers: ${own.map((x) => x.name).join(', ')})`,
    );
  const source = await liveSibling(ctx, fabric, own, n);
  if (o.fromSnapshot && !source)
    throw new NetworkError(
      'NODE_NOT_READY',
      `a snapshot comes from another peer of ${ctx.org.mspId} on the channel, and none answers; rebuild from the genesis block`,
    );
  if (!source)
    say(
      `warning: no other peer of ${ctx.org.mspId} answers — blocks come from the orderers, but ciphertexts addressed to ` +
        `${ctx.org.mspId} exist nowhere else and must be sent again by their senders`,
    );
  const p = paths(ctx.t);
  const pid = await readPid(p.pid(n.name));
  if (pid) {
    say(`stopping ${n.name}`);
    await stopPid(pid);
  }
  const data = p.data(n.name);
  say(`removing what is left of ${n.name}'s ledger folder ${data}`);
  await rm(data, { recursive: true, force: true });

  let snapshot: { dir: string; block: number } | undefined;
  if (o.fromSnapshot && source) snapshot = await takeSnapshot(ctx, fabric, source.peer, say);
  await startPeer(ctx, fabric, n, say);
  const want = source ? source.height : 1;
  if (snapshot) {
    say(`joining ${n.name} from the snapshot at block ${snapshot.block} (the peer checks its hashes)`);
    await peerCli(
      ctx.t,
      fabric,
      n,
      ['channel', 'joinbysnapshot', '--snapshotpath', snapshot.dir],
      `peer channel joinbysnapshot ${n.name}`,
    );
    await waitJoinedBySnapshot(ctx, fabric, n);
  } else {
    const block = await genesisBlock(ctx, fabric, n, say);
    await joinPeer(ctx, fabric, n, block, say);
  }
  await waitHeight(ctx, fabric, n, want, say, 600_000);
  // Installed packages were in the lost folder; the package's bytes are deterministic, so its id is the one the
  // channel's chaincode definition approved for this organisation.
  const pkg = await orgPackage(ctx);
  const file = path.join(p.chaincode, `${ctx.t.chaincode}.${ctx.org.key}.tgz`);
  await mkdir(p.chaincode, { recursive: true });
  await writeFile(file, pkg.bytes);
  await installPackage(ctx, fabric, n, file, say);
  const height = await peerHeight(ctx, fabric, n);
  say(
    snapshot
      ? `${n.name} rebuilt from a snapshot of ${source?.peer.name} at block ${snapshot.block}, now at height ${height}; ` +
          `its organisation's private data is pulled from ${source?.peer.name} by reconciliation (every 5 s). ` +
          `It serves no block or event up to ${snapshot.block}: a gateway whose checkpoint is not past it follows ${source?.peer.name}.`
      : `${n.name} rebuilt from the genesis block, now at height ${height}; private data pulled from ` +
          `${source?.peer.name ?? 'nobody'} as each block committed`,
  );
  return {
    peer: n.name,
    from: snapshot ? 'snapshot' : 'genesis',
    source: source?.peer.name,
    snapshotBlock: snapshot?.block,
    height,
  };
}

/** Another peer of the organisation that is on the channel, with its height. */
async function liveSibling(
  ctx: OrgContext,
  fabric: FabricInstall,
  own: PeerNode[],
  n: PeerNode,
): Promise<{ peer: PeerNode; height: number } | undefined> {
  for (const peer of own.filter((x) => x.name !== n.name)) {
    const height = await peerHeight(ctx, fabric, peer);
    if (height > 0) return { peer, height };
  }
  return undefined;
}

/**
 * Asks the other peer for a snapshot at its current height and copies it to the organisation's folder, as an
 * operator carries it to the rebuilt machine. A snapshot holds the public state, private data hashes, transaction
 * ids and collection config history, never private data itself.
 */
async function takeSnapshot(
  ctx: OrgContext,
  fabric: FabricInstall,
  source: PeerNode,
  say: Progress,
): Promise<{ dir: string; block: number }> {
  const p = paths(ctx.t);
  const completed = path.join(p.data(source.name), 'snapshots', 'completed', ctx.t.channel);
  const before = new Set(existsSync(completed) ? await readdir(completed) : []);
  say(`asking ${source.name} for a snapshot of '${ctx.t.channel}' at its current height`);
  await peerCli(
    ctx.t,
    fabric,
    source,
    [
      'snapshot',
      'submitrequest',
      '-c',
      ctx.t.channel,
      '-b',
      '0',
      '--peerAddress',
      `${source.host}:${source.port}`,
      '--tlsRootCertFile',
      path.join(p.node(source.org, source.name), 'tls', 'ca.crt'),
    ],
    `peer snapshot submitrequest on ${source.name}`,
  );
  const until = Date.now() + 300_000;
  for (;;) {
    const made = existsSync(completed) ? (await readdir(completed)).filter((b) => !before.has(b)) : [];
    const ready = made.find((b) => existsSync(path.join(completed, b, '_snapshot_additional_metadata.json')));
    if (ready) {
      const dir = path.join(p.org(ctx.org.key), 'snapshots', `${ctx.t.channel}.${ready}`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(path.dirname(dir), { recursive: true });
      await cp(path.join(completed, ready), dir, { recursive: true });
      say(`snapshot at block ${ready} copied to ${dir}`);
      return { dir, block: Number(ready) };
    }
    if (Date.now() > until)
      throw new NetworkError('NODE_NOT_READY', `${source.name} made no snapshot within five minutes`);
    await sleep(500);
  }
}

async function waitJoinedBySnapshot(ctx: OrgContext, fabric: FabricInstall, n: PeerNode): Promise<void> {
  const until = Date.now() + 300_000;
  for (;;) {
    const out = await peerCli(
      ctx.t,
      fabric,
      n,
      ['channel', 'joinbysnapshotstatus'],
      `peer channel joinbysnapshotstatus ${n.name}`,
    ).catch((e: Error) => e.message);
    if (/No joinbysnapshot operation is in progress/i.test(out)) return;
    if (Date.now() > until)
      throw new NetworkError('NODE_NOT_READY', `${n.name} still joining by snapshot: ${out.trim()}`);
    await sleep(500);
  }
}

/** The channel's first block, fetched from the orderers as the organisation's admin. */
async function genesisBlock(
  ctx: OrgContext,
  fabric: FabricInstall,
  n: PeerNode,
  say: Progress,
): Promise<string> {
  if (!ctx.orderer)
    throw new NetworkError('ORG_NOT_MEMBER', `${ctx.org.mspId} has not joined the channel: no orderer known`);
  const block = path.join(paths(ctx.t).org(ctx.org.key), 'channel', `${ctx.t.channel}.genesis.block`);
  await mkdir(path.dirname(block), { recursive: true });
  say(`fetching the genesis block of '${ctx.t.channel}' from ${ctx.orderer.address}`);
  await peerCli(
    ctx.t,
    fabric,
    n,
    [
      'channel',
      'fetch',
      '0',
      block,
      '-c',
      ctx.t.channel,
      '-o',
      ctx.orderer.address,
      '--tls',
      '--cafile',
      ctx.orderer.caFile,
    ],
    'fetch the genesis block',
  );
  return block;
}
