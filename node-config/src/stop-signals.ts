// Ctrl-C through `npm start` reaches the story's process twice: once from the terminal (the whole foreground process
// group gets SIGINT) and once forwarded by npm to its child. A handler registered with `once` took the first and left
// the second to Node's default, which killed the process halfway through bringing the network down. Here every stop
// signal is handled for the whole life of the process: the first starts the stop, later ones only say it is under way.

export interface StopSignals {
  /** Settles at the first SIGINT, SIGTERM or SIGHUP. */
  readonly requested: Promise<NodeJS.Signals>;
  readonly signal?: NodeJS.Signals;
}

let shared: StopSignals | undefined;

/** Installs the handlers once per process; every caller shares them. */
export function stopSignals(say: (m: string) => void = (m) => console.error(m)): StopSignals {
  if (shared) return shared;
  let resolve!: (s: NodeJS.Signals) => void;
  const requested = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const state: { requested: Promise<NodeJS.Signals>; signal?: NodeJS.Signals } = { requested };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (state.signal) return say(`${sig}: stopping already, please wait`);
      state.signal = sig;
      say(`${sig}: stopping`);
      resolve(sig);
    });
  }
  shared = state;
  return state;
}

/** The exit status a shell gives a process ended by this signal (130 for SIGINT). */
export const signalExitCode = (s: NodeJS.Signals): number =>
  128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[s]!;
