// Ctrl-C on the README's `npm start -- --fabric`, with npm in front as users run it, once left 11 Fabric processes
// running. The terminal sends SIGINT to its foreground process group; the peers, orderers and chaincode servers run
// detached in groups of their own, so this test finds them by the pid files the network writes, and requires that
// none is left and their ports are closed.
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { isAlive } from '../../network/src/processes.js';
import { groupMembers, listening, startNpmInOwnGroup } from '../network/processes.js';

/** The pids the network recorded for its long-running processes (peers, orderers, chaincode servers). */
async function recordedPids(stateDir: string): Promise<number[]> {
  const dir = path.join(stateDir, 'pids');
  const files = await readdir(dir).catch(() => [] as string[]);
  const pids = await Promise.all(
    files
      .filter((f) => f.endsWith('.pid'))
      .map(async (f) => Number(await readFile(path.join(dir, f), 'utf8'))),
  );
  return pids.filter((n) => Number.isInteger(n) && n > 0);
}

describe('Ctrl-C on `npm start -- --fabric`, as a terminal sends it', function () {
  // npm start builds first, then brings a whole network up: minutes on a loaded machine.
  this.timeout(1_500_000);
  const portBase = Number(process.env.DMSNET_TEST_CTRLC_FABRIC_PORT_BASE ?? 26000);
  const stateDir = path.join(PACKAGE_ROOT, '.run', 'fabric-demo');

  it('brings the whole Fabric network down: no peer, orderer or chaincode server left, their ports closed', async () => {
    const before = (await recordedPids(stateDir)).filter(isAlive);
    expect(before, 'a Fabric demo is already running').to.deep.equal([]);
    // Its own process group, like a terminal's foreground job; SIGINT goes to the whole group, as Ctrl-C does.
    const { pgid, output } = await startNpmInOwnGroup(
      PACKAGE_ROOT,
      ['--fabric', '--port-base', String(portBase)],
      'The gateways stay up',
    );
    let fabric: number[] = [];
    try {
      fabric = (await recordedPids(stateDir)).filter(isAlive);
      expect(fabric.length, 'peers, orderers and chaincode servers are running').to.be.at.least(5);
      const state = JSON.parse(await readFile(path.join(stateDir, 'network.json'), 'utf8')) as {
        topology: { peers: Array<{ port: number }>; orderers: Array<{ port: number }> };
      };
      const fabricPorts = [...state.topology.peers, ...state.topology.orderers].map((n) => n.port);
      for (const p of fabricPorts) expect(await listening(p), `Fabric port ${p} open`).to.equal(true);

      process.kill(-pgid, 'SIGINT');
      const deadline = Date.now() + 120_000;
      while ((groupMembers(pgid).length || fabric.some(isAlive)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 500));
      expect(groupMembers(pgid), `npm's group left running:\n${output().slice(-2000)}`).to.deep.equal([]);
      expect(fabric.filter(isAlive), `Fabric left running:\n${output().slice(-2000)}`).to.deep.equal([]);
      for (const p of [...fabricPorts, portBase]) {
        expect(await listening(p), `port ${p} closed`).to.equal(false);
      }
      expect(output()).to.contain('bringing the Fabric network down');
    } finally {
      // Only what this test started, and only if it failed before it stopped.
      if (groupMembers(pgid).length) process.kill(-pgid, 'SIGKILL');
      for (const pid of fabric.filter(isAlive)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
  });
});
