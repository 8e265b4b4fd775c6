// Registering and changing a signature profile through the node's API, and putting a GOST key made by OpenSSL into
// a node's key file with `dmsnet-node gost-key`.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateDocument } from '@dmsnet/formats';
import { loadKeyFile, sodium } from '../../gateway/src/crypto/index.js';
import { gostPublicKeyOf, issueCertificate, privateKeyFromPkcs8, toPem } from '@dmsnet/gost';
import { initNode } from '../../node-config/src/init.js';
import { importGostKey } from '../../node-config/src/gost-key.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { startTestNetwork, type TestNetwork } from '../gateway/fixtures/network.js';
import { GOST_SPECS } from './exchange-suite.js';
import { openssl, requireGostEngine, scratchDir, writeIn } from './openssl.js';
import { DAY, testCa } from './pki.js';

const exec = promisify(execFile);

describe('signature profiles: PUT /v1/signature-profile and dmsnet-node gost-key', function () {
  this.timeout(120_000);
  let t: TestNetwork;
  let scratch: string;

  before(async () => {
    requireGostEngine();
    scratch = scratchDir();
    t = await startTestNetwork(GOST_SPECS);
  });
  after(async () => t?.close());

  it('switches a participant between ed25519 and gost2012-256; each change is in its trail and is honoured on receipt', async () => {
    const clinic = t.client('clinic');
    const insurer = t.client('insurer');
    const send = async (seed: number) => {
      const d = generateDocument('invoice', {
        seed,
        sender: t.net.get('clinic').party,
        addressee: t.net.get('insurer').party,
      }) as unknown as { header: Record<string, unknown> };
      const id = `invoice-profile-${seed}`;
      d.header.documentId = id;
      expect((await clinic.call('POST', '/v1/documents', d)).status).to.equal(202);
      const got = await insurer.waitFor<{ record: { status: string } }>(
        `/v1/documents/${id}`,
        (s) => s === 200,
      );
      expect(got.record.status).to.equal('RECEIVED');
      return id;
    };
    const trail = async () =>
      (
        (await t.net.get('clinic').node.directory.participant(t.net.get('clinic').id)).signatureTrail ?? []
      ).map((x) => x.profile);

    const ed = await clinic.call<{ profile: string }>('PUT', '/v1/signature-profile', { profile: 'ed25519' });
    expect(ed.status, JSON.stringify(ed.body)).to.equal(200);
    expect(await trail()).to.deep.equal(['gost2012-256', 'ed25519']);
    const edId = await send(1);
    expect(
      (await insurer.call<{ code: string }>('GET', `/v1/documents/${edId}/signature`)).body.code,
    ).to.equal('NO_CMS_SIGNATURE');

    const gost = await clinic.call<{ profile: string }>('PUT', '/v1/signature-profile', {
      profile: 'gost2012-256',
    });
    expect(gost.status).to.equal(200);
    expect(await trail()).to.deep.equal(['gost2012-256', 'ed25519', 'gost2012-256']);
    const gostId = await send(2);
    const sig = await fetch(`${t.servers.get('insurer')!.url}/v1/documents/${gostId}/signature`, {
      headers: { Authorization: 'Bearer token-insurer' },
    });
    expect(sig.status).to.equal(200);
    expect(sig.headers.get('content-type')).to.match(/^application\/pkcs7-signature/);

    const noKey = await insurer.call<{ code: string }>('PUT', '/v1/signature-profile', {
      profile: 'gost2012-256',
    });
    expect(noKey.status).to.equal(409);
    expect(noKey.body.code).to.equal('SIGNER_UNAVAILABLE');
    const bad = await clinic.call<{ errors: Array<{ pointer: string }> }>('PUT', '/v1/signature-profile', {
      profile: 'rsa',
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/body/profile');
  });

  it('dmsnet-node gost-key stores a key OpenSSL generated with its certificate; a certificate of another key is refused', async () => {
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    const nodeDir = path.join(scratch, 'node');
    await initNode({
      dir: nodeDir,
      role: 'clinic',
      ogrn: t.net.get('clinic').id,
      name: 'ООО «Клиника»',
      port: 0,
      passphrase: 'pw',
      kdf,
    });
    const keyFile = path.join(scratch, 'openssl.key');
    const gen = openssl([
      'genpkey',
      '-engine',
      'gost',
      '-algorithm',
      'gost2012_256',
      '-pkeyopt',
      'paramset:A',
      '-out',
      keyFile,
    ]);
    expect(gen.status, gen.stderr).to.equal(0);
    const { readFileSync } = await import('node:fs');
    const privateKey = privateKeyFromPkcs8(readFileSync(keyFile, 'utf8'));
    const ca = testCa('gost-key root');
    const cert = issueCertificate({
      subject: 'CN=Clinic from OpenSSL',
      publicKey: gostPublicKeyOf(privateKey),
      issuer: ca.cert,
      issuerPrivateKey: ca.key.privateKey,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
      ca: false,
    });
    // OpenSSL agrees that this certificate is the key's: it signs with the key and verifies with the certificate.
    const certFile = writeIn(scratch, 'clinic.pem', toPem(cert.der));
    const check = openssl(['x509', '-engine', 'gost', '-in', certFile, '-noout', '-pubkey']);
    const fromKey = openssl(['pkey', '-engine', 'gost', '-in', keyFile, '-pubout']);
    expect(check.stdout).to.equal(fromKey.stdout);

    const cli = path.join(PACKAGE_ROOT, 'dist', 'node-config', 'src', 'cli.js');
    const { stdout } = await exec(
      process.execPath,
      [cli, 'gost-key', nodeDir, '--key', keyFile, '--cert', certFile],
      { env: { ...process.env, DMSNET_PASSPHRASE: 'pw' } },
    );
    expect(stdout).to.include('GOST key stored: CN=Clinic from OpenSSL');
    const keys = await loadKeyFile(path.join(nodeDir, 'secrets', 'participant-keys.json'), 'pw');
    expect(Buffer.from(keys.gost!.privateKey).equals(Buffer.from(privateKey))).to.be.true;

    const other = writeIn(scratch, 'other.pem', toPem(testCa('someone else').cert.der));
    try {
      await importGostKey({ node: nodeDir, key: keyFile, cert: other, passphrase: 'pw', kdf });
      expect.fail('expected GOST_KEY_INVALID');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('GOST_KEY_INVALID');
    }
  });
});
