// A 100 MiB medical-documentation answer over a real Fabric network (decision record 0058): the clinic's gateway takes
// the upload as a multipart stream, seals the file as it arrives, and sends it through the insurer organisation's
// implicit private data collection in 1 MiB pieces before the document; the insurer's gateway fetches the pieces,
// checks them against the envelope's chain, opens the file through the inspector, and serves it for download equal to
// the bytes sent (SHA-256). Prints the upload, transfer and download times and the processes' peak RSS gain.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { messageIdOf } from '@dmsnet/formats';
import { sampleDocumentationAnswer } from '@dmsnet/formats/attachments/sample-files';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import type { RunningServer } from '../../gateway/src/api/server.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { findFabric } from '../../network/src/binaries.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { consoleProgress } from '../../network/src/progress.js';
import type { NetworkState } from '../../network/src/state.js';
import { networkUp } from '../../network/src/up.js';
import { writeLargePdf } from '../../bench/documentation.bench.js';

const PORT_BASE = Number(process.env.DMSNET_TEST_DOCUMENTATION_PORT_BASE ?? 27000);
const MiB = 1024 * 1024;
const FILE_BYTES = Number(process.env.DMSNET_TEST_DOCUMENTATION_MIB ?? 100) * MiB;

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

/** POSTs the multipart upload as a stream: the document part, then the file read from disk, never whole in memory. */
function uploadStream(
  url: string,
  token: string,
  document: unknown,
  file: string,
): Promise<{ status: number; body: string }> {
  const boundary = `dmsnet${Date.now().toString(36)}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v1/medical-documentation`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="document.json"\r\n` +
        `Content-Type: application/json\r\n\r\n${JSON.stringify(document)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const rs = createReadStream(file);
    rs.on('error', reject);
    rs.pipe(req, { end: false });
    rs.on('end', () => req.end(`\r\n--${boundary}--\r\n`));
  });
}

describe('a 100 MiB documentation answer over real Fabric', function () {
  this.timeout(3_600_000);
  let dir: string;
  let nodesDir: string;
  let state: NetworkState;
  let net: LocalNetwork | undefined;
  const servers: RunningServer[] = [];

  before(async () => {
    await findFabric();
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-docs-'));
    nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-docs-nodes-'));
    state = await networkUp({ dir, portBase: PORT_BASE, progress: consoleProgress() });
    net = await startLocalNetwork({
      dir: nodesDir,
      participants: PARTICIPANTS,
      provider: await fabricProvider(state),
      workflows: false,
    });
  });
  after(async () => {
    for (const s of servers) await s.close();
    await net?.close();
    await closeCryptoWorkers();
    if (dir) await networkDown({ dir });
    if (nodesDir) await rm(nodesDir, { recursive: true, force: true });
  });

  it('delivers the answer to the insurer only with its file, which downloads equal (SHA-256)', async () => {
    const clinic = net!.get('clinic1');
    const insurer = net!.get('insurer1');
    const file = path.join(nodesDir, 'scan.pdf');
    const { size, sha256 } = await writeLargePdf(file, FILE_BYTES);
    const clinicApi = await startNodeApi(clinic, { port: 0, token: 't-clinic' });
    const insurerApi = await startNodeApi(insurer, { port: 0, token: 't-insurer' });
    servers.push(clinicApi, insurerApi);
    const document = sampleDocumentationAnswer({
      documentId: 'DOCS-FABRIC-1',
      sender: clinic.party,
      addressee: insurer.party,
      pdf: { size, sha256 },
      fileName: 'scan.pdf',
      kind: 'imaging',
      title: 'Снимки',
    });
    const rss = { clinic: process.memoryUsage().rss, peak: process.memoryUsage().rss };
    const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, process.memoryUsage().rss)), 20);
    const t0 = Date.now();
    const up = await uploadStream(clinicApi.url, 't-clinic', document, file);
    expect(up.status, up.body).to.equal(202);
    const t1 = Date.now();
    const id = messageIdOf(clinic.id, 'DOCS-FABRIC-1');
    let last = '';
    for (;;) {
      const rec = (await clinic.node.recordOf(id)) as {
        status: string;
        files?: Array<{ sent: number; chunks: number }>;
      };
      const now = `${rec.status} ${rec.files?.[0]?.sent}/${rec.files?.[0]?.chunks}`;
      if (now !== last) process.stdout.write(`      outbox ${now}\n`);
      last = now;
      if (
        rec.status === 'DELIVERED' ||
        rec.status === 'ACCEPTED' ||
        rec.status === 'REJECTED' ||
        rec.status === 'FAILED'
      ) {
        expect(rec.status).to.equal('DELIVERED');
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const t2 = Date.now();
    const res = await fetch(`${insurerApi.url}/v1/documents/${encodeURIComponent(id)}/attachments/0`, {
      headers: { Authorization: 'Bearer t-insurer' },
    });
    expect(res.status).to.equal(200);
    const h = createHash('sha256');
    let got = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      h.update(chunk);
      got += chunk.length;
    }
    clearInterval(sampler);
    const t3 = Date.now();
    expect(got).to.equal(size);
    expect(h.digest('hex')).to.equal(sha256);
    process.stdout.write(
      `      ${JSON.stringify({
        fileMiB: +(size / MiB).toFixed(1),
        uploadS: (t1 - t0) / 1000,
        transferS: (t2 - t1) / 1000,
        downloadS: (t3 - t2) / 1000,
        // Both gateways and the test run in this one process: the gain covers the sender and the addressee together.
        rssGainMiB: +((rss.peak - rss.clinic) / MiB).toFixed(1),
      })}\n`,
    );
  });
});
