// An organisation's own Fabric CA server (decision 0044), without a Fabric network: input checked field by field
// before anything reaches the CA; with Fabric CA installed, a real server issues, signs a member's request with its
// attribute, revokes, and keeps its keys 0600.
import 'reflect-metadata';
import { expect } from 'chai';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { newKeyAndCsr } from '../../node-config/src/init.js';
import { findFabricCa, type FabricCaInstall } from '../../network/src/binaries.js';
import { createOrg } from '../../network/src/org.js';
import {
  caRunning,
  caServer,
  checkRegistration,
  commonNameOf,
  FabricCaIssuer,
  generateCrl,
  revoke,
  usesFabricCa,
} from '../../network/src/fabric-ca.js';
import { fabricCaForNewOrgs } from '../../network/src/pki.js';
import { stopAll } from '../../network/src/processes.js';
import { buildTopology, paths, type Topology } from '../../network/src/topology.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_CA_UNIT_PORT_BASE ?? 25600);

const codeAndMessage = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  return 'accepted';
};

describe('Fabric CA of an organisation', function () {
  this.timeout(180_000);

  it('refuses a malformed registration naming the field and the rule', () => {
    expect(codeAndMessage(() => checkRegistration({ name: 'a b', type: 'client' }))).to.match(
      /^CA_REQUEST_INVALID: \/name: /,
    );
    expect(codeAndMessage(() => checkRegistration({ name: 'x', type: 'boss' as never }))).to.match(
      /^CA_REQUEST_INVALID: \/type: one of client, peer, orderer, admin/,
    );
    expect(
      codeAndMessage(() =>
        checkRegistration({ name: 'x', type: 'client', attributes: { 'dmsnet.participant': 'a,b' } }),
      ),
    ).to.match(/^CA_REQUEST_INVALID: \/attributes\/dmsnet\.participant: /);
    expect(
      codeAndMessage(() =>
        checkRegistration({ name: 'x', type: 'client', attributes: { 'hf.Revoker': 'true' } }),
      ),
    ).to.match(/\/attributes\/hf\.Revoker: .*Fabric CA’s own/);
    expect(
      codeAndMessage(() => checkRegistration({ name: 'x', type: 'client', maxEnrollments: 0 })),
    ).to.match(/\/maxEnrollments: /);
    expect(codeAndMessage(() => checkRegistration({ name: '1027700132195', type: 'client' }))).to.equal(
      'accepted',
    );
  });

  it('reads the enrolment id from a node’s certificate request, and refuses what is not one', async () => {
    const { csrPem } = await newKeyAndCsr('1027700132195', 'ClinicHostMSP');
    expect(commonNameOf(csrPem)).to.equal('1027700132195');
    expect(
      codeAndMessage(() =>
        commonNameOf('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----'),
      ),
    ).to.match(/^CA_REQUEST_INVALID: \/csr: not a PEM certificate request/);
  });

  it('without Fabric CA says so in one line and keeps the in-process CA', async () => {
    const lines: string[] = [];
    const found = await findFabricCa({ PATH: '/nonexistent' });
    expect('reason' in found && found.reason).to.match(/fabric-ca-server and fabric-ca-client not found/);
    expect(await fabricCaForNewOrgs((l) => lines.push(l), { PATH: '/nonexistent' })).to.equal(undefined);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^no Fabric CA .*in-process/);
    expect(
      await fabricCaForNewOrgs((l) => lines.push(l), { ...process.env, DMSNET_FABRIC_CA: 'off' }),
    ).to.equal(undefined);
  });

  it('org create with Fabric CA: the organisation’s CA made in its folder, the MSP rooted in it, and left stopped', async function () {
    const found = await findFabricCa();
    if ('reason' in found) {
      console.log(`      skipped: ${found.reason}`);
      return this.skip();
    }
    const home = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-ca-home-'));
    try {
      const lines: string[] = [];
      const made = await createOrg({
        dir: home,
        key: 'vendor2',
        mspId: 'Vendor2MSP',
        kind: 'clinic-host',
        portBase: PORT_BASE + 300,
        progress: (l) => lines.push(l),
      });
      expect(lines[0]).to.match(/^Vendor2MSP: its own Fabric CA/);
      const t = made.topology;
      expect(usesFabricCa(t, 'vendor2')).to.equal(true);
      expect(await caRunning(t, 'vendor2'), 'org create leaves nothing running').to.equal(false);
      const root = await readFile(path.join(caServer(t, 'vendor2').home, 'ca-cert.pem'), 'utf8');
      expect(await readFile(path.join(paths(t).orgMsp('vendor2'), 'cacerts', 'ca.pem'), 'utf8')).to.equal(
        root,
      );
      const admin = new x509.X509Certificate(
        await readFile(path.join(paths(t).adminMsp('vendor2'), 'signcerts', 'cert.pem'), 'utf8'),
      );
      expect(admin.subject).to.include('OU=admin').and.include('CN=admin.vendor2');
      expect(admin.issuer).to.include('CN=ca.vendor2');
    } finally {
      await stopAll(path.join(home, 'pids'));
      await rm(home, { recursive: true, force: true });
    }
  });

  describe('a real fabric-ca-server', () => {
    let bin: FabricCaInstall;
    let t: Topology;

    before(async function () {
      const found = await findFabricCa();
      if ('reason' in found) {
        console.log(`      skipped: ${found.reason}`);
        this.skip();
      }
      bin = found.ca;
      const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-ca-unit-'));
      t = buildTopology({ dir, portBase: PORT_BASE, orgs: ['association'] });
    });

    after(async () => {
      if (!t) return;
      await stopAll(path.join(t.dir, 'pids'));
      await rm(t.dir, { recursive: true, force: true });
    });

    it('issues with attributes, signs a member’s request, revokes into its CRL; keys 0600, nothing in clear JSON', async () => {
      const ca = await FabricCaIssuer.open(t, 'association', bin, 'ca');
      expect(usesFabricCa(t, 'association')).to.equal(true);
      const s = caServer(t, 'association');
      expect(new x509.X509Certificate(ca.certificate).subject).to.include('CN=ca.association');

      const gw = await ca.issue({ commonName: 'gw1', attributes: { 'dmsnet.participant': '1027700132195' } });
      const cert = new x509.X509Certificate(gw.certificate);
      expect(cert.subject).to.match(/CN=gw1/);
      expect(cert.subject).to.match(/OU=client/);
      expect(cert.subject).to.include('O=AssociationMSP').and.not.include('Hyperledger');
      const attrs = cert.getExtension('1.2.3.4.5.6.7.8.1');
      expect(JSON.parse(Buffer.from(attrs!.value).toString()).attrs).to.deep.include({
        'dmsnet.participant': '1027700132195',
      });
      expect(gw.privateKey).to.match(/BEGIN PRIVATE KEY/);

      const { csrPem } = await newKeyAndCsr('1027700132196', 'AssociationMSP');
      const signed = new x509.X509Certificate(
        await ca.signCsr(csrPem, { attributes: { 'dmsnet.participant': '1027700132196' } }),
      );
      expect(signed.subject).to.include('CN=1027700132196');
      expect(Buffer.from(signed.publicKey.rawData)).to.deep.equal(
        Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData),
      );

      const before = new x509.X509Crl(await generateCrl(t, 'association', bin));
      expect(before.entries).to.have.length(0);
      const crl = new x509.X509Crl(
        await revoke(t, 'association', bin, { name: 'gw1', reason: 'keycompromise' }),
      );
      expect(crl.entries.map((e) => e.serialNumber.toLowerCase())).to.deep.equal([
        cert.serialNumber.toLowerCase(),
      ]);
      expect(await crl.verify({ publicKey: new x509.X509Certificate(ca.certificate).publicKey })).to.equal(
        true,
      );
      await revoke(t, 'association', bin, { name: 'no such one' }).then(
        () => expect.fail('a malformed name is refused'),
        (err: Error) => expect(err.message).to.match(/^\/name: /),
      );

      const keys: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else if (e.name.endsWith('_sk')) keys.push(p);
        }
      };
      await walk(paths(t).org('association'));
      expect(keys.length).to.be.at.least(4); // both CAs, the server's TLS key, both registrars
      for (const k of keys) expect(statSync(k).mode & 0o777, k).to.equal(0o600);
      expect(statSync(s.home).mode & 0o777).to.equal(0o700);
    });
  });
});
