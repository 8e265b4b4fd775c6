// Each organisation's own Fabric CA on a real network (decision 0044): the CA keys in Fabric CA's keystore, not in a
// JSON file; a clinic's gateway identity enrolled with its participant attribute sends a document; the operator's
// `ca register` / `ca enroll` sign a member's certificate request; `ca revoke` puts the CRL into the organisation's MSP
// by a config update and the peers refuse the revoked identity's next submit.
import 'reflect-metadata';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { newKeyAndCsr } from '../../node-config/src/init.js';
import { fabricUnavailableReason, findFabricCa } from '../../network/src/binaries.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { caServer } from '../../network/src/fabric-ca.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { isAlive, readPid } from '../../network/src/processes.js';
import { consoleProgress } from '../../network/src/progress.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
} from '../../sandbox/src/local-network/network.js';

const run = promisify(execFile);
/** Its own default, apart from the other Fabric suites', so it can run beside them. */
const PORT_BASE = Number(process.env.DMSNET_TEST_CA_PORT_BASE ?? 25000);
const CLI = path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js');
const ATTRIBUTE_OID = '1.2.3.4.5.6.7.8.1';

/** Fabric CA's attribute extension of a certificate, as the chaincode's ClientIdentity reads it. */
function attributesOf(pem: string): Record<string, string> {
  const ext = new x509.X509Certificate(pem).getExtension(ATTRIBUTE_OID);
  if (!ext) return {};
  return (JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs: Record<string, string> }).attrs;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

