// `npm start [-- --fabric [--bft]] [--once] [--port-base N]`: the document story on the embedded ledger, or on a
// native Fabric network brought up for it (and brought down after it).
import path from 'node:path';
import { runDemo } from '../../gateway/src/demo/main.js';
import { networkDown } from './down.js';
import { fabricProvider } from './fabric-provider.js';
import { PACKAGE_ROOT } from './nodes.js';
import { consoleProgress } from './progress.js';
import { networkUp } from './up.js';

async function main(argv: string[]): Promise<void> {
  if (!argv.includes('--fabric')) return runDemo();
  const dir = path.join(PACKAGE_ROOT, '.run', 'fabric-demo');
  const bft = argv.includes('--bft');
  console.log(
    `bringing up a native Fabric network for the story (${bft ? '4 SmartBFT' : '3 Raft'} orderers) in ${dir}`,
  );
  const state = await networkUp({
    dir,
    consensus: bft ? 'bft' : 'raft',
    portBase: 29000,
    progress: consoleProgress(process.stdout),
  });
  try {
    await runDemo({
      dir: path.join(PACKAGE_ROOT, '.run', 'demo-fabric'),
      label: `gateways on a Fabric ${state.fabricVersion} network (${state.topology.peers.length} peers, ${state.topology.orderers.length} orderers)`,
      provider: () => fabricProvider(state),
    });
  } finally {
    console.log('bringing the Fabric network down');
    await networkDown({ dir });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`demo failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
});
