// `npm start [-- --fabric [--bft]] [--once] [--port-base N]`: the document story on the embedded ledger, or on a
// native Fabric network brought up for it (and brought down after it).
import { dmsnetVersion } from '@dmsnet/formats/paths';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './main.js';
import { signalExitCode, stopSignals } from '../../../node-config/src/stop-signals.js';
import { networkDown } from '../../../network/src/down.js';
import { fabricProvider } from '../local-network/fabric-provider.js';
import { PACKAGE_ROOT } from '../../../network/src/nodes.js';
import { consoleProgress } from '../../../network/src/progress.js';
import { networkUp } from '../../../network/src/up.js';

interface StartOptions {
  fabric?: boolean;
  bft?: boolean;
  once?: boolean;
  portBase: number;
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65_000)
    throw new InvalidArgumentError('a port number from 1 to 65000');
  return n;
};

const program = new Command('npm start --')
  .description('dmsnet demo: six gateways and the document story, over their REST APIs')
  .version(dmsnetVersion())
  .option(
    '--fabric',
    'run on a native Hyperledger Fabric network brought up for the story (needs Fabric 3.1 binaries)',
  )
  .option('--bft', 'with --fabric: 4 SmartBFT orderers instead of 3 Raft orderers')
  .option('--once', 'exit after the story instead of keeping the gateways up')
  .option('--port-base <n>', 'first gateway port on 127.0.0.1', port, 7101)
  .showHelpAfterError()
  .action(async (o: StartOptions) => {
    if (!o.fabric) return runDemo({ once: !!o.once, portBase: o.portBase });
    const dir = path.join(PACKAGE_ROOT, '.run', 'fabric-demo');
    // Handled from the first moment: a stop while the network comes up waits for the processes started so far to
    // be recorded, then brings every one of them down; a stop during the story brings it down at once.
    const stop = stopSignals();
    let down: Promise<void> | undefined;
    const bringDown = () =>
      (down ??= (async () => {
        console.log('bringing the Fabric network down');
        await networkDown({ dir });
      })());
    console.log(
      `bringing up a native Fabric network for the story (${o.bft ? '4 SmartBFT' : '3 Raft'} orderers) in ${dir}`,
    );
    const up = networkUp({
      dir,
      consensus: o.bft ? 'bft' : 'raft',
      portBase: 29000,
      progress: consoleProgress(process.stdout),
    });
    void stop.requested.then(async (sig) => {
      await up.catch(() => undefined);
      await bringDown();
      process.exit(signalExitCode(sig));
    });
    const state = await up;
    try {
      await runDemo({
        once: !!o.once,
        portBase: o.portBase,
        dir: path.join(PACKAGE_ROOT, '.run', 'demo-fabric'),
        label: `gateways on a Fabric ${state.fabricVersion} network (${state.topology.peers.length} peers, ${state.topology.orderers.length} orderers)`,
        provider: () => fabricProvider(state),
        stop,
      });
    } finally {
      await bringDown();
    }
  });

program.parseAsync().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`demo failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
});
