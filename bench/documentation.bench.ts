// A 100 MiB medical-documentation answer uploaded over HTTP into the gateway's receiving pipeline (inspector +
// libsodium secretstream into a sealed file): the peak resident memory the receiving process gains over its baseline,
// against the file's size. Goal (issue 25): under 3× the file; streaming keeps it to a few chunks. The client runs
// in a child process, so its buffers are not counted.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateParticipantKeys, sodium } from '../gateway/src/crypto/index.js';
import { sealAttachmentToFile } from '../gateway/src/workflows/documentation-files.js';
import { result, type Bench } from './types.js';
import { messageIdOf } from '@dmsnet/formats';
import { sampleDocumentationAnswer } from '@dmsnet/formats/attachments/sample-files';
import { startNodeApi } from '../gateway/src/api/node-api.js';
import { startLocalNetwork, type ParticipantSpec } from '../sandbox/src/local-network/network.js';
import { fabricProvider } from '../sandbox/src/local-network/fabric-provider.js';
import { networkUp } from '../network/src/up.js';
import { networkDown } from '../network/src/down.js';
import { findFabric } from '../network/src/binaries.js';

/** The client of the two-gateway bench, run as a child: a multipart upload streamed from the file on disk. */
const UPLOAD_CHILD = `
const fs = require('fs'), http = require('http');
const [url, token, docFile, file] = process.argv.slice(1);
const b = 'dmsnetbench' + Date.now().toString(36);
const req = http.request(url + '/v1/medical-documentation', { method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'multipart/form-data; boundary=' + b } }, (res) => {
  let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => { if (res.statusCode !== 202) { process.stderr.write(body); process.exit(1); } process.exit(0); });
});
req.write('--' + b + '\\r\\nContent-Disposition: form-data; name="document"\\r\\nContent-Type: application/json\\r\\n\\r\\n' + fs.readFileSync(docFile, 'utf8') + '\\r\\n--' + b + '\\r\\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\\r\\nContent-Type: application/pdf\\r\\n\\r\\n');
const rs = fs.createReadStream(file); rs.pipe(req, { end: false }); rs.on('end', () => req.end('\\r\\n--' + b + '--\\r\\n'));
`;

const MiB = 1024 * 1024;

/** Writes a PDF of `bytes` bytes (two pages and one large image-like stream) a MiB at a time; answers its SHA-256. */
export async function writeLargePdf(file: string, bytes: number): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  let size = 0;
  const put = async (b: Buffer) => {
    hash.update(b);
    size += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const tailText =
    '\nendstream\nendobj\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n' +
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n';
  const head = Buffer.from(
    '%PDF-1.4\n5 0 obj\n<< /Type /XObject /Subtype /Image /Length 0 >>\nstream\n',
    'latin1',
  );
  const tail = Buffer.from(tailText, 'latin1');
  await put(head);
  let left = bytes - head.length - tail.length;
  let x = 0x2545f491;
  const block = Buffer.alloc(MiB);
  while (left > 0) {
    // xorshift bytes, like compressed scan data; never the letters of "endstream".
    for (let i = 0; i < block.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block.writeInt32LE(x | 0x80808080, i);
    }
    const n = Math.min(left, block.length);
    await put(Buffer.from(block.subarray(0, n)));
    left -= n;
  }
  await put(tail);
  out.end();
  await once(out, 'close');
  return { size, sha256: hash.digest('hex') };
}

