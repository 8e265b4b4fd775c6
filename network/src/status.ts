import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findFabric } from './binaries.js';
import { peerCli } from './cli-tools.js';
import { isAlive, readPid } from './processes.js';
import { HOME_FILE, type OrgHome } from './org.js';
import { readState, type OrgChaincode } from './state.js';
import { usesFabricCa } from './fabric-ca.js';
import { buildTopology, paths } from './topology.js';

export interface NetworkStatus {
  dir: string;
  exists: boolean;
  processes: Array<{ name: string; pid?: number; alive: boolean; log: string }>;
  heights: Array<{ peer: string; height?: number; error?: string }>;
  chaincode?: string;
  /** The chaincode release each organisation runs and, while an upgrade is under way, the one it installed next. */
  releases: ReleaseLine[];
  consensus?: string;
}

export interface ReleaseLine {
  org: string;
  version: string;
  packageId: string;
  /** The release installed and approved beside the running one ("chaincode upgrade"), until "finish-upgrade". */
  next?: { version: string; packageId: string };
}

/** The releases recorded for each organisation (none recorded: the first release, not listed). */
export function releaseLines(recorded: Record<string, OrgChaincode | undefined>): ReleaseLine[] {
  return Object.entries(recorded).flatMap(([org, r]) =>
    r
      ? [
          {
            org,
            version: r.version,
            packageId: r.packageId,
            ...(r.next ? { next: { version: r.next.version, packageId: r.next.packageId } } : {}),
          },
        ]
      : [],
  );
}

/**
 * The chaincode server processes to report: each organisation's `cc.<org>`, and its `cc.<org>.next` while an upgrade
 * is under way (recorded as pending, or its server still has a pid file).
 */
export function chaincodeServers(
  orgs: readonly string[],
  releases: readonly ReleaseLine[],
  hasPidFile: (name: string) => boolean,
) {
  return orgs.flatMap((org) => {
    const next = `cc.${org}.next`;
    const pending = releases.some((r) => r.org === org && r.next) || hasPidFile(next);
    return pending ? [`cc.${org}`, next] : [`cc.${org}`];
  });
}

/** Processes, channel heights and the committed chaincode of the network at `dir`. */
export async function networkStatus(dir: string): Promise<NetworkStatus> {
  const state = await readState(paths(buildTopology({ dir })).state);
  // An organisation's own folder has its peer and chaincode server only, no orderers.
  const homeFile = path.join(path.resolve(dir), HOME_FILE);
  const home =
    !state && existsSync(homeFile) ? (JSON.parse(await readFile(homeFile, 'utf8')) as OrgHome) : undefined;
  const t = state?.topology ?? home?.topology;
  if (!t) return { dir: path.resolve(dir), exists: false, processes: [], heights: [], releases: [] };
  const p = paths(t);
  const releases = releaseLines(
    home
      ? { [t.orgs[0]!.key]: home.chaincode }
      : Object.fromEntries(t.orgs.map((o) => [o.key, state?.chaincode?.[o.key]])),
  );
  const names = [
    ...t.orderers.map((o) => o.name),
    ...t.peers.map((n) => n.name),
    ...chaincodeServers([...new Set(t.peers.map((n) => n.org))], releases, (name) => existsSync(p.pid(name))),
    // Each organisation's own CA server, where it runs Fabric CA (decision 0044).
    ...t.orgs.filter((o) => usesFabricCa(t, o.key)).map((o) => `ca.${o.key}`),
  ];
  const processes = await Promise.all(
    names.map(async (name) => {
      const pid = await readPid(p.pid(name));
      return { name, pid, alive: !!pid && isAlive(pid), log: p.log(name) };
    }),
  );
  const fabric = await findFabric();
  const heights = await Promise.all(
    t.peers.map(async (n) => {
      try {
        const out = await peerCli(t, fabric, n, ['channel', 'getinfo', '-c', t.channel], `getinfo ${n.name}`);
        const m = /"height":(\d+)/.exec(out);
        return { peer: n.name, height: m ? Number(m[1]) : undefined };
      } catch (err) {
        return { peer: n.name, error: (err as Error).message };
      }
    }),
  );
  let chaincode: string | undefined;
  const first = t.peers[0];
  if (first) {
    chaincode = await peerCli(
      t,
      fabric,
      first,
      ['lifecycle', 'chaincode', 'querycommitted', '--channelID', t.channel, '--name', t.chaincode],
      'querycommitted',
    )
      .then((s) => s.trim().split('\n').slice(-1)[0])
      .catch((e: Error) => `not readable: ${e.message}`);
  }
  return {
    dir: t.dir,
    exists: true,
    processes,
    heights,
    chaincode,
    releases,
    consensus: home ? `the folder of ${t.orgs[0]?.mspId}` : t.consensus,
  };
}
