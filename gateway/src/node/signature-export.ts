// A GOST-signed document as files any e-document tool (CryptoPro, Diadoc, СБИС, `openssl cms`) checks: the exact
// signed bytes, the detached `.sig` beside them (the name those tools expect), and the signer's certificate chain.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toPem } from '@dmsnet/gost';
import type { SignatureExport } from './types.js';

export interface ExportedFiles {
  document: string;
  signature: string;
  chain: string;
  signerCertificate: string;
}

/** The JSON form of an export (REST): byte fields in base64, the chain as PEM certificates, signer first. */
export interface SignatureExportJson {
  messageId: string;
  profile: 'gost2012-256';
  canonical: string;
  signature: string;
  chain: string[];
}

export function exportToJson(x: SignatureExport): SignatureExportJson {
  return {
    messageId: x.messageId,
    profile: x.profile,
    canonical: Buffer.from(x.canonical).toString('base64'),
    signature: Buffer.from(x.signature).toString('base64'),
    chain: x.chain.map((c) => toPem(c)),
  };
}

export function exportFromJson(j: SignatureExportJson): SignatureExport {
  const der = (pem: string) =>
    new Uint8Array(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64'));
  return {
    messageId: j.messageId,
    profile: j.profile,
    canonical: new Uint8Array(Buffer.from(j.canonical, 'base64')),
    signature: new Uint8Array(Buffer.from(j.signature, 'base64')),
    chain: j.chain.map(der),
  };
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

/** Writes `<id>.json`, `<id>.json.sig`, `<id>.chain.pem` and `<id>.signer.cer` (DER) into `dir`. */
export async function writeSignatureExport(x: SignatureExport, dir: string): Promise<ExportedFiles> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, safe(x.messageId));
  const files: ExportedFiles = {
    document: `${base}.json`,
    signature: `${base}.json.sig`,
    chain: `${base}.chain.pem`,
    signerCertificate: `${base}.signer.cer`,
  };
  await writeFile(files.document, x.canonical);
  await writeFile(files.signature, x.signature);
  await writeFile(files.chain, x.chain.map((c) => toPem(c)).join(''));
  await writeFile(files.signerCertificate, x.chain[0] ?? new Uint8Array());
  return files;
}
