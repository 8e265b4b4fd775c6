// Privacy on a real Fabric network: after the whole story no personal data in clear in any peer's, orderer's or
// gateway's files; a third organisation's peer never holds a ciphertext; after a purge no peer serves it, the
// envelope (hash, trail) stays for any client, and the addressee's gateway answers 410 PURGED.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { runDemo } from '../../sandbox/src/demo/main.js';
import { startLocalNetwork } from '../../sandbox/src/local-network/network.js';
import { findFabric } from '../../network/src/binaries.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { chaincodeQuery } from '../../network/src/cli-tools.js';
import { stopAll } from '../../network/src/processes.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { personalData, report, scan } from '../privacy/scan.js';
import { startFabric } from './backend.js';

type Json = Record<string, unknown>;

describe('privacy on a real Fabric network', function () {
  this.timeout(900_000);
  let dir: string;
  let state: NetworkState;
  let demoDir: string;
  const bodies: unknown[] = [];

  before(async () => {
    ({ dir, state } = await startFabric('privacy'));
    demoDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-privacy-demo-'));
    await runDemo({
      once: true,
      dir: demoDir,
      portBase: 7701,
      provider: () => fabricProvider(state),
      observe: (b) => bodies.push(b),
    });
  });
  after(async () => {
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    if (demoDir) await rm(demoDir, { recursive: true, force: true });
    // The story's GOST export, written beside the demo's folder.
    if (demoDir) await rm(`${demoDir}-export`, { recursive: true, force: true });
  });

  it('keeps the ciphertext on the addressee organisation’s peer only; a purge leaves envelope, hash and trail and a 410', async () => {
    const net = await startLocalNetwork({ dir: demoDir, provider: await fabricProvider(state) });
    try {
      const clinic = net.get('clinic1');
      const insurer = net.get('insurer1');
      const list = (await clinic.node.listInbox({ type: 'insured-list', limit: 1 })).items[0];
      expect(list, 'the story delivered an insured list to clinic1').to.not.equal(undefined);
      const id = list.messageId;
      const b64 = JSON.parse(
        Buffer.from(await clinic.ledger.evaluate('exchange:getPayload', [id])).toString(),
      ) as string;
      const slice = Buffer.from(b64, 'base64').subarray(100, 164);
      const peerDir = (org: string) => paths(state.topology).data(`peer0.${org}`);
      const held = async (org: string) => (await scan([peerDir(org)], [slice])).hits.length > 0;
      // Clinics live under the host organisation: its peer holds the ciphertext, a third organisation's never did.
      expect(await held('clinichost')).to.equal(true);
      expect(await held('insurer2')).to.equal(false);
      expect(await held('association')).to.equal(false);

      await clinic.node.purge(id);
      try {
        await clinic.ledger.evaluate('exchange:getPayload', [id]);
        expect.fail('no peer should serve a purged payload');
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('PAYLOAD_PURGED');
      }
      try {
        await clinic.node.getDocument(id);
        expect.fail('the addressee’s gateway should answer PURGED');
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('PURGED');
      }
      // A client no one here wrote still reads the envelope: the hash and the trail, and no content.
      const fabric = await findFabric();
      const peer = state.topology.peers.find((p) => p.org === 'insurer2')!;
      const query = (args: string[]) => chaincodeQuery(state.topology, fabric, peer, args);
      const env = JSON.parse(await query(['exchange:get', id])) as Json;
      expect(env.ciphertextHash).to.equal(list.ciphertextHash);
      expect(env.purgedBy).to.equal(clinic.id);
      const trail = JSON.parse(await query(['exchange:history', id])) as Json[];
      expect(trail.map((t) => t.status)).to.include.members(['SENT', 'DELIVERED']);
      expect(insurer.id).to.equal(env.sender);
    } finally {
      await net.close();
    }
  });

  it('finds no surname, СНИЛС, policy number or birth date in any peer, orderer or gateway file', async () => {
    const needles = personalData(bodies);
    expect(needles.size).to.be.greaterThan(20);
    // Stopped first, so every LevelDB can be read entry by entry; the state stays for the scan.
    await stopAll(path.join(dir, 'pids'));
    const r = await scan([dir, demoDir], needles);
    console.log(`      ${report('Fabric network and gateways', r, needles.size)}`);
    expect(r.hits, JSON.stringify(r.hits.slice(0, 10))).to.deep.equal([]);
    expect(r.levelDbEntries).to.be.greaterThan(100);
  });
});
