import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';

/** Pids whose process group is `pgid` (from /proc: the fifth field of stat, after the command in parentheses). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('Ctrl-C on `npm start`, as a terminal sends it', function () {
  // npm start builds first (tsc and the console): minutes on a loaded machine.
  this.timeout(1_200_000);
  const portBase = Number(process.env.DMSNET_TEST_CTRLC_PORT_BASE ?? 35100);

  it('stops every process of the group: npm, its shell and the story, with the gateways’ ports closed', async () => {
    // Its own process group, like a terminal's foreground job; SIGINT goes to the whole group, as Ctrl-C does.
    const child = spawn('npm', ['start', '--', '--port-base', String(portBase)], {
      cwd: PACKAGE_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DMSNET_LOG_LEVEL: 'warn' },
    });
    const pgid = child.pid!;
    let output = '';
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const seen = (b: Buffer) => {
          output += b.toString();
          if (output.includes('The gateways stay up')) resolve();
        };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        void exited.then((code) =>
          reject(new Error(`npm start ended (${code}) before the gateways were up:\n${output.slice(-3000)}`)),
        );
      });
      // The console users are added after the line above; wait until the last gateway answers.
      for (let i = 0; i < 600 && !output.includes('users:'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await listening(portBase), 'the first gateway is up').to.equal(true);
      expect(groupMembers(pgid).length, 'npm, sh and node run in the group').to.be.greaterThan(1);

      process.kill(-pgid, 'SIGINT');
      const deadline = Date.now() + 60_000;
      while (groupMembers(pgid).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(groupMembers(pgid), `left running after SIGINT:\n${output.slice(-2000)}`).to.deep.equal([]);
      for (let port = portBase; port < portBase + 5; port++) {
        expect(await listening(port), `port ${port} closed`).to.equal(false);
      }
    } finally {
      // Only our own group, and only if the test failed before it stopped.
      if (groupMembers(pgid).length) process.kill(-pgid, 'SIGKILL');
    }
  });
});
