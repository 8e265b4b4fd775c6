// КНД 1110388 over HTTP between real nodes (embedded ledger, real HTTP): the clinic sends an invoice, both sides
// download its register as the ФНС format (from the published description, not the official XSD: decision record
// 0061), the insurer reads the file back into the same invoice; every JSON answer is checked against the OpenAPI
// contract (checkResponse), and hostile files are refused with typed codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import iconv from 'iconv-lite';
import { generateDocument, repoPath, type DmsDocument, type InvoiceBody } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

describe('КНД 1110388 over HTTP (real nodes, embedded ledger)', function () {
  this.timeout(120_000);
  let t: TestNetwork;
  let doc: DmsDocument;
  let xml: Buffer;
  const tmp = mkdtempSync(path.join(tmpdir(), 'dmsnet-knd-http-'));

  before(async () => {
    t = await startTestNetwork();
    const clinic = t.net.get('clinic').party;
    const insurer = t.net.get('insurer').party;
    doc = generateDocument('invoice', { seed: 31, rows: 4, sender: clinic, addressee: insurer });
    doc.header.documentId = 'INV-KND-1';
    const sent = await t.client('clinic').call('POST', '/v1/documents', doc);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    await t.client('insurer').waitFor('/v1/documents/INV-KND-1', (s) => s === 200);
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
    rmSync(tmp, { recursive: true, force: true });
  });

  const get = (who: string, p: string) =>
    fetch(`${t.servers.get(who)!.url}${p}`, { headers: { Authorization: `Bearer token-${who}` } });

  it('both sides download the register: windows-1251, the ФНС file name, ИНН of both parties from the directory', async () => {
    for (const who of ['clinic', 'insurer']) {
      const r = await get(who, '/v1/documents/INV-KND-1/knd1110388.xml');
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.equal('application/xml; charset=windows-1251');
      const name = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? '';
      expect(name).to.match(
        new RegExp(
          `^ON_REESTRUSLDMS_${doc.header.addressee.ogrn}_${doc.header.sender.ogrn}_\\d{8}_[0-9a-f-]{36}\\.xml$`,
        ),
      );
      xml = Buffer.from(await r.arrayBuffer());
      const text = iconv.decode(xml, 'win1251');
      expect(text).to.contain('encoding="windows-1251"').and.contain('not the official XSD');
      for (const p of [t.net.get('clinic').party, t.net.get('insurer').party])
        expect(text).to.contain(`ИННЮЛ="${p.inn}"`);
      const file = path.join(tmp, `${who}.xml`);
      writeFileSync(file, xml);
      const lint = spawnSync(
        'xmllint',
        ['--noout', '--schema', repoPath('formats', 'knd', 'knd1110388-structural.xsd'), file],
        { encoding: 'utf8' },
      );
      expect(lint.status, lint.stderr).to.equal(0);
    }
  });

  it('the insurer imports the file into the same invoice, validated, nothing sent', async () => {
    const r = await t
      .client('insurer')
      .call<{ document: DmsDocument; errors: Json[]; notCarried: string[] }>(
        'POST',
        '/v1/imports/knd1110388',
        {
          content: xml.toString('base64'),
        },
      );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.errors).to.deep.equal([]);
    const b = r.body.document.body as InvoiceBody;
    const want = doc.body as InvoiceBody;
    expect(b.total).to.equal(want.total);
    expect(b.lines.map((l) => [l.rowId, l.serviceCode, l.amount, l.patient.policyNumber])).to.deep.equal(
      want.lines.map((l) => [l.rowId, l.serviceCode, l.amount, l.patient.policyNumber]),
    );
    expect(r.body.document.header.sender.ogrn).to.equal(doc.header.sender.ogrn);
    expect(r.body.notCarried).to.include('/body/lines/*/guaranteeLetter');
    // A total that does not add up is read; the validator's error names its place in the file too.
    const off = iconv.encode(
      iconv
        .decode(xml, 'win1251')
        .replace(/СтоимИт="(\d+)\./, (_m, rub: string) => `СтоимИт="${Number(rub) + 1}.`),
      'win1251',
    );
    const r2 = await t
      .client('insurer')
      .call<{ errors: Json[] }>('POST', '/v1/imports/knd1110388', { content: off.toString('base64') });
    expect(r2.status).to.equal(200);
    expect(r2.body.errors).to.deep.include({
      ...r2.body.errors.find((e) => e.code === 'TOTAL_MISMATCH'),
      element: '/Файл/Документ/СодРеестрУсл/ВсегоОпл/@СтоимИт',
    });
  });

  it('refuses an XXE file, a wrong КНД, a non-invoice export and a missing file, with typed codes', async () => {
    const xxe = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE Файл [<!ENTITY x SYSTEM "file:///etc/passwd">]><Файл ИдФайл="&x;"/>',
    );
    const r1 = await t
      .client('insurer')
      .call<Json & { errors: Json[] }>('POST', '/v1/imports/knd1110388', { content: xxe.toString('base64') });
    expect(r1.status).to.equal(422);
    expect(r1.body).to.include({ code: 'KND_XML_REFUSED' });
    expect(r1.body.errors[0]).to.include({ code: 'XML_DOCTYPE' });
    const wrong = iconv.encode(
      iconv.decode(xml, 'win1251').replace('КНД="1110388"', 'КНД="1110389"'),
      'win1251',
    );
    const r2 = await t.client('insurer').call<Json & { errors: Json[] }>('POST', '/v1/imports/knd1110388', {
      content: wrong.toString('base64'),
    });
    expect(r2.status).to.equal(422);
    expect(r2.body.errors[0]).to.include({ pointer: '/Файл/Документ/@КНД', code: 'KND_FORM' });
    const r3 = await t.client('insurer').call<Json>('POST', '/v1/imports/knd1110388', {});
    expect(r3.status).to.equal(400);
    const letter = generateDocument('guarantee-letter', {
      seed: 4,
      sender: t.net.get('insurer').party,
      addressee: t.net.get('clinic').party,
    });
    letter.header.documentId = 'GL-KND-1';
    expect((await t.client('insurer').call('POST', '/v1/documents', letter)).status).to.equal(202);
    const r4 = await get('insurer', '/v1/documents/GL-KND-1/knd1110388.xml');
    expect(r4.status).to.equal(422);
    expect(((await r4.json()) as Json).code).to.equal('KND_EXPORT_REFUSED');
  });
});
