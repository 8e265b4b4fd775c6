import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { repoPath } from '@dmsnet/formats/paths';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [repoPath('dist', 'node-config', 'src', 'cli.js'), ...args], {
    encoding: 'utf8',
  });

describe('dmsnet-node mappings and import: a file checked without a node', () => {
  it('lists every bundled mapping with the headers it expects', () => {
    const r = cli('mappings', '--json');
    expect(r.status, r.stderr).to.equal(0);
    const all = JSON.parse(r.stdout) as Array<{ name: string; headers: Array<{ header: string }> }>;
    const attach = all.find((m) => m.name === 'insurer-insured-list-attach.csv');
    expect(attach?.headers.map((h) => h.header)).to.include.members(['Фамилия', 'СНИЛС', '№ полиса']);
  });

  it('reads a good file as it is (20 rows, no errors, exit 0) and sends nothing', () => {
    const file = repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv');
    // The contract is in the file's title; the list's own number and date are not, and are given with --set.
    const missing = cli('import', file, '--mapping', 'insurer-insured-list-attach.csv', '--json');
    expect(missing.status).to.equal(1);
    const report = JSON.parse(missing.stdout) as { errors: Array<{ pointer: string; code: string }> };
    expect(report.errors.map((e) => `${e.pointer} ${e.code}`)).to.deep.equal([
      '/body/listNumber SCHEMA_REQUIRED',
      '/body/listDate SCHEMA_REQUIRED',
    ]);
    const r = cli(
      'import',
      file,
      '--mapping',
      'insurer-insured-list-attach.csv',
      '--set',
      'listNumber=12-ДМС/2026-П',
      '--set',
      'listDate=15.11.2026',
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('20 строк / rows');
  });

  it('reads an Excel 97–2003 list saved under an .xlsx name, from its second sheet, and names a PDF as a PDF', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-import-'));
    try {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Инструкция']]), 'Инструкция');
      const list = XLSX.utils.aoa_to_sheet([
        ['№', 'ФИО', 'Дата рождения', '№ полиса', 'Программа', 'Дата открепления'],
        ['1', 'Ким Алёна', 31121, 'ДМС-77-2523599', 'Амбулаторно-поликлиническая помощь', '15.12.2026'],
      ]);
      list.C2!.z = 'dd.mm.yyyy';
      XLSX.utils.book_append_sheet(wb, list, 'Список');
      const file = path.join(dir, 'list.xlsx');
      await writeFile(file, XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer);
      const r = cli(
        'import',
        file,
        '--mapping',
        'insurer-insured-list-detach.xlsx',
        '--json',
        ...[
          'listNumber=О-1',
          'listDate=01.12.2026',
          'contract/number=12-ДМС/2026',
          'contract/date=15.11.2026',
        ].flatMap((s) => ['--set', s]),
      );
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      const pdf = path.join(dir, 'list.csv');
      await writeFile(pdf, '%PDF-1.4\n');
      const refused = cli('import', pdf, '--mapping', 'insurer-insured-list-attach.csv');
      expect(refused.status).to.equal(1);
      expect(refused.stdout + refused.stderr)
        .to.include('FILE_KIND_UNSUPPORTED')
        .and.include('a PDF document');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('places a broken СНИЛС at its row and column, in Russian and English, exit 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-import-'));
    try {
      const text = iconv.decode(
        await readFile(repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv')),
        'win1251',
      );
      const broken = path.join(dir, 'list.csv');
      await writeFile(broken, iconv.encode(text.replace('224-592-686 84', '224-592-686 85'), 'win1251'));
      const r = cli('import', broken, '--mapping', 'insurer-insured-list-attach.csv', '--json');
      expect(r.status).to.equal(1);
      const report = JSON.parse(r.stdout) as {
        errors: Array<{ row?: number; header?: string; code: string; messageRu: string }>;
      };
      const e = report.errors.find((x) => x.code === 'SNILS_CHECKSUM');
      expect(e?.row).to.equal(5);
      expect(e?.header).to.equal('СНИЛС');
      expect(e?.messageRu).to.be.a('string').and.not.equal('');
      const missing = cli(
        'import',
        path.join(dir, 'absent.csv'),
        '--mapping',
        'insurer-insured-list-attach.csv',
      );
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.include('FILE_UNREADABLE').and.not.include('    at ');
      const unknown = cli('import', broken, '--mapping', 'no-such-mapping');
      expect(unknown.status).to.equal(1);
      expect(unknown.stderr).to.include('MAPPING_UNKNOWN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
