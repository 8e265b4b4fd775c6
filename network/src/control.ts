// Stopping and restarting one node of a running network, by name: what an operator does during maintenance and what
// the fault tests do to prove nothing is lost.
import { findFabric } from './binaries.js';
import { NetworkError } from './errors.js';
import { chaincodeServerEnv, CHAINCODE_SERVER, ordererEnv, peerEnv } from './nodes.js';
import { readPid, startProcess, stopPid, waitForPort, waitHealthy } from './processes.js';
import type { NetworkState } from './state.js';
import { paths } from './topology.js';

export async function stopNode(
  state: NetworkState,
  name: string,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<void> {
  const pid = await readPid(paths(state.topology).pid(name));
  if (!pid) throw new NetworkError('NODE_UNKNOWN', `no pid file for ${name}`);
  if (signal === 'SIGKILL') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await stopPid(pid);
}

/** Starts a stopped orderer, peer or chaincode server (cc.<org>) with its original settings and waits until it serves. */
export async function startNode(state: NetworkState, name: string): Promise<void> {
  const t = state.topology;
  const p = paths(t);
  const fabric = await findFabric();
  const orderer = t.orderers.find((o) => o.name === name);
  const peer = t.peers.find((n) => n.name === name);
  const cc = t.peers.find((n) => `cc.${n.org}` === name);
  const common = { name, logFile: p.log(name), pidFile: p.pid(name) };
  if (orderer) {
    await startProcess({
      ...common,
      command: fabric.bin.orderer,
      args: [],
      env: ordererEnv(t, fabric, orderer),
    });
    await waitHealthy(orderer.operationsPort, 60_000, name, p.log(name));
  } else if (peer) {
    await startProcess({
      ...common,
      command: fabric.bin.peer,
      args: ['node', 'start'],
      env: peerEnv(t, fabric, peer),
    });
    await waitHealthy(peer.operationsPort, 60_000, name, p.log(name));
  } else if (cc) {
    // After an upgrade the organisation's server runs the release recorded for it, on that release's port.
    const release = state.chaincode?.[cc.org];
    const port = release?.port ?? cc.ccServerPort;
    await startProcess({
      ...common,
      command: process.execPath,
      args: [CHAINCODE_SERVER],
      env: chaincodeServerEnv(cc, state.packageIds[cc.org] as string, port, release?.version),
    });
    await waitForPort(port, 120_000, name);
  } else {
    throw new NetworkError('NODE_UNKNOWN', `no node ${name} in the network`);
  }
}
