// The chaincode definition's fixed parts and the wait for a definition to be committed, shared by `up` and by the
// chaincode definition updates after the channel changes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FabricInstall } from './binaries.js';
import { peerCli } from './cli-tools.js';
import { NetworkError } from './errors.js';
import type { Topology } from './topology.js';

export const CHAINCODE_VERSION = '1.0';
export const CHAINCODE_SEQUENCE = '1';

export async function waitCommitted(
  t: Topology,
  fabric: FabricInstall,
  name: string,
  sequence = Number(CHAINCODE_SEQUENCE),
  peers = t.peers,
  version = CHAINCODE_VERSION,
): Promise<void> {
  for (const n of peers) {
    const until = Date.now() + 30_000;
    for (;;) {
      const out = await peerCli(
        t,
        fabric,
        n,
        ['lifecycle', 'chaincode', 'querycommitted', '--channelID', t.channel, '--name', name],
        `querycommitted on ${n.name}`,
      ).catch((e: Error) => e.message);
      if (out.includes(`Version: ${version}, Sequence: ${sequence},`)) break;
      if (Date.now() > until)
        throw new NetworkError(
          'NODE_NOT_READY',
          `${n.name} does not see version ${version} at sequence ${sequence} committed: ${out}`,
        );
      await sleep(300);
    }
  }
}
