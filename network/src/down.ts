import { rm } from 'node:fs/promises';
import path from 'node:path';
import { stopAll } from './processes.js';
import { silentProgress, type Progress } from './progress.js';

/** Stops every process the network started (by pid) and removes its state. */
export async function networkDown(o: {
  dir: string;
  progress?: Progress;
  keepState?: boolean;
}): Promise<string[]> {
  const say = o.progress ?? silentProgress;
  const stopped = await stopAll(path.join(path.resolve(o.dir), 'pids'));
  say(
    stopped.length
      ? `stopped ${stopped.length} processes: ${stopped.join(', ')}`
      : 'no running process found',
  );
  if (!o.keepState) {
    await rm(path.resolve(o.dir), { recursive: true, force: true });
    say(`removed ${path.resolve(o.dir)}`);
  }
  return stopped;
}
