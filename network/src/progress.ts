/** Step-by-step progress with the elapsed time, for people watching a network come up. */
export type Progress = (message: string) => void;

export function consoleProgress(out: NodeJS.WritableStream = process.stderr): Progress {
  const t0 = Date.now();
  return (message) => out.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

export const silentProgress: Progress = () => undefined;
