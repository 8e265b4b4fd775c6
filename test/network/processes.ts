// Which processes a test started, as /proc tells: a terminal's Ctrl-C goes to a process group.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** Pids whose process group is `pgid` (from /proc: the fifth field of stat, after the command in parentheses). */
export function groupMembers(pgid: number): number[] {
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

export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

export interface StartedGroup {
  /** The group's id: the pid of the `npm` that leads it. */
  pgid: number;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
}

/**
 * Runs `npm start -- ARGS` in a process group of its own, like a terminal's foreground job (so that SIGINT to the
 * group is what Ctrl-C sends), and resolves once it prints `readyLine`; rejects with its last output if it ends first.
 */
export async function startNpmInOwnGroup(
  cwd: string,
  args: string[],
  readyLine: string,
): Promise<StartedGroup> {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DMSNET_LOG_LEVEL: 'warn' },
  });
  let output = '';
  const started: StartedGroup = { pgid: child.pid!, output: () => output };
  await new Promise<void>((resolve, reject) => {
    const seen = (b: Buffer) => {
      output += b.toString();
      if (output.includes(readyLine)) resolve();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code, sig) =>
      reject(new Error(`npm start ended (${code ?? sig}) before "${readyLine}":\n${output.slice(-3000)}`)),
    );
  }).catch((e: unknown) => {
    // Nothing of a failed start is left behind in the group.
    if (groupMembers(started.pgid).length) process.kill(-started.pgid, 'SIGKILL');
    throw e;
  });
  return started;
}
