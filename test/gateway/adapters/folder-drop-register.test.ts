// The clinic's invoice register sample through the folder drop, as through the console: once only the console's
// preview filled the patients' birth dates and sex from the roster, and the same file dropped into in/ failed with
// 24 SCHEMA_REQUIRED errors. A real embedded network with the edge workflows: the insurer's attach list applied to the
// clinic's roster first, then the register dropped at the clinic goes to the payer its title names.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { convertFile, detectEncoding, FolderDrop } from '../../../gateway/src/adapters/index.js';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startLocalNetwork, type LocalNetwork } from '../../../sandbox/src/local-network/network.js';
import { mapping, sample } from './helpers.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('adapters: the invoice register sample through the folder drop, completed from the roster', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-drop-register-'));
    net = await startLocalNetwork({
      dir: path.join(dir, 'net'),
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        // The names the sample files use: «Плательщик: АО «СОГАЗ»», «…к ООО «Клиника Здоровье»».
        { key: 'insurer', role: 'insurer', name: 'АО «СОГАЗ»', mspId: 'InsurerMSP' },
        { key: 'other', role: 'insurer', name: 'АО «СК «Северная»', mspId: 'OtherMSP' },
        {
          key: 'clinic',
          role: 'clinic',
          name: 'ООО «Клиника Здоровье»',
          mspId: 'HostMSP',
          viaAttribute: true,
        },
      ],
    });
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the register to the payer the file names, with birth dates, sex and contract from the roster', async () => {
    const insurer = net.get('insurer');
    const clinic = net.get('clinic');
    // The insurer's attach list, converted as its console would (the clinic from the title), applied by the clinic.
    const list = await convertFile(insurer.node, {
      bytes: sample('insured-list-attach.csv'),
      mapping: mapping('insurer-insured-list-attach.csv'),
      fields: { listNumber: '12-ДМС/2026-П', listDate: '15.11.2026' },
    });
    expect(list.errors).to.deep.equal([]);
    expect(list.addressee).to.deep.equal({ ogrn: clinic.id, name: 'ООО «Клиника Здоровье»', source: 'file' });
    const sent = await insurer.node.send(list.document);
    await until('the list accepted', async () => {
      const v = await insurer.node.getDocument(sent.messageId).catch(() => undefined);
      return v?.status === 'ACCEPTED' ? v : undefined;
    });

    // The insurer's own folder drop writes received invoices in its system's format.
    const insurerDrop = new FolderDrop({
      root: path.join(dir, 'insurer'),
      node: insurer.node,
      routes: [],
      outMappings: { invoice: mapping('clinic-invoice-register.csv') },
      scanIntervalMs: 200,
    });
    const clinicDrop = new FolderDrop({
      root: path.join(dir, 'clinic'),
      node: clinic.node,
      routes: [{ match: /реестр|register/i, mapping: mapping('clinic-invoice-register.csv') }],
      completion: clinic.workflows!.importCompletion(),
      scanIntervalMs: 200,
    });
    await insurerDrop.start();
    await clinicDrop.start();
    try {
      const file = path.join(clinicDrop.dirs.in, 'register-december.csv');
      await writeFile(file, sample('invoice-register.csv'));
      const past = new Date(Date.now() - 60_000);
      await utimes(file, past, past);
      await clinicDrop.poll();
      const failed = await readdir(clinicDrop.dirs.failed);
      const report = failed.find((f) => f.endsWith('.errors.txt'));
      expect(
        failed,
        report ? await readFile(path.join(clinicDrop.dirs.failed, report), 'utf8') : '',
      ).to.deep.equal([]);
      expect(await readdir(clinicDrop.dirs.done)).to.deep.equal(['register-december.csv']);
      const out = await clinic.node.listOutbox({ type: 'invoice' });
      expect(out.items).to.have.length(1);
      const invoice = out.items[0]!;
      expect(invoice.addressee, 'the payer the title names').to.equal(insurer.id);
      const doc = (await clinic.node.getDocument(invoice.messageId)).document as {
        body: {
          invoiceNumber: string;
          invoiceDate: string;
          contract: unknown;
          lines: Array<{ patient: { birthDate?: string; sex?: string } }>;
        };
      };
      expect(doc.body).to.deep.include({ invoiceNumber: '345', invoiceDate: '2027-01-05' });
      expect(doc.body.contract).to.deep.equal({ number: '12-ДМС/2026', date: '2026-11-15' });
      expect(doc.body.lines.every((l) => l.patient.birthDate && l.patient.sex)).to.equal(true);

      // Received at the insurer: written to out/ in Windows-1251, as a Russian Excel reads a CSV.
      const written = await until('the invoice in the insurer’s out/', async () => {
        await insurerDrop.poll();
        const names = await readdir(insurerDrop.dirs.out);
        return names.find((n) => n.startsWith('invoice-'));
      });
      const bytes = await readFile(path.join(insurerDrop.dirs.out, written));
      expect(detectEncoding(bytes)).to.equal('windows-1251');
      expect(iconv.decode(bytes, 'win1251')).to.contain('ФИО пациента');
      expect(existsSync(path.join(clinicDrop.dirs.work, 'register-december.csv'))).to.equal(false);
    } finally {
      await clinicDrop.stop();
      await insurerDrop.stop();
    }
  });
});
