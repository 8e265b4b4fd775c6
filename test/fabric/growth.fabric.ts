// A consortium grows and shrinks on a running Fabric network while insurer1 keeps sending to the clinic. network:up
// founds the council (decision 0029): the association chairs, insurer1 and the clinic host are elected. A second
// insurer made in its own folder (its own loopback address) is added: refused while the update lacks the council's
// signatures (by this tool, naming who is missing, and by the orderer), accepted after; the new peer joins, the
// chaincode definition moves to a sequence whose endorsement policy names it, and it exchanges documents with the
// clinic. It is elected to the council and removed from it without its own signature, its participants are
// suspended, its organisation is removed from the channel and the definition re-sequenced without it: its peer no
// longer endorses, the orderers no longer serve it blocks, and the clinic still verifies what it sent and received.
// Each step prints the load's tally: nothing lost, nothing twice. Then no folder holds another's private key.
import { expect } from 'chai';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createRng, generateDocument, generateInn10, generateOgrn } from '@dmsnet/formats';
import { closeCryptoWorkers, generateParticipantKeys } from '../../gateway/src/crypto/index.js';
import { LocalCA } from '../../node-config/src/local-ca.js';
import { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import {
  participantRegistration,
  startLocalNetwork,
  type LocalNetwork,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { GatewayNode } from '../../gateway/src/node/index.js';
import { findFabric, type FabricInstall } from '../../network/src/binaries.js';
import {
  checkUpdate,
  mergeUpdateFiles,
  proposeAddOrg,
  signUpdate,
  submitUpdate,
} from '../../network/src/channel-update.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import {
  approveChaincode,
  commitChaincode,
  installChaincode,
  joinChannel,
  nextChaincodeDefinition,
  startOrgPeer,
  waitDefinition,
} from '../../network/src/membership.js';
import {
  createOrg,
  openOrg,
  orgDefinition,
  readDefinition,
  writeDefinition,
  type OrgContext,
} from '../../network/src/org.js';
import { stopAll } from '../../network/src/processes.js';
import { consoleProgress } from '../../network/src/progress.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import { proposeCouncilChange, readCouncil } from '../../network/src/council.js';
import { proposeRemoveOrg } from '../../network/src/leave.js';
import { fetchConfig } from '../../network/src/channel-update.js';
import { peerCli } from '../../network/src/cli-tools.js';
import { suspendOrganisation } from '../../node-config/src/suspend-org.js';
import { ed25519Verify } from '../../gateway/src/crypto/ed25519.js';
import { Sublevel } from '../../gateway/src/node/layout.js';
import { canonicalJson } from '@dmsnet/formats/canonical';

const PORT_BASE = Number(process.env.DMSNET_TEST_GROWTH_PORT_BASE ?? 29400);
/** The newcomer's "machine": its own loopback address and ports. */
const NEW_HOST = '127.0.0.2';
const NEW_PORT = PORT_BASE + 300;

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(f)));
    else if (e.isFile()) out.push(f);
  }
  return out;
}

/** Private keys by their PEM body, found in any file of `dir`. */
async function privateKeys(dir: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const f of await files(dir)) {
    if ((await stat(f)).size > 1_000_000) continue;
    const text = await readFile(f, 'latin1');
    for (const m of text.matchAll(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----([\s\S]*?)-----END/g))
      keys.set((m[2] as string).replace(/\s+/g, ''), f);
  }
  return keys;
}

