import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIR = resolve(import.meta.dirname, '../../../docs/decisions');

describe('structure: the index of decision records', () => {
  const records = readdirSync(DIR).filter((f) => /^\d{4}-.+\.md$/.test(f));
  const index = readFileSync(join(DIR, 'README.md'), 'utf8');

  it('links every record, once, under its number', () => {
    for (const f of records) {
      const rows = index.split('\n').filter((l) => l.includes(`](${f})`));
      expect(rows, f).to.have.length(1);
      expect(rows[0]!.startsWith(`| ${f.slice(0, 4)} |`), f).to.equal(true);
    }
  });

  it('links nothing that is not there, and gives each number to one record', () => {
    const linked = [...index.matchAll(/\]\((\d{4}-[^)]+\.md)\)/g)].map((m) => m[1]);
    expect(linked.filter((f) => !records.includes(f!))).to.deep.equal([]);
    const numbers = records.map((f) => f.slice(0, 4));
    expect(new Set(numbers).size).to.equal(numbers.length);
  });
});
