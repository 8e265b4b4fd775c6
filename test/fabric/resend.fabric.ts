// A one-peer organisation loses a ciphertext (decision record 0053): clinics hosted by the association, whose one peer
// alone keeps their ciphertexts, have documents waiting undelivered when that peer loses its whole ledger folder. The
// peer is rebuilt from the orderers — blocks and hashes come back, the ciphertexts from nowhere — and each clinic's
// gateway, finding them missing, asks on the ledger; the insurer's gateway sends the same sealed bytes again from its
// outbox. Every document is delivered once, nobody acting. Prints {sent, committed, delivered, duplicates, lost}.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { findFabric, type FabricInstall } from '../../network/src/binaries.js';
import { stopNode } from '../../network/src/control.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { openOrg } from '../../network/src/org.js';
import { consoleProgress } from '../../network/src/progress.js';
import { rebuildPeer } from '../../network/src/rebuild.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_RESEND_PORT_BASE ?? 23000);

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  // A clinic whose host is the association: its ciphertexts live on the association's one peer.
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'AssociationMSP', viaAttribute: true },
];

describe('a one-peer organisation loses its ledger folder while documents wait undelivered', function () {
  this.timeout(1_800_000);
  let dir: string;
  let nodesDir: string;
  let state: NetworkState;
  let fabric: FabricInstall;
  let net: LocalNetwork | undefined;
  const N = 4;

  before(async () => {
    fabric = await findFabric();
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-resend-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-resend-nodes-'));
    state = await networkUp({ dir, portBase: PORT_BASE, progress: consoleProgress() });
    net = await startLocalNetwork({
      dir: nodesDir,
      participants: PARTICIPANTS,
      provider: await fabricProvider(state),
      workflows: false,
      startNodes: false,
      payloadWait: { retryMs: 2_000, maxRetryMs: 5_000, askAfterMs: 10_000, giveUpMs: 120_000 },
    });
    await net.get('insurer1').node.start();
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    if (nodesDir) await rm(nodesDir, { recursive: true, force: true });
  });

  async function sendLists(from: LocalParticipant, to: LocalParticipant, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const doc = generateDocument('insured-list', {
        seed: i,
        rows: 2,
        sender: from.party,
        addressee: to.party,
      });
      doc.header.documentId = `${label}-${i}`;
      await from.node.send(doc);
      ids.push(`${from.id}:${doc.header.documentId}`);
    }
    return ids;
  }

  it('the association runs one peer; the lost ciphertexts are asked for and sent again; every document delivered once', async () => {
    const peers = state.topology.peers.filter((n) => n.org === 'association');
    expect(peers.map((n) => n.name)).to.deep.equal(['peer0.association']);
    const insurer = net!.get('insurer1');
    const clinic = net!.get('clinic1');
    const ids = await sendLists(insurer, clinic, 'lost');
    await insurer.node.whenIdle(300_000);
    const committed = [];
    for (const id of ids) {
      const v = await insurer.node.getDocument(id);
      if (v.status === 'SENT') committed.push(id);
    }
    expect(committed).to.deep.equal(ids);

    // The machine is lost: the peer dies with its ledger folder; rebuilt, it replays the blocks from the orderers.
    await stopNode(state, 'peer0.association', 'SIGKILL');
    await rm(paths(state.topology).data('peer0.association'), { recursive: true, force: true });
    const r = await rebuildPeer(await openOrg(dir, 'association'), fabric, {
      node: 'peer0.association',
      progress: consoleProgress(),
    });
    expect(r).to.include({ from: 'genesis' });

    await clinic.node.start();
    const started = Date.now();
    const delivered = new Map<string, number>();
    for (const deadline = Date.now() + 600_000; delivered.size < ids.length && Date.now() < deadline;) {
      await new Promise((res) => setTimeout(res, 2_000));
      const page = await clinic.node.listInbox({ limit: 500 });
      delivered.clear();
      for (const rec of page.items)
        if (ids.includes(rec.messageId))
          delivered.set(rec.messageId, (delivered.get(rec.messageId) ?? 0) + 1);
      console.log(
        `      ${delivered.size} of ${ids.length} delivered after ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
    const statuses = [];
    for (const id of ids) statuses.push((await clinic.node.received(id))?.status);
    expect(statuses, 'none refused PAYLOAD_MISSING').to.deep.equal(ids.map(() => 'RECEIVED'));
    // Asked for, once each, and sent once each by the insurer's gateway on its own.
    for (const id of ids) {
      const env = JSON.parse(
        Buffer.from(await insurer.ledger.evaluate('exchange:get', [id])).toString('utf8'),
      ) as { resendRequests?: number; resends?: number };
      expect(env.resendRequests, id).to.be.at.least(1);
      expect(env.resends, id).to.equal(env.resendRequests);
    }
    await insurer.node.whenIdle(300_000);
    const resent = [];
    for (const id of ids) {
      const v = await insurer.node.getDocument(id);
      if ((v.record as { resent?: { count: number } }).resent?.count) resent.push(id);
    }
    expect(resent).to.deep.equal(ids);
    const counts = [...delivered.values()];
    const tally = {
      sent: ids.length,
      committed: committed.length,
      delivered: counts.reduce((a, b) => a + b, 0),
      duplicates: counts.reduce((a, b) => a + b, 0) - delivered.size,
      lost: ids.filter((id) => !delivered.has(id)).length,
    };
    console.log(`      one-peer-lost-and-resent: ${JSON.stringify(tally)}`);
    expect(tally).to.deep.equal({ sent: N, committed: N, delivered: N, duplicates: 0, lost: 0 });
  });
});
