// Nothing lost when a machine is lost: documents to a clinic wait undelivered (its gateway is not running) while one
// of the clinic host organisation's two peers loses its whole ledger folder; the organisation rebuilds it — from the
// genesis block, then from a snapshot of its other peer — and the ciphertexts are on the rebuilt peer again, taken
// from the other peer (no other organisation holds them). Each round prints {sent, committed, delivered, duplicates,
// lost}; lost and duplicates stay 0.
import { expect } from 'chai';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import type { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { findFabric, type FabricInstall } from '../../network/src/binaries.js';
import { runTool } from '../../network/src/cli-tools.js';
import { stopNode, startNode } from '../../network/src/control.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { adminEnv } from '../../network/src/nodes.js';
import { openOrg } from '../../network/src/org.js';
import { consoleProgress } from '../../network/src/progress.js';
import { rebuildPeer } from '../../network/src/rebuild.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths, type PeerNode } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_RECOVERY_PORT_BASE ?? 24000);

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
  { key: 'clinic2', role: 'clinic', name: 'ООО «Клиника Два»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

interface Tally {
  sent: number;
  committed: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

async function ledgerIds(p: LocalParticipant, fn: 'exchange:inbox' | 'exchange:outbox'): Promise<string[]> {
  const ids: string[] = [];
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(await p.ledger.evaluate(fn, [p.id, '{}', '500', bookmark])).toString('utf8'),
    ) as { items: Array<{ messageId: string }>; bookmark?: string };
    ids.push(...page.items.map((i) => i.messageId));
    bookmark = page.items.length ? (page.bookmark ?? '') : '';
  } while (bookmark);
  return ids;
}

async function sendLists(from: LocalParticipant, to: LocalParticipant, count: number, label: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
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

/**
 * The payload as one peer itself holds it: `peer chaincode query` goes to that peer alone (the Fabric Gateway could
 * answer from the organisation's other peer), signed by the addressee clinic's own identity, the only one the
 * contract lets read it.
 */
async function payloadOn(
  state: NetworkState,
  fabric: FabricInstall,
  peer: PeerNode,
  clinic: LocalParticipant,
  messageId: string,
): Promise<boolean> {
  const t = state.topology;
  const msp = path.join(t.dir, 'test-msp', clinic.key);
  const orgMsp = paths(t).orgMsp(peer.org);
  await mkdir(path.join(msp, 'signcerts'), { recursive: true });
  await mkdir(path.join(msp, 'keystore'), { recursive: true });
  await mkdir(path.join(msp, 'cacerts'), { recursive: true });
  await writeFile(path.join(msp, 'signcerts', 'cert.pem'), clinic.identity.certificate);
  await writeFile(path.join(msp, 'keystore', 'priv_sk'), clinic.identity.privateKey, { mode: 0o600 });
  await copyFile(path.join(orgMsp, 'cacerts', 'ca.pem'), path.join(msp, 'cacerts', 'ca.pem'));
  await copyFile(path.join(orgMsp, 'config.yaml'), path.join(msp, 'config.yaml'));
  const out = await runTool(
    fabric.bin.peer,
    [
      'chaincode',
      'query',
      '-C',
      t.channel,
      '-n',
      t.chaincode,
      '-c',
      JSON.stringify({ Args: ['exchange:getPayload', messageId] }),
    ],
    {
      ...adminEnv(t, fabric, peer),
      CORE_PEER_LOCALMSPID: clinic.identity.mspId,
      CORE_PEER_MSPCONFIGPATH: msp,
    },
    `getPayload ${messageId} on ${peer.name}`,
  ).catch((e: Error) => e.message);
  return !/PAYLOAD_MISSING|FABRIC_COMMAND_FAILED|Error/.test(out) && out.trim().length > 0;
}

/** Waits until every id's payload is on the peer; returns those still missing at the deadline. */
async function waitPayloads(
  state: NetworkState,
  fabric: FabricInstall,
  peer: PeerNode,
  clinic: LocalParticipant,
  ids: string[],
  timeoutMs: number,
): Promise<string[]> {
  let missing = [...ids];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const still: string[] = [];
    for (const id of missing) if (!(await payloadOn(state, fabric, peer, clinic, id))) still.push(id);
    missing = still;
    if (!missing.length || Date.now() > until) return missing;
    console.log(`      ${peer.name}: ${ids.length - missing.length} of ${ids.length} payloads so far`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function tallyAt(
  sender: LocalParticipant,
  clinic: LocalParticipant,
  ids: string[],
  label: string,
): Promise<Tally> {
  await sender.node.whenIdle(600_000);
  await clinic.node.whenIdle(600_000);
  const want = new Set(ids);
  const committed = new Set((await ledgerIds(sender, 'exchange:outbox')).filter((id) => want.has(id)));
  const received = async () => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await clinic.node.listInbox({ limit: 500, cursor });
      out.push(...page.items.map((r) => r.messageId).filter((id) => want.has(id)));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };
  let inbox = await received();
  for (const deadline = Date.now() + 120_000; new Set(inbox).size < want.size && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    inbox = await received();
  }
  const distinct = new Set(inbox);
  const rejected = [];
  for (const id of distinct) {
    const r = await clinic.node.received(id);
    if (r?.status === 'REJECTED') rejected.push(id);
  }
  expect(rejected, 'rejected on arrival (a payload the peer did not have)').to.deep.equal([]);
  const tally = {
    sent: ids.length,
    committed: committed.size,
    delivered: inbox.length,
    duplicates: inbox.length - distinct.size,
    lost: ids.filter((id) => !distinct.has(id)).length,
  };
  console.log(`      ${label}: ${JSON.stringify(tally)}`);
  return tally;
}

describe('a clinic host peer loses its ledger folder while documents wait undelivered', function () {
  this.timeout(1_800_000);
  let dir: string;
  let nodesDir: string;
  let state: NetworkState;
  let fabric: FabricInstall;
  let net: LocalNetwork | undefined;
  const N = 12;

  before(async () => {
    fabric = await findFabric();
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-recovery-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-recovery-nodes-'));
    state = await networkUp({ dir, portBase: PORT_BASE, progress: consoleProgress() });
    // The clinics' gateways are not started: what is sent to them waits on the ledger, undelivered.
    net = await startLocalNetwork({
      dir: nodesDir,
      participants: PARTICIPANTS,
      provider: await fabricProvider(state),
      workflows: false,
      startNodes: false,
    });
    await net.get('association').node.start();
    await net.get('insurer1').node.start();
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    if (nodesDir) await rm(nodesDir, { recursive: true, force: true });
  });

  const peer = (name: string) => state.topology.peers.find((n) => n.name === name) as PeerNode;

  it('each clinic host and insurer runs two peers; a ciphertext to the clinic is on both before the gateway reads it', async () => {
    const byOrg = new Map<string, number>();
    for (const n of state.topology.peers) byOrg.set(n.org, (byOrg.get(n.org) ?? 0) + 1);
    expect(Object.fromEntries(byOrg)).to.deep.equal({
      association: 1,
      insurer1: 2,
      insurer2: 2,
      clinichost: 2,
    });
    const [id] = await sendLists(net!.get('insurer1'), net!.get('clinic2'), 1, 'both-peers');
    await net!.get('insurer1').node.whenIdle(120_000);
    for (const name of ['peer0.clinichost', 'peer1.clinichost'])
      expect(
        await waitPayloads(state, fabric, peer(name), net!.get('clinic2'), [id!], 30_000),
        name,
      ).to.deep.equal([]);
    // No other organisation's peer holds it (the contract would answer PAYLOAD_MISSING there too, but the query is
    // refused earlier: the clinic's identity is not the insurer's organisation's member).
  });

  it('with its other peer stopped, a send to the clinic is not endorsed until the ciphertext can reach two peers; then it is', async () => {
    const insurer = net!.get('insurer1');
    const log = paths(state.topology).log('peer0.clinichost');
    const logFrom = (await stat(log)).size;
    await stopNode(state, 'peer1.clinichost');
    let ids: string[] = [];
    try {
      ids = await sendLists(insurer, net!.get('clinic2'), 1, 'one-peer-down');
      // The send is accepted into the outbox at once; endorsement keeps failing while peer0 has no one to hand the
      // ciphertext to, so the outbox retries instead of committing a ciphertext that lives on one disk.
      // And it is the dissemination rule that refused: peer0's log says it had no peer to hand the ciphertext to.
      // When an endorsement reaches peer0 depends on the outbox's back-off, so the refusal is waited for (a fixed pause
      // of 8 s once saw none on a loaded machine).
      let said = '';
      for (const deadline = Date.now() + 90_000; !/disseminat/i.test(said) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 1_000));
        said = (await readFile(log)).subarray(logFrom).toString('utf8');
      }
      expect(said, `peer0.clinichost's log since peer1 stopped`).to.match(/disseminat/i);
      const committed = (await ledgerIds(insurer, 'exchange:outbox')).filter((id) => ids.includes(id));
      expect(committed, 'committed with one clinic host peer').to.deep.equal([]);
    } finally {
      await startNode(state, 'peer1.clinichost');
    }
    await insurer.node.whenIdle(300_000);
    const committed = (await ledgerIds(insurer, 'exchange:outbox')).filter((id) => ids.includes(id));
    expect(committed).to.deep.equal(ids);
  });

  it('rebuilt from the genesis block: every document delivered once', async () => {
    const insurer = net!.get('insurer1');
    const clinic = net!.get('clinic1');
    const ids = await sendLists(insurer, clinic, N, 'genesis');
    await insurer.node.whenIdle(300_000);
    // The machine is lost: the peer dies and its ledger folder with it.
    await stopNode(state, 'peer0.clinichost', 'SIGKILL');
    await rm(paths(state.topology).data('peer0.clinichost'), { recursive: true, force: true });
    const ctx = await openOrg(dir, 'clinichost');
    const r = await rebuildPeer(ctx, fabric, { node: 'peer0.clinichost', progress: consoleProgress() });
    expect(r).to.include({ from: 'genesis', source: 'peer1.clinichost' });
    // Pulled from peer1 as each block committed: on the rebuilt peer before any gateway asks.
    expect(await waitPayloads(state, fabric, peer('peer0.clinichost'), clinic, ids, 60_000)).to.deep.equal(
      [],
    );
    await clinic.node.start();
    const tally = await tallyAt(insurer, clinic, ids, 'rebuilt-from-genesis');
    expect(tally).to.deep.equal({ sent: N, committed: N, delivered: N, duplicates: 0, lost: 0 });
  });

  it('rebuilt from a snapshot of its other peer: the ciphertexts come back by reconciliation; a gateway behind the snapshot follows the other peer and gets every document once', async () => {
    const insurer = net!.get('insurer1');
    const clinic = net!.get('clinic2');
    const ids = await sendLists(insurer, clinic, N, 'snapshot');
    await insurer.node.whenIdle(300_000);
    await stopNode(state, 'peer0.clinichost', 'SIGKILL');
    await rm(paths(state.topology).data('peer0.clinichost'), { recursive: true, force: true });
    const ctx = await openOrg(dir, 'clinichost');
    const r = await rebuildPeer(ctx, fabric, {
      node: 'peer0.clinichost',
      fromSnapshot: true,
      progress: consoleProgress(),
    });
    expect(r).to.include({ from: 'snapshot', source: 'peer1.clinichost' });
    // The snapshot carried the hashes only; reconciliation (every 5 s here) brings the data from peer1.
    expect(await waitPayloads(state, fabric, peer('peer0.clinichost'), clinic, ids, 180_000)).to.deep.equal(
      [],
    );
    // clinic2's gateway has never run: its events lie below the snapshot, which the rebuilt peer0 — still its peer —
    // cannot serve (LEDGER_BLOCKS_NOT_HELD). Its Fabric backend takes the event stream from peer1, the organisation's
    // other peer, without a word (decision 0053); queries and sends still go to peer0.
    await net!.get('clinic2').node.start();
    const tally = await tallyAt(net!.get('insurer1'), net!.get('clinic2'), ids, 'rebuilt-from-snapshot');
    expect(tally).to.deep.equal({ sent: N, committed: N, delivered: N, duplicates: 0, lost: 0 });
    const p1 = peer('peer1.clinichost');
    expect((net!.get('clinic2').ledger as FabricLedger).eventPeer).to.equal(`${p1.host}:${p1.port}`);
  });
});
