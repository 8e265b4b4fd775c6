// Runs the gateway crash child (crash-child.ts) and, in `send` mode, kills it with SIGKILL once it has queued enough.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

export interface CrashRun {
  code: number | null;
  out: string;
}

export function runCrashChild(
  dir: string,
  mode: 'send' | 'resume',
  o: { count?: number; killAfterQueued?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(o.count ?? 1000), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...o.env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const queued = [...out.matchAll(/queued (\d+)/g)].map((m) => Number(m[1]));
      if (
        o.killAfterQueued &&
        queued.length &&
        Math.max(...queued) >= o.killAfterQueued &&
        p.exitCode === null
      ) {
        p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) =>
      code && code !== 0 && !o.killAfterQueued ? reject(new Error(err)) : resolve({ code, out }),
    );
  });
}

export function crashResult(run: CrashRun): Record<string, number> | undefined {
  const line = run.out.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? (JSON.parse(line.slice(7)) as Record<string, number>) : undefined;
}