export const benches: Bench[] = [
  {
    name: 'documentation: 100 MiB answer uploaded and sealed, gateway memory',
    async run({ progress, flags }) {
      const bytes = (flags.has('--quick') ? 20 : 100) * MiB;
      const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-docs-bench-'));
      try {
        const file = path.join(dir, 'scan.pdf');
        progress(
          `documentation: writing a ${bytes / MiB} MiB PDF (in a child process, so its buffers are not counted)`,
        );
        const { size, sha256 } = await writeLargePdfInChild(file, bytes);
        const libsodium = await sodium();
        const recipient = await generateParticipantKeys();
        let outcome: unknown;
        const server = http.createServer((req, res) => {
          sealAttachmentToFile({
            libsodium,
            source: req,
            declared: { mediaType: 'application/pdf', size, sha256, pages: 2 },
            pointer: '/body/attachments/0',
            recipientBoxPublicKey: recipient.boxPublicKey,
            file: path.join(dir, 'sealed'),
          }).then(
            (r) => {
              outcome = r;
              res.writeHead(r.errors.length === 0 ? 201 : 422, { 'content-type': 'application/json' });
              res.end(JSON.stringify(r));
            },
            (e: unknown) => {
              outcome = e;
              res.writeHead(500);
              res.end(String(e));
            },
          );
        });
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        const port = (server.address() as AddressInfo).port;
        (globalThis as { gc?: () => void }).gc?.();
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().rss);
        }, 5);
        progress(`documentation: uploading over HTTP to 127.0.0.1:${port}`);
        const started = Date.now();
        const client = spawn(
          process.execPath,
          [
            '-e',
            `const fs=require('fs'),http=require('http');const r=http.request({port:${port},method:'POST',host:'127.0.0.1',headers:{'content-type':'application/pdf','content-length':${size}}},(res)=>{res.resume();res.on('end',()=>process.exit(res.statusCode===201?0:1))});fs.createReadStream(${JSON.stringify(file)}).pipe(r);`,
          ],
          { stdio: 'inherit' },
        );
        const [code] = (await once(client, 'exit')) as [number];
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        server.close();
        const seconds = (Date.now() - started) / 1000;
        if (code !== 0) throw new Error(`the upload was refused: ${JSON.stringify(outcome)}`);
        const sealed = await stat(path.join(dir, 'sealed'));
        progress(
          `documentation: sealed ${sealed.size} bytes in ${seconds.toFixed(1)} s; RSS ${(baseline / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB`,
        );
        return [
          result(
            'documentation: gateway memory gained for a 100 MiB answer (MiB)',
            (peak - baseline) / MiB,
            'MiB',
            'the file',
            size / MiB,
            'under 3× the file (ratio < 3)',
          ),
          result(
            'documentation: upload + inspect + seal throughput',
            size / MiB / seconds,
            'MiB/s',
            'none (1 MiB/s)',
            1,
          ),
        ];
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'documentation: 100 MiB answer through two gateways and the ledger, gateway memory',
    async run({ progress, flags }) {
      const bytes = (flags.has('--quick') ? 20 : 100) * MiB;
      const onFabric = flags.has('--fabric');
      const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-docs-bench2-'));
      const fabricDir = onFabric
        ? await mkdtemp(path.join(tmpdir(), 'dmsnet-docs-bench2-fabric-'))
        : undefined;
      try {
        const file = path.join(dir, 'scan.pdf');
        const { size, sha256 } = await writeLargePdfInChild(file, bytes);
        const participants: ParticipantSpec[] = [
          { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
          { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
          {
            key: 'clinic1',
            role: 'clinic',
            name: 'ООО «Клиника Один»',
            mspId: 'ClinicHostMSP',
            viaAttribute: true,
          },
        ];
        let provider;
        if (fabricDir) {
          await findFabric();
          progress('documentation: bringing a native Fabric network up');
          const state = await networkUp({
            dir: fabricDir,
            portBase: Number(process.env.DMSNET_BENCH_DOCUMENTATION_PORT_BASE ?? 27500),
            progress: (m) => progress(`documentation: ${m}`),
          });
          provider = await fabricProvider(state);
        }
        const net = await startLocalNetwork({
          dir: path.join(dir, 'nodes'),
          participants,
          workflows: false,
          ...(provider ? { provider } : {}),
        });
        const clinic = net.get('clinic1');
        const insurer = net.get('insurer1');
        const api = await startNodeApi(clinic, { port: 0, token: 't-bench' });
        const docFile = path.join(dir, 'document.json');
        const { writeFile } = await import('node:fs/promises');
        await writeFile(
          docFile,
          JSON.stringify(
            sampleDocumentationAnswer({
              documentId: 'DOCS-BENCH-1',
              sender: clinic.party,
              addressee: insurer.party,
              pdf: { size, sha256 },
              fileName: 'scan.pdf',
              kind: 'imaging',
              title: 'Снимки',
            }),
          ),
        );
        (globalThis as { gc?: () => void }).gc?.();
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
        const started = Date.now();
        progress(
          `documentation: uploading ${size / MiB} MiB to the clinic's gateway (multipart, from a child process)`,
        );
        const client = spawn(process.execPath, ['-e', UPLOAD_CHILD, api.url, 't-bench', docFile, file], {
          stdio: 'inherit',
        });
        const [code] = (await once(client, 'exit')) as [number];
        if (code !== 0) throw new Error('the upload was refused');
        const id = messageIdOf(clinic.id, 'DOCS-BENCH-1');
        let shown = '';
        for (;;) {
          const rec = (await clinic.node.recordOf(id)) as {
            status: string;
            files?: Array<{ sent: number; chunks: number }>;
          };
          const f = rec.files?.[0];
          const line = `${rec.status} ${f?.sent ?? 0}/${f?.chunks ?? 0} pieces`;
          if (line !== shown) progress(`documentation: ${line}`);
          shown = line;
          if (rec.status === 'FAILED' || rec.status === 'REJECTED')
            throw new Error(`the answer ended ${rec.status}`);
          if (rec.status === 'DELIVERED' || rec.status === 'ACCEPTED') break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const delivered = (Date.now() - started) / 1000;
        const opened = await insurer.node.attachment(id, 0);
        const h = createHash('sha256');
        for await (const c of opened.chunks) h.update(c);
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        if (h.digest('hex') !== sha256)
          throw new Error('the file opened at the insurer differs from the one sent');
        progress(
          `documentation: delivered in ${delivered.toFixed(1)} s on the ${onFabric ? 'Fabric' : 'embedded'} ledger; opened equal; RSS ${(baseline / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB (both gateways in this process)`,
        );
        await api.close();
        await net.close();
        const where = onFabric ? 'Fabric' : 'embedded ledger';
        return [
          result(
            `documentation: both gateways' memory gained for a ${size / MiB} MiB answer sent through the ${where} (MiB)`,
            (peak - baseline) / MiB,
            'MiB',
            'the file',
            size / MiB,
            'under 3× the file (ratio < 3)',
          ),
          result(
            `documentation: upload → pieces through the ${where} → delivered, throughput`,
            size / MiB / delivered,
            'MiB/s',
            'none (1 MiB/s)',
            1,
          ),
        ];
      } finally {
        if (fabricDir) {
          await networkDown({ dir: fabricDir });
          await rm(fabricDir, { recursive: true, force: true });
        }
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];

/** writeLargePdf in a child process, so its buffers are not counted in this process's memory. */
async function writeLargePdfInChild(file: string, bytes: number): Promise<{ size: number; sha256: string }> {
  const writer = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(import.meta.url)}); process.stdout.write(JSON.stringify(await m.writeLargePdf(${JSON.stringify(file)}, ${bytes})));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let written = '';
  writer.stdout.on('data', (d: Buffer) => (written += d.toString('utf8')));
  const [wrote] = (await once(writer, 'exit')) as [number];
  if (wrote !== 0) throw new Error('writing the test PDF failed');
  return JSON.parse(written) as { size: number; sha256: string };
}
