// The chaincode is upgraded on a running network while gateways keep sending: each organisation installs the new
// release beside the running one (its own chaincode server on a second port) and approves it in its own folder, the
// commit is refused until the lifecycle policy is met, then the new release is what every peer runs and the old
// servers stop. The gateways started before the upgrade keep sending and receiving; the load's tally
// {sent, committed, delivered, duplicates, lost} shows nothing lost and nothing twice. Then a peer's certificates are
// renewed from its organisation's CA and it is restarted with them, under the same load. Last, an organisation that
// joins after the upgrade installs the release the channel runs.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import tls from 'node:tls';
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
import { stopNode, startNode } from '../../network/src/control.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { proposeAddOrg, signUpdate, submitUpdate } from '../../network/src/channel-update.js';
import {
  approveChaincode,
  commitChaincode,
  committedDefinition,
  installChaincode,
  joinChannel,
  nextChaincodeDefinition,
  startOrgPeer,
  waitDefinition,
} from '../../network/src/membership.js';
import { stopAll } from '../../network/src/processes.js';
import { makeRelease, readRelease } from '../../network/src/release.js';
import { networkStatus } from '../../network/src/status.js';
import { createOrg, openOrg, orgDefinition } from '../../network/src/org.js';
import { consoleProgress } from '../../network/src/progress.js';
import { nodeCertificates, renewNode } from '../../network/src/renew.js';
import { readState, type NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import { installedOn, upgradeChaincode, versionOn } from './upgrade-step.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_UPGRADE_PORT_BASE ?? 21000);

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

interface Tally {
  sent: number;
  committed: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

/** A continuous send load from one gateway to another: one insured list every 250 ms until stopped. */
function sendLoad(from: LocalParticipant, to: LocalParticipant, label: string) {
  const ids: string[] = [];
  let running = true;
  let error: unknown;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const doc = generateDocument('insured-list', {
        seed: 5000 + i,
        rows: 1,
        sender: from.party,
        addressee: to.party,
      });
      doc.header.documentId = `${label}-${i}`;
      await from.node.send(doc);
      ids.push(`${from.id}:${doc.header.documentId}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  })().catch((err: unknown) => (error = err));
  return {
    ids,
    error: () => error,
    stop: async () => {
      running = false;
      await done;
      if (error) throw error;
    },
  };
}

/** What arrived of `ids` at the addressee's gateway, waiting up to two minutes for the ones in flight. */
async function delivered(to: LocalParticipant, ids: readonly string[]): Promise<string[]> {
  const want = new Set(ids);
  const read = async () => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await to.node.listInbox({ limit: 500, cursor });
      out.push(...page.items.map((r) => r.messageId).filter((m) => want.has(m)));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };
  let inbox = await read();
  for (const deadline = Date.now() + 120_000; new Set(inbox).size < want.size && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    inbox = await read();
  }
  return inbox;
}

/** The tally at a step: every document sent so far committed and delivered once. */
async function tallyAt(from: LocalParticipant, to: LocalParticipant, ids: readonly string[], step: string) {
  const sent = ids.slice();
  const inbox = await delivered(to, sent);
  let committed = 0;
  for (const m of sent)
    if (
      await from.ledger.evaluate('exchange:get', [m]).then(
        () => true,
        () => false,
      )
    )
      committed++;
  const distinct = new Set(inbox);
  const tally: Tally = {
    sent: sent.length,
    committed,
    delivered: inbox.length,
    duplicates: inbox.length - distinct.size,
    lost: sent.filter((m) => !distinct.has(m)).length,
  };
  console.log(`      ${step}: ${JSON.stringify(tally)}`);
  expect(tally, step).to.deep.include({
    committed: tally.sent,
    delivered: tally.sent,
    duplicates: 0,
    lost: 0,
  });
  return tally;
}

describe('the chaincode is upgraded on a running network while gateways keep sending', function () {
  this.timeout(1_200_000);
  let fabric: FabricInstall;
  let netDir: string;
  let nodesDir: string;
  let state: NetworkState;
  let net: LocalNetwork | undefined;
  const say = consoleProgress();

  before(async () => {
    fabric = await findFabric();
    netDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-upgrade-net-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-upgrade-nodes-'));
    state = await networkUp({
      dir: netDir,
      portBase: PORT_BASE,
      orgs: ['association', 'insurer1', 'clinichost'],
      progress: say,
    });
    net = await startLocalNetwork({
      dir: nodesDir,
      participants: PARTICIPANTS,
      provider: await fabricProvider(state),
      workflows: false,
    });
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (netDir) await networkDown({ dir: netDir });
    for (const d of [netDir, nodesDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('upgrades 1.0 → 1.1 org by org under load: 0 lost, 0 duplicated; the new release endorses; the gateways of before keep sending and receiving', async () => {
    const insurer = net!.get('insurer1');
    const clinic = net!.get('clinic1');
    const orgs = await Promise.all(['association', 'insurer1', 'clinichost'].map((k) => openOrg(netDir, k)));
    for (const ctx of orgs) expect(await versionOn(ctx, fabric, ctx.peer)).to.equal('1.0');

    const load = sendLoad(insurer, clinic, 'upgrade');
    for (const until = Date.now() + 60_000; load.ids.length < 4 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 250));
    await tallyAt(insurer, clinic, load.ids, 'before the upgrade');

    const t0 = Date.now();
    const step = await upgradeChaincode(orgs, fabric, '1.1', say);
    say(`upgrade took ${((Date.now() - t0) / 1000).toFixed(1)} s with the load running`);
    expect(step.sequence).to.equal(2);
    if (load.error()) throw load.error();
    // Sends go on after the commit, endorsed by the new release only (the old servers are stopped).
    const afterCommit = load.ids.length;
    for (const until = Date.now() + 60_000; load.ids.length < afterCommit + 8 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 250));
    await tallyAt(insurer, clinic, load.ids, 'chaincode 1.1 committed, old servers stopped');

    // network.json records the release each founder runs, so its server is restarted as that release.
    const recorded = await readState(paths(state.topology).state);
    for (const ctx of orgs) {
      expect(recorded?.packageIds[ctx.org.key]).to.equal(step.packageIds[ctx.org.key]);
      expect(recorded?.chaincode?.[ctx.org.key]).to.deep.include({
        version: '1.1',
        port: ctx.peer.ccServerPort + 4,
      });
    }
    await stopNode(recorded!, 'cc.insurer1');
    await startNode(recorded!, 'cc.insurer1');
    const insurer1 = orgs[1]!;
    expect(await versionOn(insurer1, fabric, insurer1.peer)).to.equal('1.1');

    // The clinic's gateway, started before the upgrade, sends back and the insurer's receives.
    const back = generateDocument('invoice', { seed: 5999, sender: clinic.party, addressee: insurer.party });
    await clinic.node.send(back);
    const backId = `${clinic.id}:${back.header.documentId}`;
    expect(await delivered(insurer, [backId])).to.deep.equal([backId]);

    await load.stop();
    await insurer.node.whenIdle(600_000);
    await clinic.node.whenIdle(600_000);
    const tally = await tallyAt(insurer, clinic, load.ids, 'upgrade load, all steps');
    expect(tally.sent).to.be.greaterThan(afterCommit);
  });

  it("renews peer0.insurer1's signing and TLS certificates from its organisation's CA under load; the peer serves the new ones and the network keeps committing", async () => {
    const insurer = net!.get('insurer1');
    const clinic = net!.get('clinic1');
    const ctx = await openOrg(netDir, 'insurer1');
    const load = sendLoad(insurer, clinic, 'renew');
    for (const until = Date.now() + 60_000; load.ids.length < 4 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 250));
    const r = await renewNode(ctx, fabric, { node: 'peer0.insurer1', progress: say });
    expect(r.signing.after.serial).to.not.equal(r.signing.before.serial);
    expect(r.tls.after.serial).to.not.equal(r.tls.before.serial);
    // The restarted peer presents the new TLS certificate, and answers as itself (the new signing identity).
    const files = nodeCertificates(ctx, 'peer0.insurer1');
    const served = await new Promise<Buffer>((resolve, reject) => {
      const s = tls.connect(
        {
          host: ctx.peer.host,
          port: ctx.peer.port,
          servername: ctx.peer.name,
          ca: readFileSync(path.join(path.dirname(files.tls), 'ca.crt')),
          ALPNProtocols: ['h2'],
        },
        () => {
          resolve(s.getPeerX509Certificate()!.raw);
          s.end();
        },
      );
      s.once('error', reject);
    });
    expect(served.equals(new X509Certificate(readFileSync(files.tls)).raw)).to.equal(true);
    expect(await versionOn(ctx, fabric, ctx.peer)).to.equal((await committedDefinition(ctx, fabric)).version);
    const renewedAt = load.ids.length;
    for (const until = Date.now() + 60_000; load.ids.length < renewedAt + 8 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 250));
    await load.stop();
    await insurer.node.whenIdle(600_000);
    await clinic.node.whenIdle(600_000);
    const tally = await tallyAt(insurer, clinic, load.ids, 'peer0.insurer1 renewed');
    expect(tally.sent).to.be.greaterThan(renewedAt);
  });
  it('an organisation that joins after the upgrade installs the release the channel runs (1.1), not the first', async () => {
    const association = await openOrg(netDir, 'association');
    const founders = await Promise.all(state.topology.orgs.map((o) => openOrg(netDir, o.key)));
    const committed = await committedDefinition(association, fabric);
    expect(committed.version).to.equal('1.1');
    const homeDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-upgrade-newcomer-'));
    const handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-upgrade-handover-'));
    try {
      await createOrg({
        dir: homeDir,
        key: 'insurer3',
        mspId: 'Insurer3MSP',
        kind: 'insurer',
        host: '127.0.0.21',
        portBase: PORT_BASE + 400,
        peers: 1,
        progress: say,
      });
      const home = await openOrg(homeDir);
      await startOrgPeer(home, fabric, say);
      const update = path.join(handover, 'add-insurer3.pb');
      await proposeAddOrg(association, fabric, await orgDefinition(home, fabric), update);
      for (const ctx of founders) await signUpdate(ctx, fabric, update);
      await submitUpdate(association, fabric, update);
      await joinChannel(home, fabric, await orgDefinition(association, fabric), say);

      const packageId = await installChaincode(home, fabric, say);
      const current = await makeRelease(home, '1.1', home.peer.ccServerPort);
      expect(packageId).to.equal(current.packageId);
      expect(await readRelease(home)).to.deep.include({ version: '1.1', label: 'dmsnet_insurer3_1.1' });
      expect(await installedOn(home, fabric, home.peer)).to.deep.equal({ 'dmsnet_insurer3_1.1': packageId });

      // Its approval names the package it installed; with it the new sequence commits and its peer runs 1.1.
      const next = await nextChaincodeDefinition(association, fabric);
      for (const ctx of [...founders, home]) await approveChaincode(ctx, fabric, next);
      await commitChaincode(association, fabric, next);
      await waitDefinition(home, fabric, next.sequence);
      expect(await versionOn(home, fabric, home.peer)).to.equal('1.1');
      const status = await networkStatus(homeDir);
      expect(status.releases).to.deep.equal([{ org: 'insurer3', version: '1.1', packageId }]);
    } finally {
      await stopAll(path.join(homeDir, 'pids')).catch(() => undefined);
      for (const d of [homeDir, handover]) await rm(d, { recursive: true, force: true });
    }
  });
});
