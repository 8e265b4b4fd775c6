import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FolderDrop, importTable, type DropNode } from '../../../gateway/src/adapters/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';
import { mapping, sample } from './helpers.js';

/** Files copied in "long ago", so the settle delay does not make the test wait. */
async function drop(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const file = path.join(dir, 'in', name);
  await writeFile(file, bytes);
  const past = new Date(Date.now() - 60_000);
  await utimes(file, past, past);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('adapters: folder drop on a real embedded network', function () {
  this.timeout(60_000);
  let net: TestNetwork;
  let root: string;

  before(async () => {
    net = await startTestNetwork();
    root = await mkdtemp(path.join(tmpdir(), 'dmsnet-drop-'));
  });
  after(async () => {
    await net.close();
    await rm(root, { recursive: true, force: true });
  });

  function dropFor(dir: string, node: DropNode, _senderKey: string, addresseeKey: string): FolderDrop {
    const addressee = net.net.get(addresseeKey).party.ogrn;
    // A list's own number and date are not in these files: the route's configuration gives them.
    const body = {
      listNumber: 'DROP-1',
      listDate: '2026-11-15',
      contract: { number: '12-ДМС/2026', date: '2026-11-15' },
    };
    return new FolderDrop({
      root: dir,
      node,
      scanIntervalMs: 200,
      routes: [
        { match: /attach.*\.csv$/i, mapping: mapping('insurer-insured-list-attach.csv'), addressee, body },
        { match: /detach.*\.xlsx$/i, mapping: mapping('insurer-insured-list-detach.xlsx'), addressee, body },
      ],
      outMappings: { 'insured-list': mapping('insurer-insured-list-attach.csv') },
    });
  }

  it('sends a dropped list once, moves it to done/, and the addressee finds it in out/ in its local format', async () => {
    const insurerDir = path.join(root, 'insurer');
    const clinicDir = path.join(root, 'clinic');
    const insurer = dropFor(insurerDir, net.net.get('insurer').node, 'insurer', 'clinic');
    const clinic = dropFor(clinicDir, net.net.get('clinic').node, 'clinic', 'insurer');
    await insurer.start();
    await clinic.start();
    try {
      await drop(insurerDir, 'attach-2026-12.csv', sample('insured-list-attach.csv'));
      await insurer.poll();
      expect(await readdir(path.join(insurerDir, 'done'))).to.deep.equal(['attach-2026-12.csv']);
      const outName = await until('the clinic out/ file', async () => {
        await clinic.poll();
        const names = (await readdir(path.join(clinicDir, 'out'))).filter((n) => !n.endsWith('.tmp'));
        return names.length > 0 ? names : undefined;
      });
      expect(outName).to.have.length(1);
      expect(outName[0]).to.match(/^insured-list-\d{13}-insured-list-[0-9a-f]{32}\.csv$/);
      // The clinic's out/ file reads back to the rows the insurer dropped.
      const m = mapping('insurer-insured-list-attach.csv');
      const parties = { sender: net.net.get('insurer').party, addressee: net.net.get('clinic').party };
      const sent = await importTable(sample('insured-list-attach.csv'), m, parties);
      const received = await importTable(
        await readFile(path.join(clinicDir, 'out', outName[0]!)),
        m,
        parties,
      );
      expect(received.document.body.rows).to.deep.equal(sent.document.body.rows);

      // The same bytes dropped again are the same document: not sent twice.
      const outboxBefore = (await net.net.get('insurer').node.listOutbox({})).items.length;
      await drop(insurerDir, 'attach-2026-12-again.csv', sample('insured-list-attach.csv'));
      await insurer.poll();
      expect((await readdir(path.join(insurerDir, 'done'))).sort()).to.deep.equal([
        'attach-2026-12-again.csv',
        'attach-2026-12.csv',
      ]);
      expect((await net.net.get('insurer').node.listOutbox({})).items.length).to.equal(outboxBefore);
      // A second pass over the same notifications writes nothing new.
      await clinic.poll();
      expect((await readdir(path.join(clinicDir, 'out'))).length).to.equal(1);
    } finally {
      await insurer.stop();
      await clinic.stop();
    }
  });

  it('broken files end in failed/ with a JSON and a text report naming row, column, code, in Russian and English', async () => {
    const dir = path.join(root, 'broken');
    const fd = dropFor(dir, net.net.get('insurer').node, 'insurer', 'clinic');
    await fd.start();
    try {
      const text = new TextDecoder('windows-1251').decode(sample('insured-list-attach.csv'));
      const badDate = text.replace('15.01.1994', '32.01.1994').replace('224-592-686 84', '224-592-686 85');
      const { default: iconv } = await import('iconv-lite');
      await drop(dir, 'attach-bad.csv', new Uint8Array(iconv.encode(badDate, 'win1251')));
      await drop(dir, 'attach-empty.csv', new Uint8Array());
      await drop(
        dir,
        'detach-fake.xlsx',
        new Uint8Array(512).map((_, i) => (i * 7 + 3) % 251),
      );
      await drop(dir, 'attach-header.csv', new TextEncoder().encode('ФИО;Полис\r\nИванов Иван;1\r\n'));
      await fd.poll();
      const failed = (await readdir(path.join(dir, 'failed'))).sort();
      for (const f of ['attach-bad.csv', 'attach-empty.csv', 'detach-fake.xlsx', 'attach-header.csv']) {
        expect(failed).to.include.members([f, `${f}.errors.json`, `${f}.errors.txt`]);
      }
      expect(await readdir(path.join(dir, 'done'))).to.deep.equal([]);
      const report = JSON.parse(
        await readFile(path.join(dir, 'failed', 'attach-bad.csv.errors.json'), 'utf8'),
      );
      expect(report.errors).to.deep.include({
        row: 5,
        column: 'E',
        header: 'Дата рождения',
        pointer: '/body/rows/0/person/birthDate',
        code: 'DATE_INVALID',
        messageRu: 'дата должна быть в виде ДД.ММ.ГГГГ и существовать в календаре',
        messageEn: 'a date must be dd.mm.yyyy and exist in the calendar',
      });
      expect(report.errors.find((e: { code: string }) => e.code === 'SNILS_CHECKSUM')).to.deep.include({
        row: 5,
        column: 'H',
      });
      const txt = await readFile(path.join(dir, 'failed', 'attach-bad.csv.errors.txt'), 'utf8');
      expect(txt).to.include(
        'строка/row 5, столбец/column H «СНИЛС» [SNILS_CHECKSUM] ошибка в контрольном числе СНИЛС',
      );
      const codeOf = async (f: string): Promise<string> =>
        JSON.parse(await readFile(path.join(dir, 'failed', `${f}.errors.json`), 'utf8')).errors[0].code;
      expect(await codeOf('attach-empty.csv')).to.equal('FILE_EMPTY');
      expect(await codeOf('detach-fake.xlsx')).to.equal('FILE_KIND_UNSUPPORTED');
      expect(await codeOf('attach-header.csv')).to.equal('HEADER_NOT_FOUND');
    } finally {
      await fd.stop();
    }
  });

  it('resumes after a crash between conversion and sending: the file is sent exactly once and not lost', async () => {
    const dir = path.join(root, 'crash');
    const node = net.net.get('insurer').node;
    // Count the sends that reach the node, as a crash-then-restart sees them.
    let sends = 0;
    const counting: DropNode = {
      participantId: node.participantId,
      send: (d) => {
        sends++;
        return node.send(d);
      },
      getDocument: (id) => node.getDocument(id),
      notifications: node.notifications,
      participant: (id) => node.participant(id),
      participants: (q) => node.participants(q),
    };
    const bytes = sample('insured-list-detach.xlsx');
    const hash = createHash('sha256').update(bytes).digest('hex');
    // The state a process killed right after journaling "converted" leaves behind.
    const m = mapping('insurer-insured-list-detach.xlsx');
    const doc = (
      await importTable(bytes, m, {
        sender: net.net.get('insurer').party,
        addressee: net.net.get('clinic').party,
        body: {
          listNumber: 'DROP-1',
          listDate: '2026-11-15',
          contract: { number: '12-ДМС/2026', date: '2026-11-15' },
        },
      })
    ).document;
    for (const d of ['in', 'work', '.journal']) await mkdir(path.join(dir, d), { recursive: true });
    await writeFile(path.join(dir, 'work', `${hash}__detach-12.xlsx`), bytes);
    await writeFile(
      path.join(dir, '.journal', `${hash}.json`),
      JSON.stringify({
        hash,
        name: 'detach-12.xlsx',
        state: 'converted',
        documentId: doc.header.documentId,
        document: doc,
      }),
    );
    const fd = dropFor(dir, counting, 'insurer', 'clinic');
    await fd.start();
    await fd.poll();
    await fd.stop();
    expect(sends).to.equal(1);
    expect(await readdir(path.join(dir, 'done'))).to.deep.equal(['detach-12.xlsx']);
    expect(await readdir(path.join(dir, 'work'))).to.deep.equal([]);
    const record = await node.getDocument(doc.header.documentId);
    expect(record.direction).to.equal('out');

    // Restarted again, and the same file dropped once more: nothing is sent.
    const again = dropFor(dir, counting, 'insurer', 'clinic');
    await again.start();
    await drop(dir, 'detach-12.xlsx', bytes);
    await again.poll();
    await again.stop();
    expect(sends).to.equal(1);
    expect(existsSync(path.join(dir, 'in', 'detach-12.xlsx'))).to.equal(false);
    expect((await readdir(path.join(dir, 'done'))).length).to.equal(2);
  });

  it('resumes a file claimed into work/ by a process killed before it wrote the journal', async () => {
    const dir = path.join(root, 'claimed');
    // Other bytes than the first test's file: another document id (the same id with another createdAt is a conflict).
    const bytes = new Uint8Array([...sample('insured-list-attach.csv'), 0x0d, 0x0a]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    for (const d of ['in', 'work']) await mkdir(path.join(dir, d), { recursive: true });
    await writeFile(path.join(dir, 'work', `${hash}__attach-lost.csv`), bytes);
    const fd = dropFor(dir, net.net.get('insurer').node, 'insurer', 'clinic');
    await fd.start();
    await fd.poll();
    await fd.stop();
    expect(await readdir(path.join(dir, 'done'))).to.deep.equal(['attach-lost.csv']);
    const journal = JSON.parse(await readFile(path.join(dir, '.journal', `${hash}.json`), 'utf8'));
    expect(journal.state).to.equal('done');
    expect(journal.document, 'the plaintext leaves the journal once sent').to.equal(undefined);
  });
});
