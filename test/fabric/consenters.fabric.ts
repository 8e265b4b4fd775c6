// The ordering service belongs to several members (decision 0030). On a real SmartBFT network of four orderers — two
// the association's, one each insurer's — a fifth orderer run by the clinic host is added and removed again by signed
// config updates while insurer1 keeps sending; the association alone is refused. Then the limit: with 2 of 4 orderers
// stopped nothing commits and the sends wait in the gateway's outbox; once they return every send arrives exactly once.
// An insurer's orderer's certificates are renewed by a signed update of its consenter entry under the same load.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { findFabric, type FabricInstall } from '../../network/src/binaries.js';
import { fetchConfig, signUpdate, submitUpdate } from '../../network/src/channel-update.js';
import { peerCli } from '../../network/src/cli-tools.js';
import {
  consentersOf,
  leaveOrderer,
  listConsenters,
  proposeRemoveConsenter,
} from '../../network/src/consenters.js';
import { finishOrdererRenewal } from '../../network/src/orderer-renew.js';
import { startNode, stopNode } from '../../network/src/control.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { openOrg } from '../../network/src/org.js';
import { consoleProgress } from '../../network/src/progress.js';
import { readState, type NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_CONSENTERS_PORT_BASE ?? 30600);

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

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(f)));
    else if (e.isFile() && (await stat(f)).size < 1_000_000) out.push(f);
  }
  return out;
}

