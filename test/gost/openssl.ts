// OpenSSL with Debian's GOST engine: the independent implementation the GOST tests check dmsnet against. A missing
// engine fails the tests (never skips them): the checks are the reason the in-process implementation is trusted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ENGINE_MISSING =
  "OpenSSL's GOST engine is missing: run `apt-get install -y libengine-gost-openssl` " +
  '(.ci/run installs it; a developer machine needs it once)';

let checked = false;

export function requireGostEngine(): void {
  if (checked) return;
  let out = '';
  try {
    out = execFileSync('openssl', ['engine', 'gost', '-c'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    throw new Error(ENGINE_MISSING);
  }
  if (!out.includes('gost2012_256') || !out.includes('md_gost12_256')) throw new Error(ENGINE_MISSING);
  checked = true;
}

export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `openssl …` with the GOST engine checked first; a non-zero exit is a result (refusals are what some tests want). */
export function openssl(args: string[], input?: Uint8Array): OpensslResult {
  requireGostEngine();
  const r = spawnSync('openssl', args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `openssl cms -verify` of a detached DER signature over a content file against a CA file, with the GOST engine;
 * `purpose: 'any'` unless told otherwise, `cades` to check the CAdES-BES attributes too.
 */
export function opensslVerifyCms(o: {
  signature: string;
  content: string;
  caFile: string;
  cades?: boolean;
  anyPurpose?: boolean;
}): OpensslResult {
  return openssl([
    'cms',
    '-verify',
    '-engine',
    'gost',
    '-binary',
    '-inform',
    'DER',
    ...(o.cades ? ['-cades'] : []),
    ...(o.anyPurpose === false ? [] : ['-purpose', 'any']),
    '-in',
    o.signature,
    '-content',
    o.content,
    '-CAfile',
    o.caFile,
    '-out',
    '/dev/null',
  ]);
}

export function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'dmsnet-gost-'));
}

export function writeIn(dir: string, name: string, content: Uint8Array | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}
