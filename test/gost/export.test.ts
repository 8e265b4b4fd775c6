// Export for e-document tools: GET /v1/documents/{id}/signature (application/pkcs7-signature) and
// `dmsnet-node export ID --dir D`, each checked with OpenSSL's GOST engine over real HTTP.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { generateDocument, type DocumentType } from '@dmsnet/formats';
import { sodium } from '../../gateway/src/crypto/index.js';
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { startTestNetwork, type TestNetwork } from '../gateway/fixtures/network.js';
import { GOST_SPECS } from './exchange-suite.js';
import { openssl, opensslVerifyCms, requireGostEngine, scratchDir, writeIn } from './openssl.js';

const exec = promisify(execFile);

describe('GOST signature export (REST and dmsnet-node export)', function () {
  this.timeout(120_000);
  let t: TestNetwork;
  let scratch: string;
  let invoiceId: string;
  let listId: string;

  const doc = (type: DocumentType, seed: number, from: string, to: string) => {
    const d = generateDocument(type, {
      seed,
      sender: t.net.get(from).party,
      addressee: t.net.get(to).party,
    }) as unknown as { header: Record<string, unknown> };
    d.header.documentId = `${type}-export-${seed}`;
    return d;
  };
  const opensslVerify = (sig: Uint8Array, content: Uint8Array, ca: string) =>
    opensslVerifyCms({
      signature: writeIn(scratch, `v-${Math.random()}.sig`, sig),
      content: writeIn(scratch, `v-${Math.random()}.bin`, content),
      caFile: ca,
      cades: true,
    });

  before(async () => {
    requireGostEngine();
    scratch = scratchDir();
    t = await startTestNetwork(GOST_SPECS);
    for (const [from, to, d] of [
      ['clinic', 'insurer', doc('invoice', 1, 'clinic', 'insurer')],
      ['insurer', 'clinic', doc('insured-list', 2, 'insurer', 'clinic')],
    ] as const) {
      const r = await t.client(from).call('POST', '/v1/documents', d);
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      await t.client(to).waitFor(`/v1/documents/${String(d.header.documentId)}`, (s) => s === 200);
    }
    invoiceId = 'invoice-export-1';
    listId = 'insured-list-export-2';
  });
  after(async () => t?.close());

  it('GET /v1/documents/{id}/signature answers the .sig that OpenSSL verifies, at the addressee and the sender', async () => {
    for (const who of ['insurer', 'clinic']) {
      const s = t.servers.get(who)!;
      const res = await fetch(`${s.url}/v1/documents/${invoiceId}/signature`, {
        headers: { Authorization: `Bearer token-${who}` },
      });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/pkcs7-signature/);
      expect(res.headers.get('content-disposition')).to.include(`${invoiceId}.sig`);
      const sig = new Uint8Array(await res.arrayBuffer());
      const x = await t
        .client(who)
        .call<{ canonical: string; chain: string[] }>('GET', `/v1/documents/${invoiceId}/signature/export`);
      expect(x.status).to.equal(200);
      const ca = writeIn(scratch, `${who}-chain.pem`, x.body.chain.join(''));
      const r = opensslVerify(sig, Buffer.from(x.body.canonical, 'base64'), ca);
      expect(r.status, r.stderr).to.equal(0);
    }
  });

  it('answers 409 NO_CMS_SIGNATURE for an Ed25519-signed document, 404 for an unknown one, 401 without a token', async () => {
    const ed = await t.client('clinic').call<{ code: string }>('GET', `/v1/documents/${listId}/signature`);
    expect(ed.status).to.equal(409);
    expect(ed.body.code).to.equal('NO_CMS_SIGNATURE');
    const none = await t.client('insurer').call<{ code: string }>('GET', '/v1/documents/nope-1/signature');
    expect(none.status).to.equal(404);
    const anon = await fetch(`${t.servers.get('insurer')!.url}/v1/documents/${invoiceId}/signature`);
    expect(anon.status).to.equal(401);
  });

  it('dmsnet-node export writes the canonical bytes, the .sig and the chain, which OpenSSL verifies', async () => {
    // A node directory whose config names the insurer's running gateway (its port and token).
    const libsodium = await sodium();
    const nodeDir = path.join(scratch, 'insurer-node');
    await initNode({
      dir: nodeDir,
      role: 'insurer',
      ogrn: t.net.get('insurer').id,
      name: 'АО «СК ГОСТ»',
      port: 0,
      passphrase: 'pw',
      kdf: {
        opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      },
    });
    const configFile = path.join(nodeDir, CONFIG_FILE);
    const config = parse(await readFile(configFile, 'utf8')) as { api: { port: number; tokenFile: string } };
    config.api.port = Number(new URL(t.servers.get('insurer')!.url).port);
    await writeFile(configFile, stringify(config));
    await writeFile(path.join(nodeDir, config.api.tokenFile), 'token-insurer\n');

    const cli = path.join(PACKAGE_ROOT, 'dist', 'node-config', 'src', 'cli.js');
    const out = path.join(scratch, 'exported');
    const { stdout } = await exec(process.execPath, [
      cli,
      'export',
      invoiceId,
      '--dir',
      out,
      '--node',
      nodeDir,
    ]);
    const files = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')),
    ) as Record<string, string>;
    // Named by the ledger id (sender and document id), which no other document here shares.
    expect(files.signature).to.equal(path.join(out, `${t.net.get('clinic').id}_${invoiceId}.json.sig`));
    const canonical = await readFile(files.document);
    expect(JSON.parse(canonical.toString('utf8')).header.documentId).to.equal(invoiceId);
    const r = opensslVerifyCms({
      signature: files.signature,
      content: files.document,
      caFile: files.chain,
      cades: true,
    });
    expect(r.status, r.stderr).to.equal(0);
    const x509 = openssl([
      'x509',
      '-engine',
      'gost',
      '-inform',
      'DER',
      '-in',
      files.signerCertificate,
      '-noout',
      '-subject',
      '-nameopt',
      'utf8,sep_comma_plus',
    ]);
    expect(x509.stdout).to.include('Клиника ГОСТ');

    for (const [id, code] of [
      [listId, 'NO_CMS_SIGNATURE'],
      ['bad id!', 'ID_INVALID'],
    ]) {
      const refused = await exec(process.execPath, [cli, 'export', id, '--dir', out, '--node', nodeDir]).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(refused?.code, id).to.equal(1);
      expect(refused?.stderr).to.match(new RegExp(`^${code}: `));
    }
  });
});
