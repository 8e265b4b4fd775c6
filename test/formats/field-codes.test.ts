// The field error codes (a document's, a file's, a request's, a workflow's rules at one field) against the sources:
// every code written beside a pointer, in a RULES.md table or in a rule's list has its Russian words in the one
// registry, and a pointer is said as the row and field a person sees.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIELD_CODES, fieldCodeEntry } from '@dmsnet/formats/error-codes';
import { FIELD_NAMES_RU, fieldErrorText, placeOf, placeText } from '@dmsnet/formats/field-places';
import { RULE_CODES } from '@dmsnet/formats/rules/codes';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { SOURCE_ROOTS } from './error-codes-scan.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(PACKAGE_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** How a field error's code is written: beside its pointer, as a rule's report() or fail(), as a cell's error. */
const PATTERNS = [
  /\bpointer:[^;]{0,200}?\bcode:\s*'([A-Z][A-Z0-9_]+)'/g,
  /\b(?:report|fail)\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*[^,()]+(?:\([^()]*\))?\s*,\s*'([A-Z][A-Z0-9_]+)'/g,
  /\berror:\s*'([A-Z][A-Z0-9_]+)'/g,
  // The code tables: roster codes, ajv keywords' codes, a file cell's error by the column's kind.
  /^\s+\w+:\s*'((?:ROSTER|SCHEMA)_[A-Z_]+|[A-Z]+_(?:INVALID|UNKNOWN))',?$/gm,
];

function writtenFieldCodes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of SOURCE_ROOTS.flatMap(sourceFiles)) {
    const text = readFileSync(path.join(PACKAGE_ROOT, file), 'utf8');
    for (const re of PATTERNS)
      for (const m of text.matchAll(re))
        found.set(m[1] as string, `${file}:${text.slice(0, m.index).split('\n').length}`);
  }
  for (const file of ['formats/RULES.md', 'gateway/src/workflows/RULES.md']) {
    const text = readFileSync(path.join(PACKAGE_ROOT, file), 'utf8');
    for (const m of text.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|/gm)) found.set(m[1] as string, file);
  }
  for (const code of Object.keys(RULE_CODES)) found.set(code, 'formats/src/rules/codes.ts');
  return found;
}

describe('field error codes in the one registry (FIELD_CODES of formats/src/error-codes.ts)', () => {
  const written = writtenFieldCodes();

  it('finds the field codes the sources write (the scan is not blind)', () => {
    for (const code of [
      'ACT_DEFECT_REQUIRED',
      'SCHEMA_REQUIRED',
      'DATE_INVALID',
      'ROSTER_POLICY_UNKNOWN',
      'ROSTER_OVERLAP',
      'TOTAL_MISMATCH',
      'REQUEST_REQUIRED',
    ])
      expect(written.has(code), code).to.be.true;
    expect(written.size).to.be.greaterThan(60);
  });

  it('has Russian words for every field code written anywhere', () => {
    const missing = [...written].filter(([code]) => !fieldCodeEntry(code)).map(([c, at]) => `${c} (${at})`);
    expect(missing, 'add them to FIELD_CODES').to.deep.equal([]);
  });

  it('says each field code in English and in Russian, without the code itself', () => {
    for (const [code, e] of Object.entries(FIELD_CODES)) {
      expect(e.en, code).to.match(/^[A-Z].*\.$/);
      // Lower case to follow the place, unless it starts with an abbreviation (ИНН, СНИЛС).
      expect(e.ru, code).to.match(/^(\p{Ll}|\p{Lu}{2})/u);
      expect(e.ru, code).not.to.match(/[a-z]{3,}/);
    }
  });

  it('names every field of the bundled schemas in Russian (no «clinicServiceCode» reaches a person)', () => {
    const names = new Set<string>();
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (!o || typeof o !== 'object') return;
      const props = (o as { properties?: Record<string, unknown> }).properties;
      if (props && typeof props === 'object') for (const k of Object.keys(props)) names.add(k);
      Object.values(o).forEach(walk);
    };
    const dir = path.join(PACKAGE_ROOT, 'formats', 'schemas', 'v1');
    for (const f of readdirSync(dir)) walk(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    expect(names.size).to.be.greaterThan(50);
    const unnamed = [...names].filter((n) => !(n in FIELD_NAMES_RU) && !['header', 'body'].includes(n));
    expect(unnamed).to.deep.equal([]);
  });

  it('says a pointer as the row people count from 1 and the field by its Russian name', () => {
    expect(placeOf('/body/lines/1/defectCode')).to.deep.equal({ row: 2, field: 'Код дефекта' });
    expect(placeText('/body/rows/0/person/birthDate')).to.equal('Строка 1, «Дата рождения»');
    expect(placeText('/query/lastName')).to.equal('«Фамилия»');
    expect(placeText('')).to.equal('');
    expect(placeText('/body/lines/1/defectCode', 'en')).to.equal('Row 2, defectCode');
    expect(
      fieldErrorText({ pointer: '/body/lines/1/defectCode', code: 'ACT_DEFECT_REQUIRED', message: 'x' }),
    ).to.equal('Строка 2, «Код дефекта»: для снятия укажите код дефекта');
    // A code nobody registered keeps its sender's words rather than saying nothing.
    expect(fieldErrorText({ pointer: '/body/x', code: 'SOMEONE_ELSES', message: 'their words' })).to.equal(
      '«x»: their words',
    );
    // The top-level registry answers for a code that is both, in lower case to follow the place.
    expect(fieldErrorText({ pointer: '', code: 'FILE_EMPTY', message: 'x' })).to.equal('Файл пуст');
  });
});