describe('each organisation’s own Fabric CA: enrolment with attributes, a member’s CSR signed, revocation the peers honour', function () {
  this.timeout(900_000);
  let dir: string;
  let nodesDir: string;
  let state: NetworkState;
  let net: LocalNetwork | undefined;
  let clinic: LocalParticipant;
  let insurer: LocalParticipant;

  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, '--dir', dir, ...args], { maxBuffer: 16 * 1024 * 1024 }).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`exit ${e.code}: ${e.stdout ?? ''}${e.stderr ?? ''}`);
      },
    );

  before(async function () {
    const missing =
      (await fabricUnavailableReason()) ??
      (await findFabricCa().then((f) => ('reason' in f ? f.reason : undefined)));
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-ca-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-ca-nodes-'));
    state = await networkUp({
      dir,
      portBase: PORT_BASE,
      orgs: ['association', 'insurer1', 'clinichost'],
      progress: consoleProgress(),
    });
  });

  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    for (const d of [dir, nodesDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('runs a CA server per organisation, its keys in Fabric CA’s keystore (0600), none in a JSON file', async () => {
    const t = state.topology;
    for (const org of t.orgs) {
      const s = caServer(t, org.key);
      const pid = await readPid(paths(t).pid(`ca.${org.key}`));
      expect(pid && isAlive(pid), `${org.key}'s CA server runs`).to.equal(true);
      // The channel MSP's root is the organisation's Fabric CA, and the TLS root its TLS CA.
      expect(await readFile(path.join(paths(t).orgMsp(org.key), 'cacerts', 'ca.pem'), 'utf8')).to.equal(
        await readFile(path.join(s.home, 'ca-cert.pem'), 'utf8'),
      );
      expect(await readFile(path.join(paths(t).orgMsp(org.key), 'tlscacerts', 'tlsca.pem'), 'utf8')).to.equal(
        await readFile(path.join(s.home, 'tlsca', 'ca-cert.pem'), 'utf8'),
      );
      expect(existsSync(path.join(paths(t).ca(org.key), 'ca.json')), 'no in-process CA file').to.equal(false);
      const keys = (await files(s.home)).filter((f) => f.endsWith('_sk'));
      // The signing CA's and the TLS CA's keys (and the server's TLS key).
      expect(keys.length, keys.join(', ')).to.be.at.least(2);
      for (const k of keys) expect(statSync(k).mode & 0o777, k).to.equal(0o600);
      expect(statSync(s.home).mode & 0o777).to.equal(0o700);
    }
    // No private key in clear anywhere in a JSON file of the network's folder.
    for (const f of (await files(dir)).filter((x) => x.endsWith('.json')))
      expect(await readFile(f, 'utf8'), f).to.not.include('PRIVATE KEY');
  });

  it('a clinic gateway enrolled with its participant attribute sends a document', async () => {
    net = await startLocalNetwork({
      dir: nodesDir,
      participants: [
        { key: 'association', role: 'association', name: 'Ассоциация (тест)', mspId: 'AssociationMSP' },
        { key: 'insurer1', role: 'insurer', name: 'АО «СК Тест»', mspId: 'Insurer1MSP' },
        {
          key: 'clinic1',
          role: 'clinic',
          name: 'ООО «Клиника Тест»',
          mspId: 'ClinicHostMSP',
          viaAttribute: true,
        },
      ],
      workflows: false,
      provider: await fabricProvider(state),
      progress: consoleProgress(),
    });
    clinic = net.get('clinic1');
    insurer = net.get('insurer1');
    expect(attributesOf(clinic.identity.certificate)).to.deep.include({ 'dmsnet.participant': clinic.id });
    expect(new x509.X509Certificate(clinic.identity.certificate).issuer).to.include('CN=ca.clinichost');
    const doc = generateDocument('price-list', { seed: 7, sender: clinic.party, addressee: insurer.party });
    const sent = await clinic.node.send(doc);
    for (let i = 0; i < 120; i++) {
      const inbox = await insurer.node.listInbox({ limit: 50 });
      if (inbox.items.some((m) => m.messageId === sent.messageId)) return;
      await sleep(500);
    }
    expect.fail(`the insurer never received ${sent.messageId}`);
  });

  it('ca register and ca enroll sign a member’s certificate request with the participant attribute; bad input names the field', async () => {
    const ogrn = '1027700132195';
    const { csrPem } = await newKeyAndCsr(ogrn, 'ClinicHostMSP');
    const csr = path.join(nodesDir, 'member.csr');
    await writeFile(csr, csrPem);
    const bad = await cli(
      'ca',
      'register',
      '--org',
      'clinichost',
      '--name',
      ogrn,
      '--participant',
      '12',
    ).catch((e: Error) => e.message);
    expect(bad).to.match(/CA_REQUEST_INVALID: \/participant: an ОГРН/);
    const reg = await cli('ca', 'register', '--org', 'clinichost', '--name', ogrn, '--participant', ogrn);
    const secret = /enrolment secret: (\S+)/.exec(reg)?.[1];
    expect(secret, reg).to.be.a('string');
    const wrong = await cli(
      'ca',
      'enroll',
      '--org',
      'clinichost',
      '--name',
      ogrn,
      '--secret',
      'not-the-secret',
      '--csr',
      csr,
      '--out',
      path.join(nodesDir, 'x.pem'),
    ).catch((e: Error) => e.message);
    expect(wrong).to.match(/FABRIC_CA_COMMAND_FAILED: ca\.clinichost refused to sign/);
    const out = path.join(nodesDir, 'member.pem');
    await cli(
      'ca',
      'enroll',
      '--org',
      'clinichost',
      '--name',
      ogrn,
      '--secret',
      secret as string,
      '--csr',
      csr,
      '--out',
      out,
    );
    const cert = await readFile(out, 'utf8');
    expect(attributesOf(cert)).to.deep.include({ 'dmsnet.participant': ogrn });
    const c = new x509.X509Certificate(cert);
    expect(c.subject).to.include(`CN=${ogrn}`);
    // The member's key signed the request: the certificate carries that very public key.
    const req = new x509.Pkcs10CertificateRequest(csrPem);
    expect(Buffer.from(c.publicKey.rawData).equals(Buffer.from(req.publicKey.rawData))).to.equal(true);
    // The secret is spent: a second enrolment with it is refused.
    const again = await cli(
      'ca',
      'enroll',
      '--org',
      'clinichost',
      '--name',
      ogrn,
      '--secret',
      secret as string,
      '--csr',
      csr,
      '--out',
      path.join(nodesDir, 'y.pem'),
    ).catch((e: Error) => e.message);
    expect(again).to.match(/refused to sign/);
  });

  it('ca revoke puts the CRL into the clinic host’s MSP by a config update; the peers refuse the clinic’s next submit', async () => {
    const name = 'clinic1.clinichostmsp';
    expect(new x509.X509Certificate(clinic.identity.certificate).subject).to.include(`CN=${name}`);
    const out = await cli('ca', 'revoke', '--org', 'clinichost', '--name', name, '--reason', 'keycompromise');
    expect(out).to.include(`revoked ${name}`);
    expect(out).to.match(/CRL in ClinicHostMSP's MSP on channel 'dmsnet'/);
    const crl = new x509.X509Crl(
      await readFile(path.join(paths(state.topology).orgMsp('clinichost'), 'crls', 'crl.pem'), 'utf8'),
    );
    const serial = new x509.X509Certificate(clinic.identity.certificate).serialNumber;
    expect(crl.entries.map((e) => e.serialNumber.toLowerCase())).to.include(serial.toLowerCase());

    // The clinic's gateway sends again: the peers refuse its identity at the first proposal (reading the
    // directory), so the send is refused to the caller at once, with the code and the hint; nothing is queued.
    const doc = generateDocument('price-list', { seed: 8, sender: clinic.party, addressee: insurer.party });
    const refusal = await clinic.node.send(doc).then(
      () => expect.fail('a revoked identity’s send must be refused'),
      (err: { code?: string; message: string }) => err,
    );
    console.log(`      refused: ${refusal.message.slice(0, 400)}`);
    expect(refusal.code).to.equal('LEDGER_ACCESS_DENIED');
    expect(refusal.message).to.match(/access denied: channel \[dmsnet\] creator org \[ClinicHostMSP\]/);
    expect(refusal.message).to.include('not on its revocation list');
    expect((await clinic.node.listOutbox({ limit: 50 })).items).to.have.length(1);
    // A submit as such (endorse, then order) is refused by the peers the same way.
    const submit = await clinic.ledger.submit('exchange:acknowledge', ['nothing']).then(
      () => expect.fail('a revoked identity’s submit must be refused'),
      (err: { code?: string }) => err,
    );
    expect(submit.code).to.equal('LEDGER_ACCESS_DENIED');

    // Revocation is of that certificate only: the insurer still sends to the clinic host's organisation.
    const list = generateDocument('insured-list', {
      seed: 9,
      rows: 1,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const ok = await insurer.node.send(list);
    for (let i = 0; i < 120; i++) {
      const r = (await insurer.node.listOutbox({ limit: 50 })).items.find(
        (x) => x.messageId === ok.messageId,
      );
      if (r && r.status !== 'PENDING') return expect(r.status).to.not.equal('FAILED');
      await sleep(500);
    }
    expect.fail('the insurer’s send did not leave its outbox');
  });
});