describe('the SmartBFT ordering service run by several members', function () {
  this.timeout(1_200_000);
  let fabric: FabricInstall;
  let dir: string;
  let nodesDir: string;
  let state: NetworkState;
  let net: LocalNetwork;
  let seq = 0;
  const say = consoleProgress();

  before(async () => {
    fabric = await findFabric();
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-consenters-net-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-consenters-nodes-'));
    state = await networkUp({ dir, portBase: PORT_BASE, consensus: 'bft', progress: say });
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
    if (dir) await networkDown({ dir });
    for (const d of [dir, nodesDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  /** Sends one insured list insurer1 → clinic1 and returns its ledger id. */
  async function sendOne(label: string): Promise<string> {
    const insurer = net.get('insurer1');
    const doc = generateDocument('insured-list', {
      seed: 7000 + ++seq,
      rows: 1,
      sender: insurer.party,
      addressee: net.get('clinic1').party,
    });
    doc.header.documentId = `${label}-${seq}`;
    await insurer.node.send(doc);
    return `${insurer.id}:${doc.header.documentId}`;
  }

  /** Waits for both nodes to settle, then counts what the ledger and the clinic's inbox hold of `ids`. */
  async function tally(label: string, ids: string[]): Promise<Tally> {
    const insurer = net.get('insurer1');
    const clinic = net.get('clinic1');
    await insurer.node.whenIdle(600_000);
    await clinic.node.whenIdle(600_000);
    const want = new Set(ids);
    const received = async () => {
      const got: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await clinic.node.listInbox({ limit: 500, cursor });
        got.push(...page.items.map((r) => r.messageId).filter((m) => want.has(m)));
        cursor = page.nextCursor;
      } while (cursor);
      return got;
    };
    let inbox = await received();
    for (const deadline = Date.now() + 120_000; new Set(inbox).size < want.size && Date.now() < deadline;) {
      await sleep(250);
      inbox = await received();
    }
    let committed = 0;
    for (const m of ids)
      if (
        await insurer.ledger.evaluate('exchange:get', [m]).then(
          () => true,
          () => false,
        )
      )
        committed++;
    const distinct = new Set(inbox);
    const t = {
      sent: ids.length,
      committed,
      delivered: inbox.length,
      duplicates: inbox.length - distinct.size,
      lost: ids.filter((m) => !distinct.has(m)).length,
    };
    console.log(`      ${label}: ${JSON.stringify(t)}`);
    return t;
  }

  /**
   * The operator's CLI against this network, run as a child without blocking this process (its gateways keep
   * sending meanwhile); its progress and errors (stderr) show live, its stdout is returned. Rejects on a non-zero exit.
   */
  function cli(...args: string[]): Promise<{ stdout: string }> {
    const script = path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, '--dir', dir, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve({ stdout })
          : reject(new Error(`${args.slice(0, 2).join(' ')} exited with ${code}: ${stdout}`)),
      );
    });
  }

  /** Waits until the load has sent `n` more lists and the ledger holds each of them; returns `n`. */
  async function committedNext(ids: string[], n: number): Promise<number> {
    const ledger = net.get('insurer1').ledger;
    const from = ids.length;
    const deadline = Date.now() + 180_000;
    while (ids.length < from + n) {
      if (Date.now() > deadline)
        throw new Error(`the load sent ${ids.length - from} of ${n} lists in 3 minutes`);
      await sleep(250);
    }
    for (const id of ids.slice(from, from + n)) {
      while (
        !(await ledger.evaluate('exchange:get', [id]).then(
          () => true,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error(`${id} was not committed in 3 minutes`);
        await sleep(250);
      }
    }
    return n;
  }

  const height = async () => {
    const peer = state.topology.peers.find((n) => n.org === 'insurer1')!;
    const info = await peerCli(
      state.topology,
      fabric,
      peer,
      ['channel', 'getinfo', '-c', state.topology.channel],
      'getinfo',
    );
    return Number(/"height":(\d+)/.exec(info)?.[1]);
  };

  it("orders with four consenters of three organisations, each orderer's private key only in its owner's folder", async () => {
    const owners = state.topology.orderers.map((o) => `${o.name}:${o.mspId}`);
    expect(owners).to.deep.equal([
      'orderer1.association:AssociationMSP',
      'orderer2.association:AssociationMSP',
      'orderer3.insurer1:Insurer1MSP',
      'orderer4.insurer2:Insurer2MSP',
    ]);
    const view = await listConsenters(await openOrg(dir, 'clinichost'), fabric);
    expect(view.consenters.map((c) => `${c.id}:${c.mspId}`)).to.deep.equal([
      '1:AssociationMSP',
      '2:AssociationMSP',
      '3:Insurer1MSP',
      '4:Insurer2MSP',
    ]);
    expect({ faults: view.faults, quorum: view.quorum }).to.deep.equal({ faults: 1, quorum: 3 });
    const p = paths(state.topology);
    const everything = await files(dir);
    for (const o of state.topology.orderers) {
      const own = path.join(p.node(o.org, o.name), 'msp', 'keystore', 'priv_sk');
      const tls = path.join(p.node(o.org, o.name), 'tls', 'server.key');
      for (const key of [own, tls]) {
        const body = (await readFile(key, 'utf8')).replace(/-----[A-Z ]+-----|\s+/g, '');
        const holders = [];
        for (const f of everything)
          if ((await readFile(f, 'latin1')).replace(/\s+/g, '').includes(body)) holders.push(f);
        expect(holders, `${o.name}'s key`).to.deep.equal([key]);
        expect(key.startsWith(p.org(o.org) + path.sep)).to.equal(true);
      }
    }
  });

  it('adds a consenter run by the clinic host and removes it by signed updates under a send load: the association alone is refused; 0 lost, 0 duplicated', async () => {
    const ids: string[] = [];
    let loading = true;
    let loadError: unknown;
    const load = (async () => {
      while (loading) {
        ids.push(await sendOne('reconfig'));
        await sleep(250);
      }
    })().catch((err: unknown) => (loadError = err));

    const association = await openOrg(dir, 'association');
    const insurer1 = await openOrg(dir, 'insurer1');
    const insurer2 = await openOrg(dir, 'insurer2');
    const handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-consenters-handover-'));
    try {
      // The clinic host's admin works with the operator's commands (as the operator guide shows them).
      say(
        'clinichost: a fifth orderer, its keys in its own folder (dmsnet-network orderer create|start|propose-add)',
      );
      const created = await cli(
        ...['orderer', 'create', '--org', 'clinichost', '--port', String(PORT_BASE + 55)],
        ...['--admin-port', String(PORT_BASE + 65), '--operations-port', String(PORT_BASE + 75)],
      );
      expect(created.stdout).to.include('orderer5.clinichost created');
      const name = 'orderer5.clinichost';
      await cli('orderer', 'start', '--org', 'clinichost', '--name', name);
      const add = path.join(handover, 'add-orderer5.pb');
      const proposed = await cli(
        'orderer',
        'propose-add',
        '--org',
        'clinichost',
        '--name',
        name,
        '--out',
        add,
      );
      expect(proposed.stdout).to.include('update adding consenter 5');
      expect(proposed.stdout).to.include(
        '/Channel/Orderer/Admins (MAJORITY Admins: 2 of 3 (AssociationMSP, Insurer1MSP, Insurer2MSP))',
      );
      expect(proposed.stdout).to.include('missing: 2 more Admins signatures');
      const clinichost = await openOrg(dir, 'clinichost');

      // The association alone (its signature and its submission) cannot change who orders.
      await signUpdate(association, fabric, add);
      try {
        await submitUpdate(association, fabric, add);
        expect.fail('the association alone changed the consenters');
      } catch (err) {
        const e = err as { code?: string; message: string };
        expect(e.code, e.message).to.equal('UPDATE_SIGNATURES_MISSING');
        expect(e.message).to.include('1 more Admins signature of Insurer1MSP, Insurer2MSP');
      }
      try {
        await submitUpdate(association, fabric, add, { unchecked: true });
        expect.fail('the orderers accepted a consenter change signed by the association alone');
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('FABRIC_COMMAND_FAILED');
      }
      await signUpdate(insurer1, fabric, add);
      await submitUpdate(association, fabric, add);
      await cli('orderer', 'join', '--org', 'clinichost', '--name', name);
      expect((await cli('orderer', 'list', '--org', 'insurer2')).stdout).to.include(
        '5 consenters: tolerate 1 faulty, 4 sign each block',
      );
      const five = await listConsenters(association, fabric);
      expect(five.consenters.map((c) => `${c.id}:${c.mspId}`)).to.include('5:ClinicHostMSP');
      expect({ n: five.consenters.length, faults: five.faults, quorum: five.quorum }).to.deep.equal({
        n: 5,
        faults: 1,
        quorum: 4,
      });
      // Blocks are signed by a quorum of five now: the load keeps committing through the new view.
      say(`${await committedNext(ids, 8)} more lists committed with five consenters`);

      say('insurer2 proposes removing consenter 5; insurer2 and insurer1 sign, the association submits');
      const remove = path.join(handover, 'remove-orderer5.pb');
      const r = await proposeRemoveConsenter(insurer2, fabric, '5', remove);
      expect(r.id).to.equal(5);
      // The clinic host's last orderer: its organisation leaves the orderer group, which the other three decide
      // without it (3 of the 4 ordering organisations).
      expect(r.policies).to.deep.equal([
        '/Channel/Orderer/Admins (MAJORITY Admins: 3 of 4 (AssociationMSP, ClinicHostMSP, Insurer1MSP, Insurer2MSP))',
      ]);
      await signUpdate(insurer2, fabric, remove);
      await signUpdate(insurer1, fabric, remove);
      await submitUpdate(association, fabric, remove);
      await leaveOrderer(clinichost, fabric, name, say);
      const four = await listConsenters(insurer1, fabric);
      expect(four.consenters.map((c) => c.id)).to.deep.equal([1, 2, 3, 4]);
      expect(
        (await readState(paths(state.topology).state))!.topology.orderers.map((o) => o.name),
      ).to.not.include(name);
      // Below four consenters SmartBFT tolerates no fault: refused before anything is written.
      try {
        await proposeRemoveConsenter(insurer2, fabric, '4', path.join(handover, 'remove-4.pb'));
        expect.fail('a removal leaving three consenters was proposed');
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('CONSENTER_CHANGE_REFUSED');
      }
      say(`${await committedNext(ids, 8)} more lists committed with four consenters again`);
    } finally {
      loading = false;
      await load;
      await rm(handover, { recursive: true, force: true });
    }
    if (loadError) throw loadError;
    const t = await tally('add and remove a consenter under load', ids);
    expect(t.sent).to.be.greaterThan(20);
    expect(t).to.deep.include({ committed: t.sent, delivered: t.sent, duplicates: 0, lost: 0 });
  });

  it("renews an insurer's orderer's signing and TLS certificates by a signed update of its consenter entry under a send load: 0 lost, 0 duplicated", async () => {
    const ids: string[] = [];
    let loading = true;
    let loadError: unknown;
    const load = (async () => {
      while (loading) {
        ids.push(await sendOne('renew'));
        await sleep(250);
      }
    })().catch((err: unknown) => (loadError = err));
    const name = 'orderer3.insurer1';
    const node = state.topology.orderers.find((o) => o.name === name)!;
    const nodeDir = paths(state.topology).node('insurer1', name);
    const serial = async (f: string) =>
      new X509Certificate(await readFile(path.join(nodeDir, f))).serialNumber;
    const before = { signing: await serial('msp/signcerts/cert.pem'), tls: await serial('tls/server.crt') };
    const association = await openOrg(dir, 'association');
    const insurer1 = await openOrg(dir, 'insurer1');
    const handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-consenters-renew-'));
    try {
      say(`${await committedNext(ids, 4)} lists committed before the renewal`);
      // Step one, in insurer1's folder: new certificates staged beside the node, the update written.
      const update = path.join(handover, 'renew-orderer3.pb');
      const proposed = await cli('node', 'renew', '--org', 'insurer1', '--node', name, '--out', update);
      expect(proposed.stdout).to.include(`update renewing consenter 3 (${name}) written to ${update}`);
      expect(proposed.stdout).to.include(
        '/Channel/Orderer/Admins (MAJORITY Admins: 2 of 3 (AssociationMSP, Insurer1MSP, Insurer2MSP))',
      );
      // The node still runs, and serves, its old certificates until the channel names the new ones.
      expect(await serial('tls/server.crt')).to.equal(before.tls);
      // Finishing before the update is submitted is refused, and nothing moves.
      try {
        await finishOrdererRenewal(insurer1, fabric, name, say, 3_000);
        expect.fail('the orderer was restarted with certificates the channel does not name');
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('NODE_NOT_READY');
      }
      expect(await serial('tls/server.crt')).to.equal(before.tls);

      // A majority of the ordering organisations signs, as for any consenter change.
      await signUpdate(insurer1, fabric, update);
      await signUpdate(association, fabric, update);
      await submitUpdate(association, fabric, update);
      const finished = await cli('node', 'renew', '--org', 'insurer1', '--node', name);
      expect(finished.stdout).to.include(`${name} renewed`);
      const after = { signing: await serial('msp/signcerts/cert.pem'), tls: await serial('tls/server.crt') };
      expect(after.signing).to.not.equal(before.signing);
      expect(after.tls).to.not.equal(before.tls);
      expect(existsSync(`${nodeDir}.renewal`) || existsSync(`${nodeDir}.previous`)).to.equal(false);

      // The channel names the new certificates (consenter entry and block validation), and the orderer serves them.
      const config = await fetchConfig(association, fabric);
      const entry = consentersOf(config).find((c) => c.id === 3)!;
      expect(new X509Certificate(Buffer.from(entry.identity, 'base64')).serialNumber).to.equal(after.signing);
      expect(new X509Certificate(Buffer.from(entry.server_tls_cert, 'base64')).serialNumber).to.equal(
        after.tls,
      );
      const validation = JSON.stringify(config.channel_group.groups?.Orderer?.policies?.BlockValidation);
      expect(validation).to.include(entry.identity);
      const served = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect(
          { host: node.host, port: node.port, rejectUnauthorized: false, servername: name },
          () => {
            resolve(socket.getPeerCertificate().serialNumber);
            socket.end();
          },
        );
        socket.on('error', reject);
      });
      expect(served.toUpperCase()).to.equal(after.tls.toUpperCase());
      const view = await listConsenters(insurer1, fabric);
      expect(view.consenters.map((c) => `${c.id}:${c.mspId}`)).to.deep.equal([
        '1:AssociationMSP',
        '2:AssociationMSP',
        '3:Insurer1MSP',
        '4:Insurer2MSP',
      ]);
      say(`${await committedNext(ids, 8)} more lists committed after the renewal`);
      // The renewed orderer takes part in ordering again: with another orderer stopped, blocks still need its
      // signature (a quorum of 3 of 4), so they commit only because it signs with its new identity.
      await stopNode(state, 'orderer4.insurer2');
      try {
        say(
          `${await committedNext(ids, 4)} lists committed with orderer4 stopped: the renewed orderer signs`,
        );
      } finally {
        await startNode(state, 'orderer4.insurer2');
      }
    } finally {
      loading = false;
      await load;
      await rm(handover, { recursive: true, force: true });
    }
    if (loadError) throw loadError;
    const t = await tally('renew an orderer under load', ids);
    expect(t.sent).to.be.greaterThan(12);
    expect(t).to.deep.include({ committed: t.sent, delivered: t.sent, duplicates: 0, lost: 0 });
  });

  it('with 2 of 4 orderers stopped nothing commits and the sends wait; when they return each is delivered exactly once', async () => {
    const insurer = net.get('insurer1');
    await insurer.node.whenIdle(300_000);
    const stopped = ['orderer2.association', 'orderer4.insurer2'];
    const ids: string[] = [];
    try {
      for (const name of stopped) await stopNode(state, name);
      const h0 = await height();
      say(`2 of 4 orderers stopped (${stopped.join(', ')}); sending 12 lists at height ${h0}`);
      for (let i = 0; i < 12; i++) ids.push(await sendOne('limit'));
      // Longer than a round of submit, commit wait and retry: still nothing may have been ordered.
      await sleep(30_000);
      expect(await height(), 'blocks ordered by 2 of 4 orderers').to.equal(h0);
      let pending = 0;
      for (const id of ids) {
        const status = (await insurer.node.getDocument(id)).record.status;
        if (status === 'PENDING') pending++;
      }
      say(`after 30 s: height ${h0}, ${pending} of ${ids.length} still in the outbox`);
      expect(pending).to.equal(ids.length);
    } finally {
      for (const name of stopped) await startNode(state, name);
    }
    say('the two orderers are back');
    const t = await tally('2 of 4 orderers down, then back', ids);
    expect(t).to.deep.equal({ sent: 12, committed: 12, delivered: 12, duplicates: 0, lost: 0 });
  });
});
