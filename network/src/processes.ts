// Long-running processes of a native network: started detached with a log file and a pid file each, stopped by pid
// (never by name), checked by port and by their operations endpoint.
import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkError } from './errors.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readPid(pidFile: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const n = Number((await readFile(pidFile, 'utf8')).trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Starts a process that outlives this script; its output goes to its own log file. */
export async function startProcess(s: ProcessSpec): Promise<number> {
  await mkdir(path.dirname(s.logFile), { recursive: true });
  await mkdir(path.dirname(s.pidFile), { recursive: true });
  const fd = openSync(s.logFile, 'a');
  try {
    const child = spawn(s.command, s.args, {
      env: s.env,
      cwd: s.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (!child.pid) throw new NetworkError('PROCESS_START_FAILED', `${s.name}: ${s.command} did not start`);
    child.unref();
    await writeFile(s.pidFile, String(child.pid));
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, a grace period, then SIGKILL: by pid only. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  while (isAlive(pid)) await sleep(50);
}

/** Stops every process with a pid file in `pidDir`; returns their names. */
export async function stopAll(pidDir: string): Promise<string[]> {
  if (!existsSync(pidDir)) return [];
  const stopped: string[] = [];
  const files = (await readdir(pidDir)).filter((f) => f.endsWith('.pid'));
  await Promise.all(
    files.map(async (f) => {
      const pid = await readPid(path.join(pidDir, f));
      if (pid && isAlive(pid)) {
        await stopPid(pid);
        stopped.push(f.replace(/\.pid$/, ''));
      }
      await rm(path.join(pidDir, f), { force: true });
    }),
  );
  return stopped.sort();
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

export async function waitForPort(
  port: number,
  timeoutMs: number,
  what: string,
  host = '127.0.0.1',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(200);
  }
  throw new NetworkError(
    'NODE_NOT_READY',
    `${what} did not listen on ${host}:${port} within ${timeoutMs / 1000} s`,
  );
}

/** Polls a Fabric node's operations /healthz until it answers OK. */
export async function waitHealthy(
  port: number,
  timeoutMs: number,
  what: string,
  logFile: string,
  host = '127.0.0.1',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://${host}:${port}/healthz`);
      if (res.ok) return;
      last = await res.text();
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new NetworkError(
    'NODE_NOT_READY',
    `${what} was not healthy within ${timeoutMs / 1000} s (${last}); see ${logFile}`,
  );
}
