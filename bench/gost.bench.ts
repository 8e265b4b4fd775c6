// GOST R 34.10-2012 CMS signing and verification of a 2 KB document in process, beside OpenSSL's GOST engine doing
// the same CMS operations on the same bytes, key and certificates in the same run, two ways: in one process
// (bench/native/openssl-gost-cms.c, built here when a C compiler and OpenSSL's headers are installed: the engine's own
// speed) and as `openssl cms`, one process per document (how scripts and e-document tools call it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { generateDocument } from '@dmsnet/formats';
import {
  generateGostKeyPair,
  issueCertificate,
  privateKeyPkcs8Pem,
  signCms,
  toPem,
  verifyCms,
} from '@dmsnet/gost';
import { result, type Bench, type BenchResult } from './types.js';

const DAY = 86_400_000;

function rate(fn: () => unknown, minMs: number, minRuns: number): number {
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return runs / ((performance.now() - start) / 1000);
}

function opensslRate(args: string[], minMs: number, minRuns: number): number {
  return rate(
    () => {
      const r = spawnSync('openssl', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    },
    minMs,
    minRuns,
  );
}

/** Builds and runs the C baseline; undefined (and says why) where no compiler or OpenSSL headers are installed. */
function nativeBaseline(
  dir: string,
  files: string[],
  seconds: number,
  progress: (m: string) => void,
): { sign: number; verify: number } | undefined {
  const source = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'bench',
    'native',
    'openssl-gost-cms.c',
  );
  const exe = path.join(dir, 'openssl-gost-cms');
  const cc = spawnSync('cc', ['-O2', '-o', exe, source, '-lcrypto'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    progress(
      'gost: no in-process OpenSSL baseline (needs a C compiler and libssl-dev): ' +
        (cc.error?.message ?? cc.stderr).slice(0, 200),
    );
    return undefined;
  }
  const run = spawnSync(exe, [...files, String(seconds)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the OpenSSL baseline failed: ${run.stderr}`);
  const [sign, verify] = run.stdout.trim().split(' ').map(Number);
  return { sign, verify };
}

async function measure(progress: (m: string) => void): Promise<BenchResult[]> {
  const probe = spawnSync('openssl', ['engine', 'gost', '-c'], { encoding: 'utf8' });
  if (probe.status !== 0 || !probe.stdout.includes('gost2012_256')) {
    throw new Error("OpenSSL's GOST engine is missing: apt-get install -y libengine-gost-openssl");
  }
  const now = Date.now();
  const rootKey = generateGostKeyPair();
  const root = issueCertificate({
    subject: 'CN=bench root',
    publicKey: rootKey.publicKey,
    issuerPrivateKey: rootKey.privateKey,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    ca: true,
  });
  const key = generateGostKeyPair();
  const cert = issueCertificate({
    subject: 'CN=bench clinic',
    publicKey: key.publicKey,
    issuer: root,
    issuerPrivateKey: rootKey.privateKey,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    ca: false,
  });
  // A guarantee letter's canonical text, cut or padded to exactly 2 KB.
  const text = canonicalJson(generateDocument('guarantee-letter', { seed: 11 }));
  const content = Buffer.alloc(2048, 0x20);
  Buffer.from(text, 'utf8').copy(content, 0, 0, 2048);
  progress(`gost: ${content.length}-byte document`);

  const dir = mkdtempSync(path.join(tmpdir(), 'dmsnet-bench-gost-'));
  try {
    const f = (name: string, data: string | Uint8Array) => {
      const file = path.join(dir, name);
      writeFileSync(file, data);
      return file;
    };
    const doc = f('doc.bin', content);
    const certPem = f('cert.pem', toPem(cert.der));
    const keyPem = f('key.pem', privateKeyPkcs8Pem(key.privateKey));
    const rootPem = f('root.pem', toPem(root.der));
    const signature = signCms({ content, certificate: cert, privateKey: key.privateKey });
    const sigFile = f('doc.sig', signature);
    const minMs = 3000;
    const minRuns = 20;

    const sign = rate(
      () => signCms({ content, certificate: cert, privateKey: key.privateKey }),
      minMs,
      minRuns,
    );
    // As a gateway verifies what a participant sent: against the certificate the directory registers for it.
    const verify = rate(
      () => verifyCms({ signature, content, trustedRoots: [root], registered: [cert.fingerprint] }),
      minMs,
      minRuns,
    );
    const common = ['-engine', 'gost', '-binary'];
    const osSign = opensslRate(
      [
        'cms',
        '-sign',
        ...common,
        '-cades',
        '-md',
        'md_gost12_256',
        '-outform',
        'DER',
        '-in',
        doc,
        '-signer',
        certPem,
        '-inkey',
        keyPem,
        '-out',
        path.join(dir, 'o.sig'),
      ],
      minMs,
      minRuns,
    );
    const osVerify = opensslRate(
      [
        'cms',
        '-verify',
        ...common,
        '-cades',
        '-purpose',
        'any',
        '-inform',
        'DER',
        '-in',
        sigFile,
        '-content',
        doc,
        '-CAfile',
        rootPem,
        '-out',
        path.join(dir, 'o.bin'),
      ],
      minMs,
      minRuns,
    );
    const start = opensslRate(['version'], 1000, 10);
    progress(`gost: an openssl process alone (no work) starts ${start.toFixed(0)} times/s`);
    const baseline = 'openssl cms -engine gost, a process per document';
    const results = [
      result('GOST CMS sign, 2 KB (CAdES-BES)', sign, 'docs/s', baseline, osSign, 'ratio ≥ 0.3'),
      result('GOST CMS verify + chain, 2 KB', verify, 'docs/s', baseline, osVerify, 'ratio ≥ 0.3'),
    ];
    const native = nativeBaseline(dir, [certPem, keyPem, rootPem, doc], minMs / 1000, progress);
    if (native) {
      const inProcess = 'OpenSSL GOST engine in one process (C)';
      results.push(
        result('GOST CMS sign, 2 KB (CAdES-BES)', sign, 'docs/s', inProcess, native.sign, 'ratio ≥ 0.3'),
        result('GOST CMS verify + chain, 2 KB', verify, 'docs/s', inProcess, native.verify, 'ratio ≥ 0.3'),
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benches: Bench[] = [{ name: 'gost', run: ({ progress }) => measure(progress) }];
