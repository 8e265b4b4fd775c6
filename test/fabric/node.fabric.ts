// `dmsnet-node init --ledger fabric` + `start`, end to end: the operator's CA signs the node's CSR, the association
// registers the participant, and the started gateway sends a document over the real Fabric network.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createRng, generateDocument, generateInn10, generateOgrn } from '@dmsnet/formats';
import { closeCryptoWorkers, loadKeyFile, publicKeysBase64, sodium } from '../../gateway/src/crypto/index.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider, orgCa, peerTlsRoot } from '../../sandbox/src/local-network/fabric-provider.js';
import type { NetworkState } from '../../network/src/state.js';
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { checkNode, connectFabricAs, startNode } from '../../node-config/src/node.js';
import { renewalDir, renewCertificate, requestRenewal } from '../../node-config/src/renew-cert.js';
import { certificateFingerprint } from '@dmsnet/chaincode/identity';
import { findFabric } from '../../network/src/binaries.js';
import { adminEnv } from '../../network/src/nodes.js';
import { paths } from '../../network/src/topology.js';
import { startFabric } from './backend.js';

const exec = promisify(execFile);

describe('dmsnet-node on a real Fabric network', function () {
  this.timeout(600_000);
  let dir: string;
  let state: NetworkState;
  let netDir: string;
  let nodeDir: string;
  let net: LocalNetwork;

  before(async () => {
    ({ dir, state } = await startFabric('node'));
    netDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-node-net-'));
    nodeDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-node-'));
    net = await startLocalNetwork({
      dir: netDir,
      provider: await fabricProvider(state),
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        { key: 'clinic', role: 'clinic', name: 'ООО «Клиника»', mspId: 'ClinicHostMSP', viaAttribute: true },
      ],
    });
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    for (const d of [netDir, nodeDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('packages the chaincode so that Fabric computes the very package id the network runs', async () => {
    const fabric = await findFabric();
    for (const peer of state.topology.peers) {
      const file = path.join(paths(state.topology).chaincode, `dmsnet.${peer.org}.tgz`);
      const { stdout } = await exec(fabric.bin.peer, ['lifecycle', 'chaincode', 'calculatepackageid', file], {
        env: adminEnv(state.topology, fabric, peer),
      });
      expect(stdout.trim()).to.equal(state.packageIds[peer.org]);
    }
  });

  it('init --ledger fabric, the CA signs the CSR, the association registers it, start sends a document', async () => {
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    const peer = state.topology.peers.find((p) => p.mspId === 'Insurer1MSP')!;
    const ogrn = generateOgrn(createRng(777));
    await initNode({
      dir: nodeDir,
      role: 'insurer',
      ogrn,
      name: 'АО «СК Узел»',
      ledger: 'fabric',
      mspId: 'Insurer1MSP',
      peerEndpoint: `${peer.host}:${peer.port}`,
      port: 0,
      passphrase: 'pw',
      kdf,
    });
    // Before the CA has signed: start says exactly what is missing.
    await writeFile(path.join(nodeDir, 'tls', 'ca.crt'), await peerTlsRoot(state, 'Insurer1MSP'));
    try {
      await startNode(nodeDir, { passphrase: 'pw' });
      expect.fail('start should refuse without a certificate');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('FABRIC_IDENTITY_MISSING');
    }
    // The organisation's CA signs the node's CSR; the peer's TLS name goes into the config.
    const csr = await readFile(path.join(nodeDir, 'msp', 'csr.pem'), 'utf8');
    const cert = await (await orgCa(state, 'Insurer1MSP')).signCsr(csr);
    await writeFile(path.join(nodeDir, 'msp', 'signcerts', 'cert.pem'), cert);
    const configPath = path.join(nodeDir, CONFIG_FILE);
    const config = parse(await readFile(configPath, 'utf8')) as {
      ledger: { fabric: Record<string, unknown> };
    };
    config.ledger.fabric.peerHostAlias = peer.name;
    await writeFile(configPath, stringify(config));
    // check proves what start needs: a refused MSP id and a TLS root that does not verify the peer are each named
    // at the setting to change; an identity the directory does not know yet is a note, not a failure.
    const configText = await readFile(configPath, 'utf8');
    const tlsRoot = await readFile(path.join(nodeDir, 'tls', 'ca.crt'), 'utf8');
    for (const mspId of ['NoSuchMSP', 'ClinicHostMSP']) {
      await writeFile(configPath, configText.replace('mspId: Insurer1MSP', `mspId: ${mspId}`));
      const wrongMsp = await checkNode(nodeDir);
      expect(wrongMsp.ok, mspId).to.equal(false);
      expect(
        wrongMsp.errors.map((e) => [e.pointer, e.code]),
        JSON.stringify(wrongMsp.errors),
      ).to.deep.equal([['/ledger/fabric/mspId', 'LEDGER_ACCESS_DENIED']]);
    }
    await writeFile(configPath, configText);
    const otherRoot = await peerTlsRoot(state, 'ClinicHostMSP');
    expect(otherRoot).to.not.equal(tlsRoot);
    await writeFile(path.join(nodeDir, 'tls', 'ca.crt'), otherRoot);
    const staleTls = await checkNode(nodeDir);
    expect(
      staleTls.errors.map((e) => [e.pointer, e.code]),
      JSON.stringify(staleTls.errors),
    ).to.deep.equal([['/ledger/fabric/tls/caCert', 'TLS_UNTRUSTED']]);
    await writeFile(path.join(nodeDir, 'tls', 'ca.crt'), tlsRoot);
    const unregistered = await checkNode(nodeDir);
    expect(unregistered.ok, JSON.stringify(unregistered.errors)).to.equal(true);
    expect(unregistered.notes?.join(' ')).to.contain('no entry for this certificate');
    // The association registers the new participant with its certificate and public keys.
    const keys = await loadKeyFile(path.join(nodeDir, 'secrets', 'participant-keys.json'), 'pw');
    await net.get('association').ledger.submit('directory:register', [
      JSON.stringify({
        id: ogrn,
        role: 'insurer',
        name: 'АО «СК Узел»',
        // The header's ИНН below must be the directory's (a mismatch is PARTY_MISMATCH).
        inn: generateInn10(createRng(778)),
        identities: [{ mspId: 'Insurer1MSP', kind: 'certificate', certificate: cert }],
        keys: publicKeysBase64(keys),
      }),
    ]);

    const registered = await checkNode(nodeDir);
    expect(registered.ok, JSON.stringify(registered.errors)).to.equal(true);
    expect(registered.ledger).to.contain(`acts for ${ogrn}`);
    const running = await startNode(nodeDir, { passphrase: 'pw' });
    try {
      expect((await fetch(`${running.url}/v1/health`)).status).to.equal(200);
      const clinic = net.get('clinic');
      const doc = generateDocument('insured-list', {
        seed: 88,
        rows: 2,
        sender: { ogrn, inn: generateInn10(createRng(778)), name: 'АО «СК Узел»' },
        addressee: clinic.party,
      });
      const res = await fetch(`${running.url}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      expect(res.status, await res.clone().text()).to.equal(202);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const got = await clinic.node.getDocument(doc.header.documentId).catch(() => undefined);
        if (got) break;
        if (Date.now() > deadline) throw new Error('the clinic never received the document');
        await new Promise((r) => setTimeout(r, 200));
      }
      const env = JSON.parse(
        Buffer.from(
          await clinic.ledger.evaluate('exchange:get', [`${ogrn}:${doc.header.documentId}`]),
        ).toString(),
      ) as { sender: string; collection: string };
      expect(env.sender).to.equal(ogrn);
      expect(env.collection).to.equal('_implicit_org_ClinicHostMSP');
    } finally {
      await running.close();
    }

    // The node's certificate renewed before it expires: a CSR for the organisation's CA, the renewed certificate
    // added by the current one on the real channel, proven, the current one retired; the node then sends again.
    const oldCert = await readFile(path.join(nodeDir, 'msp', 'signcerts', 'cert.pem'), 'utf8');
    const renewCsr = await readFile(await requestRenewal(nodeDir), 'utf8');
    await writeFile(
      path.join(renewalDir(nodeDir), 'cert.pem'),
      await (await orgCa(state, 'Insurer1MSP')).signCsr(renewCsr),
    );
    const renewed = await renewCertificate(nodeDir);
    expect(renewed.retired).to.equal(certificateFingerprint(oldCert));
    const afterRenewal = await checkNode(nodeDir);
    expect(afterRenewal.ok, JSON.stringify(afterRenewal.errors)).to.equal(true);
    expect(afterRenewal.ledger).to.contain(`acts for ${ogrn}`);
    const oldIdentity = await connectFabricAs(nodeDir, parse(await readFile(configPath, 'utf8')) as never, {
      certificate: oldCert,
      privateKey: await readFile(
        path.join(
          nodeDir,
          'msp',
          'retired',
          (await readdir(path.join(nodeDir, 'msp', 'retired')))[0]!,
          'key.pem',
        ),
        'utf8',
      ),
    });
    try {
      const refused = await oldIdentity.evaluate('directory:whoAmI', []).then(
        () => 'acts',
        (e: { code?: string }) => e.code,
      );
      expect(refused, 'the retired certificate still acts').to.equal('IDENTITY_UNKNOWN');
    } finally {
      await oldIdentity.close();
    }
    const again = await startNode(nodeDir, { passphrase: 'pw' });
    try {
      const doc = generateDocument('insured-list', {
        seed: 89,
        rows: 1,
        sender: { ogrn, inn: generateInn10(createRng(778)), name: 'АО «СК Узел»' },
        addressee: net.get('clinic').party,
      });
      const res = await fetch(`${again.url}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${again.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      expect(res.status, await res.clone().text()).to.equal(202);
      const deadline = Date.now() + 60_000;
      while (
        !(await net
          .get('clinic')
          .node.getDocument(doc.header.documentId)
          .catch(() => undefined))
      ) {
        if (Date.now() > deadline)
          throw new Error('the clinic never received the document sent after renewal');
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await again.close();
    }
  });
});