describe('a consortium grows and shrinks: an organisation from its own folder joins, then leaves, a running channel under load', function () {
  // Every step waits for config blocks and chaincode definitions on two peers per member (decision 0045); on a
  // shared two-core machine the whole walk took just over 15 minutes with every step at 0 lost.
  this.timeout(1_500_000);
  let fabric: FabricInstall;
  let netDir: string;
  let state: NetworkState;
  let nodesDir: string;
  let homeDir: string;
  let handover: string;
  let net: LocalNetwork;
  let newcomer: GatewayNode | undefined;
  let newLedger: FabricLedger | undefined;

  // This walk issues the newcomer's identity from an in-process CA in insurer3's folder, so it runs on in-process CAs
  // throughout; Fabric CA's issuing (and a newcomer enrolled by it) is proven by ca.fabric.ts.
  const fabricCaBefore = process.env.DMSNET_FABRIC_CA;
  before(() => {
    process.env.DMSNET_FABRIC_CA = 'off';
  });
  after(() => {
    if (fabricCaBefore === undefined) delete process.env.DMSNET_FABRIC_CA;
    else process.env.DMSNET_FABRIC_CA = fabricCaBefore;
  });
  const say = consoleProgress();

  before(async () => {
    fabric = await findFabric();
    netDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-net-'));
    homeDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-insurer3-'));
    handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-handover-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-nodes-'));
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
    await newcomer?.stop();
    await newLedger?.close();
    await net?.close();
    await closeCryptoWorkers();
    if (homeDir) await stopAll(path.join(homeDir, 'pids'));
    if (netDir) await networkDown({ dir: netDir });
    for (const d of [homeDir, handover, nodesDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('adds Insurer3MSP past the council, elects and unseats it, suspends and removes it under a continuous send load; 0 lost, 0 duplicated at every step', async () => {
    const insurer = net.get('insurer1');
    const clinic = net.get('clinic1');
    // The load: one insured list every 250 ms from insurer1 to the clinic, through their gateway nodes.
    const ids: string[] = [];
    let loading = true;
    let loadError: unknown;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const doc = generateDocument('insured-list', {
          seed: 3000 + i,
          rows: 1,
          sender: insurer.party,
          addressee: clinic.party,
        });
        doc.header.documentId = `growth-${i}`;
        await insurer.node.send(doc);
        ids.push(`${insurer.id}:${doc.header.documentId}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    })().catch((err: unknown) => (loadError = err));

    // On the newcomer's machine: its own material, its peer, its definition (public parts only).
    say('insurer3: creating its own organisation in its own folder');
    await createOrg({
      dir: homeDir,
      key: 'insurer3',
      mspId: 'Insurer3MSP',
      host: NEW_HOST,
      portBase: NEW_PORT,
    });
    const home = await openOrg(homeDir);
    await startOrgPeer(home, fabric, say);
    await writeDefinition(await orgDefinition(home, fabric), path.join(handover, 'insurer3.json'));
    // On the association's machine: its own definition, which tells the newcomer where the orderers are.
    const association = await openOrg(netDir, 'association');
    const insurer1 = await openOrg(netDir, 'insurer1');
    const clinichost = await openOrg(netDir, 'clinichost');
    await writeDefinition(await orgDefinition(association, fabric), path.join(handover, 'association.json'));
    const def = await readDefinition(path.join(handover, 'insurer3.json'));
    expect(JSON.stringify(def)).to.not.match(/PRIVATE KEY/);

    say('association: computing the update that adds Insurer3MSP');
    const update = path.join(handover, 'add-insurer3.pb');
    // network:up founded the council: the association chairs, the other two founders sit on it.
    expect(readCouncil(await fetchConfig(association, fabric))).to.deep.equal({
      chair: 'AssociationMSP',
      members: ['ClinicHostMSP', 'Insurer1MSP'],
    });
    const proposed = await proposeAddOrg(association, fabric, def, update);
    expect(proposed.signedBy).to.deep.equal([]);
    expect(proposed.policies.join(' ')).to.include(
      '/Channel/Application/Admins (signature policy AND(AssociationMSP.admin, AND(ClinicHostMSP.admin, Insurer1MSP.admin)))',
    );
    // Handed out to two admins at once: the association signs the file, insurer1 a copy of it.
    const copy = path.join(handover, 'add-insurer3.insurer1.pb');
    await copyFile(update, copy);
    await signUpdate(association, fabric, update);

    // The chair alone: this tool refuses and names who is missing …
    try {
      await submitUpdate(association, fabric, update);
      expect.fail('an update signed by one organisation of three was submitted');
    } catch (err) {
      const e = err as { code?: string; message: string };
      expect(e.code, e.message).to.equal('UPDATE_SIGNATURES_MISSING');
      expect(e.message).to.include('signed by AssociationMSP');
      expect(e.message).to.include(
        'missing ClinicHostMSP.admin and Insurer1MSP.admin for /Channel/Application/Admins',
      );
      say(`refused as expected: ${e.message}`);
    }
    // … and so does the orderer when it is sent anyway: the check says what Fabric would.
    try {
      await submitUpdate(association, fabric, update, { unchecked: true });
      expect.fail('the orderer accepted an update short of its policy');
    } catch (err) {
      const e = err as { code?: string; message: string };
      expect(e.code).to.equal('FABRIC_COMMAND_FAILED');
      expect(e.message).to.match(/policy|signature/i);
    }

    say('insurer1: signing its copy in its own folder; the association merges the signatures');
    await signUpdate(insurer1, fabric, copy);
    expect(await mergeUpdateFiles(update, [update, copy])).to.equal(2);
    const short = await checkUpdate(clinichost, fabric, update);
    expect(short.signedBy).to.deep.equal(['AssociationMSP', 'Insurer1MSP']);
    expect(short.missing).to.deep.equal(['ClinicHostMSP.admin for /Channel/Application/Admins']);
    await signUpdate(clinichost, fabric, update);
    const check = await checkUpdate(clinichost, fabric, update);
    expect(check.signedBy).to.deep.equal(['AssociationMSP', 'ClinicHostMSP', 'Insurer1MSP']);
    expect(check.satisfied).to.equal(true);
    await submitUpdate(association, fabric, update);
    say('update submitted: Insurer3MSP is in the channel config');

    say('insurer3: joining its peer and installing the chaincode');
    await joinChannel(home, fabric, await readDefinition(path.join(handover, 'association.json')), say);
    await installChaincode(home, fabric, say);

    const next = await nextChaincodeDefinition(association, fabric);
    expect(next.sequence).to.equal(2);
    expect(next.policy).to.equal(
      "OutOf(2,'AssociationMSP.peer','ClinicHostMSP.peer','Insurer1MSP.peer','Insurer3MSP.peer')",
    );
    for (const ctx of [association, insurer1, clinichost, home] as OrgContext[]) {
      // Each organisation computes the same definition on its own before approving it.
      expect(await nextChaincodeDefinition(ctx, fabric)).to.deep.equal(next);
      await approveChaincode(ctx, fabric, next);
    }
    await commitChaincode(association, fabric, next);
    await waitDefinition(home, fabric, next.sequence);
    say(`chaincode definition at sequence ${next.sequence}: ${next.policy}`);

    // The new participant: an identity from insurer3's own CA, its gateway node in its own folder.
    const rng = createRng(77);
    const id = generateOgrn(rng);
    const inn = generateInn10(rng);
    const ca = await LocalCA.open(paths(home.t).ca('insurer3'), 'Insurer3MSP');
    const cert = await ca.issue({ commonName: 'insurer3.participant' });
    const identity = { mspId: 'Insurer3MSP', certificate: cert.certificate, privateKey: cert.privateKey };
    const keys = await generateParticipantKeys();
    const name = 'АО «СК Восток»';
    await net
      .get('association')
      .ledger.submit('directory:register', [
        participantRegistration({ id, role: 'insurer', name, inn, identity, keys }),
      ]);
    newLedger = FabricLedger.connect({
      peerEndpoint: `${home.peer.host}:${home.peer.port}`,
      tlsRootCertificate: await readFile(
        path.join(paths(home.t).node('insurer3', home.peer.name), 'tls', 'ca.crt'),
        'utf8',
      ),
      serverNameOverride: home.peer.name,
      ...identity,
      channel: home.t.channel,
      chaincode: home.t.chaincode,
    });
    newcomer = await GatewayNode.open({
      participantId: id,
      dataDir: path.join(homeDir, 'gateway'),
      ledger: newLedger,
      keys,
      keyVersion: 1,
      logger: pino({ level: 'warn' }),
    });
    await newcomer.start();
    const party = { ogrn: id, inn, name };

    const out = generateDocument('insured-list', {
      seed: 4001,
      rows: 2,
      sender: party,
      addressee: clinic.party,
    });
    await newcomer.send(out);
    const back = generateDocument('invoice', { seed: 4002, sender: clinic.party, addressee: party });
    await clinic.node.send(back);
    await newcomer.whenIdle(120_000);
    const outId = `${id}:${out.header.documentId}`;
    const backId = `${clinic.id}:${back.header.documentId}`;
    for (const until = Date.now() + 120_000; ;) {
      const got = (await clinic.node.received(outId)) && (await newcomer.received(backId));
      if (got) break;
      if (Date.now() > until) throw new Error('the newcomer and the clinic did not exchange documents');
      await new Promise((r) => setTimeout(r, 250));
    }
    say('insurer3 and the clinic exchanged an insured list and an invoice');

    // The load's tally at a step: every document sent so far committed and delivered once (waiting for the ones in
    // flight), none lost, none twice.
    const committedIds = new Set<string>();
    const received = async (want: Set<string>) => {
      const got: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await clinic.node.listInbox({ limit: 500, cursor });
        got.push(...page.items.map((r) => r.messageId).filter((m) => want.has(m)));
        cursor = page.nextCursor;
      } while (cursor);
      return got;
    };
    const checkpoint = async (step: string) => {
      if (loadError) throw loadError;
      const sent = ids.slice();
      const want = new Set(sent);
      let inbox = await received(want);
      for (const deadline = Date.now() + 120_000; new Set(inbox).size < want.size && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 250));
        inbox = await received(want);
      }
      for (const m of sent) {
        if (committedIds.has(m)) continue;
        const ok = await insurer.ledger.evaluate('exchange:get', [m]).then(
          () => true,
          () => false,
        );
        if (ok) committedIds.add(m);
      }
      const distinct = new Set(inbox);
      const tally = {
        sent: sent.length,
        committed: sent.filter((m) => committedIds.has(m)).length,
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
    };
    await checkpoint('insurer3 joined and exchanging');

    // Before it leaves: its peer endorses (the gateway asked to take Insurer3MSP's endorsement gets it).
    const viaInsurer3 = { endorsingOrganizations: ['Insurer3MSP', 'Insurer1MSP'] };
    await insurer.ledger.submit('directory:get', [id], undefined, viaInsurer3);

    // The council grows: electing Insurer3MSP is a council change, so all three seats sign (3 of 3).
    say('council: electing Insurer3MSP (two thirds of the seats, never fewer than an admission)');
    const elect = path.join(handover, 'elect-insurer3.pb');
    const electCheck = await proposeCouncilChange(
      association,
      fabric,
      { kind: 'elect', member: 'Insurer3MSP' },
      elect,
    );
    expect(electCheck.policies.join(' ')).to.include(
      '/Channel/Application/Council (signature policy AND(AssociationMSP.admin, ClinicHostMSP.admin, Insurer1MSP.admin))',
    );
    for (const ctx of [association, insurer1]) await signUpdate(ctx, fabric, elect);
    await submitUpdate(clinichost, fabric, elect);
    expect(readCouncil(await fetchConfig(association, fabric))?.members).to.deep.equal([
      'ClinicHostMSP',
      'Insurer1MSP',
      'Insurer3MSP',
    ]);
    await checkpoint('Insurer3MSP elected to the council');

    // A sitting member is not removed from the channel behind the council's back …
    try {
      await proposeRemoveOrg(association, fabric, 'Insurer3MSP', path.join(handover, 'too-early.pb'));
      expect.fail('a council member was proposed for removal');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('ORG_REMOVAL_REFUSED');
      expect((err as Error).message).to.include('sits on the council');
    }
    // … it leaves the council first, by 3 of its 4 seats, without its own signature.
    say('council: removing Insurer3MSP from the council without its signature (3 of 4 seats)');
    const unseat = path.join(handover, 'unseat-insurer3.pb');
    await proposeCouncilChange(association, fabric, { kind: 'remove', member: 'Insurer3MSP' }, unseat);
    await signUpdate(association, fabric, unseat);
    const two = await checkUpdate(association, fabric, unseat);
    expect(two.missing).to.deep.equal([
      '2 more of ClinicHostMSP.admin, Insurer1MSP.admin, Insurer3MSP.admin for /Channel/Application/Council',
    ]);
    await signUpdate(insurer1, fabric, unseat);
    await submitUpdate(clinichost, fabric, unseat);
    expect(readCouncil(await fetchConfig(association, fabric))?.members).to.deep.equal([
      'ClinicHostMSP',
      'Insurer1MSP',
    ]);
    await checkpoint('Insurer3MSP off the council');

    // Suspension in the directory: nobody sends to it or accepts from it any more; its entry and keys stay.
    say('association: suspending the participants of Insurer3MSP in the directory');
    const suspension = await suspendOrganisation(net.get('association').ledger, 'Insurer3MSP', say);
    expect(suspension.changed).to.deep.equal([id]);
    await checkpoint('Insurer3MSP suspended in the directory');

    // Its gateway stops; the organisation is removed from the channel by the chair and the council's majority.
    await newcomer.stop();
    newcomer = undefined;
    say('association: removing Insurer3MSP from the channel');
    const remove = path.join(handover, 'remove-insurer3.pb');
    const removal = await proposeRemoveOrg(association, fabric, 'Insurer3MSP', remove);
    expect(removal.policies.join(' ')).to.include('/Channel/Application/Admins');
    for (const ctx of [association, insurer1]) await signUpdate(ctx, fabric, remove);
    await submitUpdate(clinichost, fabric, remove);
    const after = await fetchConfig(association, fabric);
    expect(Object.keys(after.channel_group.groups?.Application?.groups ?? {}).sort()).to.deep.equal([
      'AssociationMSP',
      'ClinicHostMSP',
      'Insurer1MSP',
    ]);
    await checkpoint('Insurer3MSP removed from the channel');

    const resequenced = await nextChaincodeDefinition(association, fabric);
    expect(resequenced).to.deep.equal({
      sequence: 3,
      policy: "OutOf(2,'AssociationMSP.peer','ClinicHostMSP.peer','Insurer1MSP.peer')",
    });
    for (const ctx of [association, insurer1]) await approveChaincode(ctx, fabric, resequenced);
    // Committing asks only the approving organisations' peers, so it is refused while the council's rule is short.
    try {
      await commitChaincode(association, fabric, resequenced);
      expect.fail('a definition short of the council was committed');
    } catch (err) {
      expect((err as { code?: string }).code, (err as Error).message).to.equal('CHAINCODE_APPROVALS_MISSING');
      expect((err as Error).message).to.include('approved by AssociationMSP, Insurer1MSP');
      expect((err as Error).message).to.include('needs 1 more of ClinicHostMSP');
    }
    await approveChaincode(clinichost, fabric, resequenced);
    await commitChaincode(association, fabric, resequenced);
    say(`chaincode definition at sequence ${resequenced.sequence}: ${resequenced.policy}`);
    await checkpoint('chaincode re-sequenced without Insurer3MSP');

    // Its peer no longer endorses: the gateway finds no Insurer3MSP peer to ask …
    const refusedEndorsement = await insurer.ledger
      .submit('directory:get', [id], undefined, viaInsurer3)
      .then(
        () => undefined,
        (err: Error) => err.message,
      );
    expect(refusedEndorsement, 'a removed organisation endorsed').to.be.a('string');
    say(`endorsement by Insurer3MSP refused: ${refusedEndorsement!.slice(0, 160)}`);
    await insurer.ledger.submit('directory:get', [id], undefined, {
      endorsingOrganizations: ['ClinicHostMSP', 'Insurer1MSP'],
    });
    // … nor does its own identity get anything written …
    const refusedWrite = await newLedger!.submit('directory:get', [id]).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refusedWrite, "a removed organisation's transaction was committed").to.be.a('string');
    // … and the orderers serve it no block: fetching the newest one as its admin is forbidden.
    const fetched = await peerCli(
      home.t,
      fabric,
      home.peer,
      [
        'channel',
        'fetch',
        'newest',
        path.join(homeDir, 'after-removal.block'),
        '-c',
        home.t.channel,
        '-o',
        home.orderer!.address,
        '--tls',
        '--cafile',
        home.orderer!.caFile,
      ],
      'fetch the newest block as the removed organisation',
    ).then(
      () => 'served',
      (err: Error) => err.message,
    );
    expect(fetched).to.match(/FORBIDDEN/);
    say('the orderers refuse Insurer3MSP blocks (FORBIDDEN)');

    // What it sent and received stays verifiable by the others: the envelope, hash and trail on the ledger, its
    // directory entry (suspended, keys kept), and its signature over the document the clinic holds.
    const sentByIt = await clinic.node.getDocument(outId);
    expect(sentByIt.envelope).to.deep.include({ sender: id, addressee: clinic.id });
    expect(sentByIt.trail.length).to.be.greaterThan(0);
    const receivedByIt = await clinic.node.getDocument(backId);
    expect(receivedByIt.envelope).to.deep.include({ sender: clinic.id, addressee: id });
    expect((receivedByIt.envelope as { ciphertextHash: string }).ciphertextHash).to.equal(
      receivedByIt.record.ciphertextHash,
    );
    expect(receivedByIt.trail.length).to.be.greaterThan(0);
    const entry = JSON.parse(
      Buffer.from(await clinic.ledger.evaluate('directory:get', [id])).toString('utf8'),
    ) as { status: string; keys: Array<{ version: number; ed25519: string }> };
    expect(entry.status).to.equal('SUSPENDED');
    const sig = await clinic.node.store.get<{ profile: string; bytes: string }>(Sublevel.inboxSig, outId);
    const doc = sentByIt.document as { header: unknown; body: unknown };
    const canonical = Buffer.from(canonicalJson({ header: doc.header, body: doc.body }), 'utf8');
    const publicKey = Buffer.from(entry.keys[0]!.ed25519, 'base64');
    expect(ed25519Verify(Buffer.from(sig!.bytes, 'base64'), canonical, publicKey)).to.equal(true);
    canonical[canonical.length - 2] ^= 1;
    expect(ed25519Verify(Buffer.from(sig!.bytes, 'base64'), canonical, publicKey)).to.equal(false);
    say("the clinic still verifies Insurer3MSP's documents: envelopes, hashes, trails, its signature");

    loading = false;
    await load;
    if (loadError) throw loadError;
    await insurer.node.whenIdle(600_000);
    await clinic.node.whenIdle(600_000);
    const tally = await checkpoint('growth load, all steps');
    expect(tally.sent).to.be.greaterThan(20);
  });

  it("finds no organisation's private key in any other organisation's folder, nor any in the handed-over files", async () => {
    const folders: Record<string, string> = {
      association: paths(state.topology).org('association'),
      insurer1: paths(state.topology).org('insurer1'),
      clinichost: paths(state.topology).org('clinichost'),
      insurer3: homeDir,
    };
    const own = new Map<string, Map<string, string>>();
    for (const [org, dir] of Object.entries(folders)) own.set(org, await privateKeys(dir));
    for (const [org, keys] of own) expect(keys.size, `${org} holds its own keys`).to.be.greaterThan(2);
    let checked = 0;
    for (const [org, dir] of Object.entries(folders)) {
      const texts = await Promise.all((await files(dir)).map((f) => readFile(f, 'latin1')));
      const blob = texts.join('\n').replace(/\s+/g, '');
      for (const [other, keys] of own) {
        if (other === org) continue;
        for (const [body, where] of keys) {
          checked++;
          // The PEM body and its DER bytes: a key copied in either form is found.
          expect(blob.includes(body), `${org} holds ${other}'s key from ${where}`).to.equal(false);
          const der = Buffer.from(body, 'base64').toString('latin1');
          expect(
            texts.some((t) => t.includes(der)),
            `${org} holds ${other}'s key (DER)`,
          ).to.equal(false);
        }
      }
    }
    expect((await privateKeys(handover)).size, 'handed-over files hold no private key').to.equal(0);
    // What the local network's founders share on this one machine (config, update files, logs, ledger data) holds none.
    for (const e of await readdir(netDir)) {
      if (e === 'orgs') continue;
      const full = path.join(netDir, e);
      if ((await stat(full)).isDirectory())
        expect((await privateKeys(full)).size, `${e}/ of the network's folder`).to.equal(0);
    }
    console.log(
      `      ${checked} foreign private keys looked for in ${Object.keys(folders).length} folders: none found`,
    );
  });
});
