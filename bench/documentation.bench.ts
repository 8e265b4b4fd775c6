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
        const { size, sha256 } = JSON.parse(written) as { size: number; sha256: string };
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
];
