// A consortium grows and changes on a running Fabric network while insurer1 keeps sending to the clinic. network:up
// founds the association, insurer1 and the clinic host, each organisation's CA its own Fabric CA where Fabric CA is
// installed (decision 0044), and founds the council (decision 0029): the association chairs, insurer1 and the clinic
// host are elected. Then, one by one, a second insurer, an assistance company and a second clinic host join, each made
// in its own folder on its own loopback address (127.0.0.2–4) with its own host names and its own CA, handing over only
// its definition file and the signed update: the update is refused while it lacks the council's signatures (by this
// tool, naming who is missing, and by the orderer) and accepted after; the new peer joins, the chaincode definition
// moves to a sequence whose endorsement policy names it, the newcomer's participant is enrolled by its own CA and
// registered, and it exchanges documents. The second insurer is elected to the council and unseated without its own
// signature; the assistance company is suspended and removed from the channel (its peer no longer endorses, the
// orderers serve it no block, its documents stay verifiable); the clinic rotates its sealing key (the directory keeps
// the history, new documents are sealed to the new key, old ones still open); the clinic host loses a peer and
// rebuilds it. Each step prints the load's tally, {sent, committed, delivered, duplicates, lost}: nothing lost, nothing
// twice. Then no folder holds another's private key.
//
// Topology: the founders run two peers each (one for the association), so a ciphertext addressed to insurer1 or the
// clinic host reaches both of its peers before a send is endorsed and a lost peer is rebuilt from its sibling with
// nothing lost (decision 0045). The newcomers run ONE peer each (`createOrg({ peers: 1 })`) to keep the walk within
// its budget on a two-core machine: a ciphertext addressed to a newcomer sits on that one peer until delivered, so
// losing that peer's disk before delivery loses it (README, "Which topology guarantees what").
import { expect } from 'chai';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createRng, generateDocument, generateInn10, generateOgrn } from '@dmsnet/formats';
import {
  closeCryptoWorkers,
  generateParticipantKeys,
  loadKeyFile,
  sodium,
} from '../../gateway/src/crypto/index.js';
import { unsealSync } from '../../gateway/src/crypto/envelope.js';
import { newKeyAndCsr } from '../../node-config/src/init.js';
import { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import {
  participantRegistration,
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { GatewayNode } from '../../gateway/src/node/index.js';
import { findFabric, requireFabricCa, type FabricInstall } from '../../network/src/binaries.js';
import {
  checkUpdate,
  fetchConfig,
  mergeUpdateFiles,
  proposeAddOrg,
  signUpdate,
  submitUpdate,
} from '../../network/src/channel-update.js';
import { networkDown } from '../../network/src/down.js';
import {
  checkRegistration,
  enrollCsr,
  register,
  usesFabricCa,
  withCaServer,
} from '../../network/src/fabric-ca.js';
import { PARTICIPANT_ATTRIBUTE } from '../../network/src/ca-cli.js';
import { orgCAs } from '../../network/src/pki.js';
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
import { rebuildPeer } from '../../network/src/rebuild.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths, type OrgSpec } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import { proposeCouncilChange, readCouncil } from '../../network/src/council.js';
import { proposeRemoveOrg } from '../../network/src/leave.js';
import { peerCli } from '../../network/src/cli-tools.js';
import { suspendOrganisation } from '../../node-config/src/suspend-org.js';
import { ed25519Verify } from '../../gateway/src/crypto/ed25519.js';
import { Sublevel } from '../../gateway/src/node/layout.js';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { upgradeChaincode } from './upgrade-step.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_GROWTH_PORT_BASE ?? 29400);

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

/** An organisation that joins the running channel from its own "machine": loopback address, ports, folder. */
interface Newcomer {
  key: string;
  mspId: string;
  kind: OrgSpec['kind'];
  host: string;
  portBase: number;
  /** Its one participant: the insurer or assistance company itself, or a clinic its host acts for. */
  participant: { role: 'insurer' | 'assistance' | 'clinic'; name: string; viaAttribute?: boolean };
}

const NEWCOMERS: Newcomer[] = [
  {
    key: 'insurer2',
    mspId: 'Insurer2MSP',
    kind: 'insurer',
    host: '127.0.0.2',
    portBase: PORT_BASE + 300,
    participant: { role: 'insurer', name: 'АО «СК Восток»' },
  },
  {
    key: 'assistance1',
    mspId: 'Assistance1MSP',
    kind: 'assistance',
    host: '127.0.0.3',
    portBase: PORT_BASE + 400,
    participant: { role: 'assistance', name: 'ООО «Ассистанс Плюс»' },
  },
  {
    key: 'clinichost2',
    mspId: 'ClinicHost2MSP',
    kind: 'clinic-host',
    host: '127.0.0.4',
    portBase: PORT_BASE + 500,
    participant: { role: 'clinic', name: 'ООО «Клиника Два»', viaAttribute: true },
  },
];

/** A newcomer once it runs: its folder, its admin's context, its participant's gateway. */
interface Joined {
  spec: Newcomer;
  homeDir: string;
  ctx: OrgContext;
  id: string;
  party: { ogrn: string; inn: string; name: string };
  ledger: FabricLedger;
  node: GatewayNode;
  /** One document it sent and one it received, checked again after it leaves. */
  exchanged: { sent: string; received: string };
}

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

/**
 * A participant's Fabric identity from its organisation's own issuer, the way an operator issues it: the member makes
 * its key and certificate request (as `dmsnet-node init` does) and keeps the key; the organisation's Fabric CA
 * registers the enrolment id with the participant attribute and signs the request (`network ca register` then
 * `network ca enroll --csr`), or, on a machine without Fabric CA, its in-process CA signs it.
 */
async function enrolParticipant(
  ctx: OrgContext,
  ogrn: string,
  attributes?: Record<string, string>,
): Promise<{ mspId: string; certificate: string; privateKey: string }> {
  const { keyPem, csrPem } = await newKeyAndCsr(ogrn, ctx.org.mspId);
  let certificate: string;
  if (usesFabricCa(ctx.t, ctx.org.key)) {
    const bin = await requireFabricCa();
    const r = checkRegistration({ name: ogrn, type: 'client', attributes });
    certificate = await withCaServer(ctx.t, ctx.org.key, bin, async () => {
      const secret = await register(ctx.t, ctx.org.key, bin, 'ca', r);
      return enrollCsr(ctx.t, ctx.org.key, 'ca', { name: ogrn, secret, csr: csrPem });
    });
  } else {
    const { ca } = await orgCAs(ctx.t, ctx.org.key, ctx.org.mspId);
    certificate = await ca.signCsr(csrPem, { attributes });
  }
  return { mspId: ctx.org.mspId, certificate, privateKey: keyPem };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a consortium grows and changes: organisations from their own folders join, leave and recover a running channel under load', function () {
  // Measured on a two-core machine shared with other Fabric suites: network:up 1.5 min, the walk 9.2 min, the whole
  // file 12 min; under heavier load (average above 30) an earlier run needed 25 min for the first six steps. Hence 40.
  this.timeout(2_400_000);
  let fabric: FabricInstall;
  let netDir: string;
  let state: NetworkState;
  let nodesDir: string;
  let handover: string;
  let net: LocalNetwork;
  const joined: Joined[] = [];
  const homes = new Map<string, string>();
  const say = consoleProgress();

  before(async () => {
    fabric = await findFabric();
    netDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-net-'));
    handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-handover-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-growth-nodes-'));
    for (const n of NEWCOMERS)
      homes.set(n.key, await mkdtemp(path.join(tmpdir(), `dmsnet-growth-${n.key}-`)));
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
    for (const j of joined) {
      await j.node.stop().catch(() => undefined);
      await j.ledger.close();
    }
    await net?.close();
    await closeCryptoWorkers();
    for (const dir of homes.values()) await stopAll(path.join(dir, 'pids'));
    if (netDir) await networkDown({ dir: netDir });
    for (const d of [handover, nodesDir, ...homes.values()])
      if (d) await rm(d, { recursive: true, force: true });
  });

  it('adds an insurer, an assistance company and a clinic host one by one, elects and unseats, suspends and removes, rotates a sealing key and rebuilds a peer under a continuous send load; 0 lost, 0 duplicated at every step', async () => {
    const started = Date.now();
    const insurer = net.get('insurer1');
    const clinic = net.get('clinic1');
    // The load: one insured list a second from insurer1 to the clinic, through their gateway nodes. Each document is
    // a send and an acknowledgement on the ledger; faster, the clinic fell behind on a busy two-core machine.
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
        await sleep(1000);
      }
    })().catch((err: unknown) => (loadError = err));

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
      // A send waits in the outbox while a peer it needs is down (its retries back off), and a busy clinic works off a
      // backlog: wait while deliveries keep coming; a document still missing after 3 quiet minutes counts as lost.
      for (
        let quietSince = Date.now();
        new Set(inbox).size < want.size && Date.now() - quietSince < 180_000;
      ) {
        await sleep(1000);
        const more = await received(want);
        if (new Set(more).size > new Set(inbox).size) quietSince = Date.now();
        inbox = more;
      }
      // Asked of the ledger in small parallel batches: one by one, hundreds of queries took minutes on a busy machine.
      const unknown = sent.filter((m) => !committedIds.has(m));
      for (let i = 0; i < unknown.length; i += 16) {
        await Promise.all(
          unknown.slice(i, i + 16).map((m) =>
            insurer.ledger.evaluate('exchange:get', [m]).then(
              () => committedIds.add(m),
              () => undefined,
            ),
          ),
        );
      }
      const distinct = new Set(inbox);
      const tally = {
        sent: sent.length,
        committed: sent.filter((m) => committedIds.has(m)).length,
        delivered: inbox.length,
        duplicates: inbox.length - distinct.size,
        lost: sent.filter((m) => !distinct.has(m)).length,
      };
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      console.log(`      [${minutes} min] ${step}: ${JSON.stringify(tally)}`);
      expect(tally, step).to.deep.include({
        committed: tally.sent,
        delivered: tally.sent,
        duplicates: 0,
        lost: 0,
      });
      return tally;
    };
    await checkpoint('founders: association, insurer1, clinic host');

    // The founders' admins, each acting in its own folder of the local network.
    const association = await openOrg(netDir, 'association');
    const insurer1 = await openOrg(netDir, 'insurer1');
    const clinichost = await openOrg(netDir, 'clinichost');
    // The association's definition tells each newcomer where the orderers are.
    await writeDefinition(await orgDefinition(association, fabric), path.join(handover, 'association.json'));
    // network:up founded the council: the association chairs, the other two founders sit on it.
    expect(readCouncil(await fetchConfig(association, fabric))).to.deep.equal({
      chair: 'AssociationMSP',
      members: ['ClinicHostMSP', 'Insurer1MSP'],
    });
    let sequence = 1;

    for (const [index, n] of NEWCOMERS.entries()) {
      const homeDir = homes.get(n.key) as string;
      // On the newcomer's machine: its own material (its own CA), its peer, its definition (public parts only).
      say(`${n.key}: creating its own organisation in its own folder on ${n.host}`);
      await createOrg({
        dir: homeDir,
        key: n.key,
        mspId: n.mspId,
        kind: n.kind,
        host: n.host,
        portBase: n.portBase,
        peers: 1,
        progress: say,
      });
      const home = await openOrg(homeDir);
      expect(home.peer).to.deep.include({ host: n.host, name: `peer0.${n.key}` });
      await startOrgPeer(home, fabric, say);
      const defFile = path.join(handover, `${n.key}.json`);
      await writeDefinition(await orgDefinition(home, fabric), defFile);
      const def = await readDefinition(defFile);
      expect(JSON.stringify(def)).to.not.match(/PRIVATE KEY/);

      say(`association: computing the update that adds ${n.mspId}`);
      const update = path.join(handover, `add-${n.key}.pb`);
      const proposed = await proposeAddOrg(association, fabric, def, update);
      expect(proposed.signedBy).to.deep.equal([]);
      expect(proposed.policies.join(' ')).to.include(
        '/Channel/Application/Admins (signature policy AND(AssociationMSP.admin, AND(ClinicHostMSP.admin, Insurer1MSP.admin)))',
      );
      if (index === 0) {
        // Handed out to two admins at once: the association signs the file, insurer1 a copy of it.
        const copy = path.join(handover, `add-${n.key}.insurer1.pb`);
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
      } else {
        // The file passes from admin to admin, each signing in its own folder.
        for (const ctx of [association, insurer1]) await signUpdate(ctx, fabric, update);
      }
      await signUpdate(clinichost, fabric, update);
      const check = await checkUpdate(clinichost, fabric, update);
      expect(check.signedBy).to.deep.equal(['AssociationMSP', 'ClinicHostMSP', 'Insurer1MSP']);
      expect(check.satisfied).to.equal(true);
      await submitUpdate(association, fabric, update);
      say(`update submitted: ${n.mspId} is in the channel config`);

      say(`${n.key}: joining its peer and installing the chaincode`);
      await joinChannel(home, fabric, await readDefinition(path.join(handover, 'association.json')), say);
      await installChaincode(home, fabric, say);

      const next = await nextChaincodeDefinition(association, fabric);
      expect(next.sequence).to.equal(++sequence);
      expect(next.policy).to.match(/^OutOf\(2,/);
      for (const j of [...joined.map((x) => x.spec.mspId), n.mspId])
        expect(next.policy).to.include(`'${j}.peer'`);
      const orgs = [association, insurer1, clinichost, ...joined.map((x) => x.ctx), home];
      for (const ctx of orgs) {
        // Each organisation computes the same definition on its own before approving it.
        expect(await nextChaincodeDefinition(ctx, fabric)).to.deep.equal(next);
        await approveChaincode(ctx, fabric, next);
      }
      await commitChaincode(association, fabric, next);
      await waitDefinition(home, fabric, next.sequence);
      say(`chaincode definition at sequence ${next.sequence}: ${next.policy}`);

      // The new participant: an identity from the newcomer's own CA, registered in the directory by the association,
      // its gateway node in the newcomer's folder.
      const rng = createRng(77 + index);
      const id = generateOgrn(rng);
      const inn = generateInn10(rng);
      const identity = await enrolParticipant(
        home,
        id,
        n.participant.viaAttribute ? { [PARTICIPANT_ATTRIBUTE]: id } : undefined,
      );
      if (usesFabricCa(home.t, n.key))
        expect(identity.certificate, 'issued by its own Fabric CA').to.not.equal('');
      const keys = await generateParticipantKeys();
      await net.get('association').ledger.submit('directory:register', [
        participantRegistration({
          id,
          role: n.participant.role,
          name: n.participant.name,
          inn,
          identity,
          keys,
          viaAttribute: n.participant.viaAttribute,
        }),
      ]);
      const ledger = FabricLedger.connect({
        peerEndpoint: `${home.peer.host}:${home.peer.port}`,
        tlsRootCertificate: await readFile(
          path.join(paths(home.t).node(n.key, home.peer.name), 'tls', 'ca.crt'),
          'utf8',
        ),
        serverNameOverride: home.peer.name,
        ...identity,
        channel: home.t.channel,
        chaincode: home.t.chaincode,
      });
      const node = await GatewayNode.open({
        participantId: id,
        dataDir: path.join(homeDir, 'gateway'),
        ledger,
        keys,
        keyVersion: 1,
        logger: pino({ level: 'warn' }),
      });
      await node.start();
      const party = { ogrn: id, inn, name: n.participant.name };

      // A payer sends the clinic an insured list and gets an invoice back; a clinic gets one from insurer1 and
      // invoices it.
      const payer: Pick<LocalParticipant, 'party' | 'id'> & { node: GatewayNode } =
        n.participant.role === 'clinic' ? insurer : { party, id, node };
      const payee: Pick<LocalParticipant, 'party' | 'id'> & { node: GatewayNode } =
        n.participant.role === 'clinic' ? { party, id, node } : clinic;
      const out = generateDocument('insured-list', {
        seed: 4001 + index * 10,
        rows: 2,
        sender: payer.party,
        addressee: payee.party,
      });
      await payer.node.send(out);
      const back = generateDocument('invoice', {
        seed: 4002 + index * 10,
        sender: payee.party,
        addressee: payer.party,
      });
      await payee.node.send(back);
      await node.whenIdle(120_000);
      const outId = `${payer.id}:${out.header.documentId}`;
      const backId = `${payee.id}:${back.header.documentId}`;
      for (const until = Date.now() + 120_000; ;) {
        const got = (await payee.node.received(outId)) && (await payer.node.received(backId));
        if (got) break;
        if (Date.now() > until) throw new Error(`${n.key} did not exchange documents`);
        await sleep(250);
      }
      say(
        `${n.key}'s participant and ${n.participant.role === 'clinic' ? 'insurer1' : 'the clinic'} exchanged an insured list and an invoice`,
      );
      joined.push({
        spec: n,
        homeDir,
        ctx: home,
        id,
        party,
        ledger,
        node,
        exchanged:
          n.participant.role === 'clinic'
            ? { sent: backId, received: outId }
            : { sent: outId, received: backId },
      });
      await checkpoint(`${n.mspId} (${n.kind}) joined on ${n.host} and exchanging`);
    }

    const [insurer2, assistance, clinichost2] = joined as [Joined, Joined, Joined];

    // The chaincode is upgraded under the load: each of the six organisations installs release 1.1 beside the running
    // one and approves in its own folder; the commit is refused until the lifecycle policy is met; then every peer
    // answers with 1.1. The gateways started before it (insurer1's, the clinic's, the newcomers') keep sending.
    say('upgrading the chaincode to 1.1, each organisation in its own folder');
    const upgraded = await upgradeChaincode(
      [association, insurer1, clinichost, ...joined.map((x) => x.ctx)],
      fabric,
      '1.1',
      say,
    );
    expect(upgraded.sequence).to.equal(++sequence);
    await checkpoint('chaincode upgraded to 1.1 under load');
    for (const j of joined) {
      const again = generateDocument('insured-list', {
        seed: 4901 + joined.indexOf(j),
        rows: 1,
        sender: j.spec.participant.role === 'clinic' ? insurer.party : j.party,
        addressee: j.spec.participant.role === 'clinic' ? j.party : clinic.party,
      });
      const from = j.spec.participant.role === 'clinic' ? insurer.node : j.node;
      const to = j.spec.participant.role === 'clinic' ? j.node : clinic.node;
      const againId = `${j.spec.participant.role === 'clinic' ? insurer.id : j.id}:${again.header.documentId}`;
      await from.send(again);
      for (const until = Date.now() + 180_000; !(await to.received(againId)); await sleep(250))
        if (Date.now() > until) throw new Error(`${j.spec.key}: nothing exchanged after the upgrade`);
    }
    say('after the upgrade each newcomer still exchanges documents through the gateway it started with');

    // Before it leaves: the assistance company's peer endorses (the gateway asked to take its endorsement gets it).
    const viaAssistance = { endorsingOrganizations: ['Assistance1MSP', 'Insurer1MSP'] };
    await insurer.ledger.submit('directory:get', [assistance.id], undefined, viaAssistance);

    // The council grows: electing Insurer2MSP is a council change, so all three seats sign (3 of 3).
    say('council: electing Insurer2MSP (two thirds of the seats, never fewer than an admission)');
    const elect = path.join(handover, 'elect-insurer2.pb');
    const electCheck = await proposeCouncilChange(
      association,
      fabric,
      { kind: 'elect', member: 'Insurer2MSP' },
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
      'Insurer2MSP',
    ]);
    await checkpoint('Insurer2MSP elected to the council');

    // A sitting member is not removed from the channel behind the council's back …
    try {
      await proposeRemoveOrg(association, fabric, 'Insurer2MSP', path.join(handover, 'too-early.pb'));
      expect.fail('a council member was proposed for removal');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('ORG_REMOVAL_REFUSED');
      expect((err as Error).message).to.include('sits on the council');
    }
    // … it leaves the council first, by 3 of its 4 seats, without its own signature.
    say('council: removing Insurer2MSP from the council without its signature (3 of 4 seats)');
    const unseat = path.join(handover, 'unseat-insurer2.pb');
    await proposeCouncilChange(association, fabric, { kind: 'remove', member: 'Insurer2MSP' }, unseat);
    await signUpdate(association, fabric, unseat);
    const two = await checkUpdate(association, fabric, unseat);
    expect(two.missing).to.deep.equal([
      '2 more of ClinicHostMSP.admin, Insurer1MSP.admin, Insurer2MSP.admin for /Channel/Application/Council',
    ]);
    await signUpdate(insurer1, fabric, unseat);
    await submitUpdate(clinichost, fabric, unseat);
    expect(readCouncil(await fetchConfig(association, fabric))?.members).to.deep.equal([
      'ClinicHostMSP',
      'Insurer1MSP',
    ]);
    await checkpoint('Insurer2MSP off the council');

    // Suspension in the directory: nobody sends to it or accepts from it any more; its entry and keys stay.
    say('association: suspending the participants of Assistance1MSP in the directory');
    const suspension = await suspendOrganisation(net.get('association').ledger, 'Assistance1MSP', say);
    expect(suspension.changed).to.deep.equal([assistance.id]);
    await checkpoint('Assistance1MSP suspended in the directory');

    // Its gateway stops; the organisation is removed from the channel by the chair and the council's majority.
    await assistance.node.stop();
    say('association: removing Assistance1MSP from the channel');
    const remove = path.join(handover, 'remove-assistance1.pb');
    const removal = await proposeRemoveOrg(association, fabric, 'Assistance1MSP', remove);
    expect(removal.policies.join(' ')).to.include('/Channel/Application/Admins');
    for (const ctx of [association, insurer1]) await signUpdate(ctx, fabric, remove);
    await submitUpdate(clinichost, fabric, remove);
    const after = await fetchConfig(association, fabric);
    expect(Object.keys(after.channel_group.groups?.Application?.groups ?? {}).sort()).to.deep.equal([
      'AssociationMSP',
      'ClinicHost2MSP',
      'ClinicHostMSP',
      'Insurer1MSP',
      'Insurer2MSP',
    ]);
    await checkpoint('Assistance1MSP removed from the channel');

    const resequenced = await nextChaincodeDefinition(association, fabric);
    expect(resequenced.sequence).to.equal(++sequence);
    expect(resequenced.policy).to.not.include('Assistance1MSP');
    for (const m of ['AssociationMSP', 'ClinicHost2MSP', 'ClinicHostMSP', 'Insurer1MSP', 'Insurer2MSP'])
      expect(resequenced.policy).to.include(`'${m}.peer'`);
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
    for (const ctx of [clinichost, insurer2.ctx, clinichost2.ctx])
      await approveChaincode(ctx, fabric, resequenced);
    await commitChaincode(association, fabric, resequenced);
    for (const ctx of [insurer2.ctx, clinichost2.ctx])
      await waitDefinition(ctx, fabric, resequenced.sequence);
    say(`chaincode definition at sequence ${resequenced.sequence}: ${resequenced.policy}`);
    await checkpoint('chaincode re-sequenced without Assistance1MSP');

    // Its peer no longer endorses: the gateway finds no Assistance1MSP peer to ask …
    const refusedEndorsement = await insurer.ledger
      .submit('directory:get', [assistance.id], undefined, viaAssistance)
      .then(
        () => undefined,
        (err: Error) => err.message,
      );
    expect(refusedEndorsement, 'a removed organisation endorsed').to.be.a('string');
    say(`endorsement by Assistance1MSP refused: ${refusedEndorsement!.slice(0, 160)}`);
    await insurer.ledger.submit('directory:get', [assistance.id], undefined, {
      endorsingOrganizations: ['ClinicHostMSP', 'Insurer1MSP'],
    });
    // … nor does its own identity get anything written …
    const refusedWrite = await assistance.ledger.submit('directory:get', [assistance.id]).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refusedWrite, "a removed organisation's transaction was committed").to.be.a('string');
    // … and the orderers serve it no block: fetching the newest one as its admin is forbidden.
    const gone = assistance.ctx;
    const fetched = await peerCli(
      gone.t,
      fabric,
      gone.peer,
      [
        'channel',
        'fetch',
        'newest',
        path.join(assistance.homeDir, 'after-removal.block'),
        '-c',
        gone.t.channel,
        '-o',
        gone.orderer!.address,
        '--tls',
        '--cafile',
        gone.orderer!.caFile,
      ],
      'fetch the newest block as the removed organisation',
    ).then(
      () => 'served',
      (err: Error) => err.message,
    );
    expect(fetched).to.match(/FORBIDDEN/);
    say('the orderers refuse Assistance1MSP blocks (FORBIDDEN)');

    // What it sent and received stays verifiable by the others: the envelope, hash and trail on the ledger, its
    // directory entry (suspended, keys kept), and its signature over the document the clinic holds.
    const sentByIt = await clinic.node.getDocument(assistance.exchanged.sent);
    expect(sentByIt.envelope).to.deep.include({ sender: assistance.id, addressee: clinic.id });
    expect(sentByIt.trail.length).to.be.greaterThan(0);
    const receivedByIt = await clinic.node.getDocument(assistance.exchanged.received);
    expect(receivedByIt.envelope).to.deep.include({ sender: clinic.id, addressee: assistance.id });
    expect((receivedByIt.envelope as { ciphertextHash: string }).ciphertextHash).to.equal(
      receivedByIt.record.ciphertextHash,
    );
    expect(receivedByIt.trail.length).to.be.greaterThan(0);
    const entry = JSON.parse(
      Buffer.from(await clinic.ledger.evaluate('directory:get', [assistance.id])).toString('utf8'),
    ) as { status: string; keys: Array<{ version: number; ed25519: string }> };
    expect(entry.status).to.equal('SUSPENDED');
    const sig = await clinic.node.store.get<{ profile: string; bytes: string }>(
      Sublevel.inboxSig,
      assistance.exchanged.sent,
    );
    const doc = sentByIt.document as { header: unknown; body: unknown };
    const canonical = Buffer.from(canonicalJson({ header: doc.header, body: doc.body }), 'utf8');
    const publicKey = Buffer.from(entry.keys[0]!.ed25519, 'base64');
    expect(ed25519Verify(Buffer.from(sig!.bytes, 'base64'), canonical, publicKey)).to.equal(true);
    canonical[canonical.length - 2] ^= 1;
    expect(ed25519Verify(Buffer.from(sig!.bytes, 'base64'), canonical, publicKey)).to.equal(false);
    say("the clinic still verifies Assistance1MSP's documents: envelopes, hashes, trails, its signature");

    // The clinic rotates its sealing key while insurer1 keeps sending to it.
    say('clinic1: rotating its sealing and signing keys');
    const oldKeys = { pub: clinic.keys.boxPublicKey, sec: clinic.keys.boxSecretKey };
    const beforeRotation = ids.length;
    const rotated = await clinic.node.rotateKeys();
    const afterRotation = ids.length;
    expect(rotated.version).to.equal(2);
    const history = JSON.parse(
      Buffer.from(await insurer.ledger.evaluate('directory:get', [clinic.id])).toString('utf8'),
    ) as { keys: Array<{ version: number; x25519: string }> };
    // The directory keeps every version: the first beside the new one.
    expect(history.keys.map((k) => k.version)).to.deep.equal([1, 2]);
    expect(history.keys[0]!.x25519).to.equal(Buffer.from(oldKeys.pub).toString('base64'));
    expect(history.keys[1]!.x25519).to.equal(rotated.x25519);
    // Let a few documents be sealed after the rotation, then count.
    while (ids.length < afterRotation + 4) {
      if (loadError) throw loadError;
      await sleep(250);
    }
    await checkpoint("clinic1's sealing key rotated");
    const libsodium = await sodium();
    const payload = async (m: string) =>
      new Uint8Array(
        Buffer.from(
          String(
            JSON.parse(
              Buffer.from(await clinic.ledger.evaluate('exchange:getPayload', [m])).toString('utf8'),
            ),
          ),
          'base64',
        ),
      );
    const rotatedFile = await loadKeyFile(path.join(nodesDir, 'keys', 'clinic1.json'), 'dmsnet-sandbox');
    expect(Buffer.from(rotatedFile.boxPublicKey).toString('base64')).to.equal(rotated.x25519);
    const kept = rotatedFile.previous?.find((k) => k.version === 1);
    expect(kept, 'the key file keeps the first box key').to.not.equal(undefined);
    // Sealed before: opens with the first key, which the clinic's key file still holds …
    const old = ids[beforeRotation - 1] as string;
    unsealSync(libsodium, await payload(old), kept!.boxPublicKey, kept!.boxSecretKey);
    expect((await clinic.node.getDocument(old)).document).to.not.equal(undefined);
    // … sealed after: only the new key opens it, and the clinic has it.
    const fresh = ids[afterRotation + 2] as string;
    const sealedNew = await payload(fresh);
    expect(() => unsealSync(libsodium, sealedNew, oldKeys.pub, oldKeys.sec)).to.throw(/cannot be opened/);
    unsealSync(libsodium, sealedNew, rotatedFile.boxPublicKey, rotatedFile.boxSecretKey);
    expect(await clinic.node.received(fresh)).to.not.equal(undefined);
    say('new documents are sealed to key version 2; those sealed to version 1 still open');

    // The clinic host loses a peer's whole ledger folder and rebuilds it from the channel (`network peer rebuild`):
    // while it is away, sends to the clinic wait in insurer1's outbox (the ciphertext must reach a second clinic host
    // peer before endorsement), and every one is delivered once it is back.
    say('clinichost: losing peer1.clinichost and rebuilding it');
    const rebuilt = await rebuildPeer(clinichost, fabric, { node: 'peer1.clinichost', progress: say });
    expect(rebuilt).to.deep.include({
      peer: 'peer1.clinichost',
      from: 'genesis',
      source: 'peer0.clinichost',
    });
    say(`peer1.clinichost rebuilt to height ${rebuilt.height}`);
    await checkpoint('peer1.clinichost lost and rebuilt');

    loading = false;
    await load;
    if (loadError) throw loadError;
    await insurer.node.whenIdle(600_000);
    await clinic.node.whenIdle(600_000);
    for (const j of [insurer2, clinichost2]) await j.node.whenIdle(600_000);
    const tally = await checkpoint('growth load, all steps');
    expect(tally.sent).to.be.greaterThan(20);
    console.log(`      the walk took ${((Date.now() - started) / 60_000).toFixed(1)} min after network:up`);
  });

  it("finds no organisation's private key in any other organisation's folder, nor any in the handed-over files", async () => {
    const folders: Record<string, string> = {
      association: paths(state.topology).org('association'),
      insurer1: paths(state.topology).org('insurer1'),
      clinichost: paths(state.topology).org('clinichost'),
      ...Object.fromEntries(homes),
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
