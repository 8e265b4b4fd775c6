import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findFabric } from './binaries.js';
import { peerCli } from './cli-tools.js';
import { isAlive, readPid } from './processes.js';
import { HOME_FILE, type OrgHome } from './org.js';
import { readState } from './state.js';
import { usesFabricCa } from './fabric-ca.js';
import { buildTopology, paths } from './topology.js';

export interface NetworkStatus {
  dir: string;
  exists: boolean;
  processes: Array<{ name: string; pid?: number; alive: boolean; log: string }>;
  heights: Array<{ peer: string; height?: number; error?: string }>;
  chaincode?: string;
  consensus?: string;
}

/** Processes, channel heights and the committed chaincode of the network at `dir`. */
export async function networkStatus(dir: string): Promise<NetworkStatus> {
  const state = await readState(paths(buildTopology({ dir })).state);
  // An organisation's own folder has its peer and chaincode server only, no orderers.
  const homeFile = path.join(path.resolve(dir), HOME_FILE);
  const home =
    !state && existsSync(homeFile) ? (JSON.parse(await readFile(homeFile, 'utf8')) as OrgHome) : undefined;
  const t = state?.topology ?? home?.topology;
  if (!t) return { dir: path.resolve(dir), exists: false, processes: [], heights: [] };
  const p = paths(t);
  const names = [
    ...t.orderers.map((o) => o.name),
    ...t.peers.map((n) => n.name),
    ...new Set(t.peers.map((n) => `cc.${n.org}`)),
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
    consensus: home ? `the folder of ${t.orgs[0]?.mspId}` : t.consensus,
  };
}
