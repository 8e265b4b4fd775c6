// `node dist/fuzz/seeds.js`: writes each target's seed corpus (fuzz/corpus/<target>/seed-*) from the project's own
// samples and examples, plus certificates, signatures and envelopes made here. Run once when a target changes; the
// seeds are committed, so a checkout fuzzes (and the regression test replays) without running this.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from '@dmsnet/formats/paths';
import { DOCUMENT_TYPES, type InvoiceBody, type PartyRef } from '@dmsnet/formats/types';
import { generateDocument } from '@dmsnet/formats';
import { exportKnd1110388 } from '../gateway/src/adapters/knd1110388/export.js';
import { zipEntries, readEntry } from '@dmsnet/tables/zip';
import {
  generateGostKeyPair,
  issueCertificate,
  privateKeyPkcs8Pem,
  signCms,
  toPem,
  derOf,
} from '@dmsnet/gost';

function write(target: string, name: string, data: Uint8Array | string): void {
  const dir = repoPath('fuzz', 'corpus', target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `seed-${name}`), data);
}
const withByte = (b: number, data: Uint8Array | string): Uint8Array =>
  Buffer.concat([Buffer.from([b]), Buffer.from(data)]);

const samples = repoPath('gateway', 'mappings', 'samples');
const xlsxFiles = readdirSync(samples).filter((f) => f.endsWith('.xlsx'));
const csvFiles = readdirSync(samples).filter((f) => f.endsWith('.csv'));

for (const f of xlsxFiles) {
  const bytes = readFileSync(path.join(samples, f));
  write('zip', f, bytes);
  write('table', f, withByte(0, bytes));
  const entries = zipEntries(bytes);
  const part = (name: string): Uint8Array => {
    const e = entries.get(name);
    return e ? readEntry(bytes, e) : new Uint8Array();
  };
  const parts = [
    'xl/worksheets/sheet1.xml',
    'xl/sharedStrings.xml',
    'xl/styles.xml',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
  ].map(part);
  write('xlsx', f, Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from([0]), p] : [p]))));
  write('xml-scan', `${f}-sheet1.xml`, parts[0]!);
  write('xml-scan', `${f}-styles.xml`, parts[2]!);
}
csvFiles.forEach((f, i) => write('table', f, withByte(i, readFileSync(path.join(samples, f)))));
for (const f of readdirSync(repoPath('gateway', 'mappings')).filter((f) => f.endsWith('.yaml')))
  write('mapping', f, readFileSync(repoPath('gateway', 'mappings', f)));

const examples = repoPath('formats', 'examples', 'valid');
for (const f of readdirSync(examples)) {
  const text = readFileSync(path.join(examples, f), 'utf8');
  const doc = JSON.parse(text) as { header: { type: string } };
  write('documents', f, withByte(DOCUMENT_TYPES.indexOf(doc.header.type as never), text));
  write('canonical', f, text);
  write('envelope', `${f}-signed`, withByte(3, JSON.stringify(doc)));
}
write('canonical', 'index-keys.json', '{"10":1,"2":[{"b":-0,"a":1e21,"0":"é"}],"__proto__":{"x":5e-324}}');

// GOST: a root, a signer it issued, a detached CMS signature carrying both, and the signer's key as PKCS#8.
const root = generateGostKeyPair();
const signerKey = generateGostKeyPair();
const year = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
const rootCert = issueCertificate({
  subject: 'CN=Fuzz root',
  publicKey: root.publicKey,
  issuerPrivateKey: root.privateKey,
  ca: true,
  ...year,
});
const signer = issueCertificate({
  subject: 'CN=Fuzz signer, O=dmsnet',
  publicKey: signerKey.publicKey,
  issuer: rootCert,
  issuerPrivateKey: root.privateKey,
  ca: false,
  ...year,
});
const cms = signCms({
  content: Buffer.from('{"header":{},"body":{}}'),
  certificate: signer,
  privateKey: signerKey.privateKey,
  chain: [rootCert],
});
write('der-cms', 'cert-walk', withByte(0, signer.der));
write('der-cms', 'cert', withByte(1, signer.der));
write('der-cms', 'cms-walk', withByte(0, cms));
write('der-cms', 'cms', withByte(2, cms));
write('der-cms', 'pkcs8', withByte(3, derOf(privateKeyPkcs8Pem(signerKey.privateKey))));
write('der-cms', 'pem', withByte(4, toPem(rootCert.der)));
write('envelope', 'cms', withByte(4, cms));
write(
  'envelope',
  'payload',
  withByte(2, '{"v":1,"signer":{"participant":"1","keyVersion":1},"signature":"","document":"{}"}'),
);
write('envelope', 'raw', withByte(0, new Uint8Array(80)));

write(
  'api-request',
  'list',
  withByte(0, '{"params":{},"query":{"limit":"10","cursor":"abc"},"headers":{},"body":null}'),
);
write(
  'api-request',
  'body',
  withByte(1, '{"params":{"id":"x"},"query":{},"headers":{"idempotency-key":"k"},"body":{"a":[1,"b"]}}'),
);
write(
  'xml-scan',
  'entities',
  '<?xml version="1.0"?><!-- c --><a x="1&amp;2" y=\'&#x41;\'><c r="A1" t="s"><v>0</v></c><![CDATA[z]]><t>a&lt;b\r\n</t><e/></a>',
);

// КНД 1110388 registers as dmsnet exports them (windows-1251), one with characters windows-1251 lacks.
for (const [name, seed, rows] of [
  ['invoice-1', 3, 1],
  ['invoice-3', 8, 3],
] as const) {
  const doc = generateDocument('invoice', { seed, rows });
  const party = (p: PartyRef) => ({ ogrn: p.ogrn, inn: p.inn ?? '', name: p.name ?? '', kpp: p.kpp });
  if (name === 'invoice-3') (doc.body as InvoiceBody).lines[0]!.serviceName = 'Приём «А&B» Ōsaka';
  write(
    'knd1110388',
    name,
    exportKnd1110388(
      doc,
      { sender: party(doc.header.sender), addressee: party(doc.header.addressee) },
      { now: new Date('2026-12-02T10:00:00Z'), guid: '0f3c2a9e-5b7d-4c1e-9a2b-3c4d5e6f7a8b' },
    ).bytes,
  );
}
