import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundledSchemaText,
  canonicalDigest,
  canonicalJson,
  repoPath,
  repoRoot,
  validateDocument,
} from '@dmsnet/formats';

// The compiled CLI beside this compiled test, whatever the output dir.
const CLI = fileURLToPath(new URL('../../../formats/dist/cli/main.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: repoRoot(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

describe('formats: dmsnet-format CLI', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'dmsnet-format-'));
  const valid = repoPath('formats', 'examples', 'valid', 'insured-list.json');
  const invalid = repoPath('formats', 'examples', 'invalid', 'insured-list', 'many-errors.json');

  it('validate: exit 0 when every file is valid', async () => {
    const r = await cli('validate', valid, repoPath('formats', 'examples', 'valid', 'invoice.json'));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('insured-list.json: valid');
  });

  it('validate: exit 1 and every error with pointer, code and message', async () => {
    const r = await cli('validate', valid, invalid);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('many-errors.json: 5 errors');
    expect(r.stdout).to.match(/\/body\/rows\/2\/rowId\s+ROW_ID_DUPLICATE\s+\S/);
  });

  it('validate --json: the errors as JSON', async () => {
    const r = await cli('validate', '--json', invalid);
    expect(r.code).to.equal(1);
    const [report] = JSON.parse(r.stdout) as Array<{
      file: string;
      valid: boolean;
      errors: Array<{ pointer: string; code: string }>;
    }>;
    expect(report.valid).to.be.false;
    expect(report.errors.map((e) => e.code)).to.include('PERIOD_ORDER');
  });

  it('validate: an unreadable file or one that is not JSON is a clear error', async () => {
    const notJson = path.join(tmp, 'not.json');
    writeFileSync(notJson, '{"header": ');
    const r = await cli('validate', '--json', path.join(tmp, 'missing.json'), notJson);
    expect(r.code).to.equal(1);
    const reports = JSON.parse(r.stdout) as Array<{ errors: Array<{ code: string; message: string }> }>;
    expect(reports[0].errors[0].code).to.equal('FILE_UNREADABLE');
    expect(reports[0].errors[0].message).to.contain('missing.json');
    expect(reports[1].errors[0].code).to.equal('JSON_SYNTAX');
  });

  it('validate --invoice: checks an expertise act against its invoice', async () => {
    const act = repoPath('formats', 'examples', 'invalid', 'expertise-act', 'unknown-invoice-line.json');
    expect((await cli('validate', act)).code).to.equal(0);
    const r = await cli(
      'validate',
      '--invoice',
      repoPath('formats', 'examples', 'valid', 'invoice.json'),
      act,
    );
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('ACT_LINE_UNKNOWN');
  });

  it('validate --schema: validates against a given schema text (a governance-activated version)', async () => {
    const v2 = JSON.parse(bundledSchemaText('reply', '1')) as {
      properties: { header: { properties: { formatVersion: { const: string } } } };
    };
    v2.properties.header.properties.formatVersion.const = '2';
    const schema = path.join(tmp, 'reply-v2.schema.json');
    writeFileSync(schema, JSON.stringify(v2));
    const doc = JSON.parse(readFileSync(repoPath('formats', 'examples', 'valid', 'reply.json'), 'utf8')) as {
      header: { formatVersion: string };
    };
    doc.header.formatVersion = '2';
    const file = path.join(tmp, 'reply-v2.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('validate', file)).stdout).to.contain('FORMAT_VERSION_UNKNOWN');
    expect((await cli('validate', '--schema', schema, file)).code).to.equal(0);
    const broken = await cli('validate', '--schema', path.join(tmp, 'missing.schema.json'), file);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.contain('FILE_UNREADABLE');
  });

  it('generate: writes a valid document, the same for the same seed', async () => {
    const a = await cli('generate', '--type', 'invoice', '--rows', '7', '--seed', '42');
    expect(a.code).to.equal(0);
    const doc = JSON.parse(a.stdout) as { body: { lines: unknown[] } };
    expect(doc.body.lines).to.have.length(7);
    expect(validateDocument(doc)).to.deep.equal([]);
    expect((await cli('generate', '--type', 'invoice', '--rows', '7', '--seed', '42')).stdout).to.equal(
      a.stdout,
    );
    const bad = await cli('generate', '--type', 'memo');
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain('must be one of');
  });

  it('canonical and digest: the RFC 8785 bytes and their SHA-256', async () => {
    const file = path.join(tmp, 'doc.json');
    const value = { z: [1, 2.5, 'я'], a: { y: null, x: true } };
    writeFileSync(file, JSON.stringify(value, null, 4));
    expect((await cli('canonical', file)).stdout).to.equal(canonicalJson(value));
    expect((await cli('digest', file)).stdout.trim()).to.equal(canonicalDigest(value));
    const missing = await cli('digest', path.join(tmp, 'nope.json'));
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('FILE_UNREADABLE');
  });

  it('npx dmsnet-format resolves the package bin from the repository root (after npm run build)', async function () {
    // The package.json bin points into the formats package's dist/; `npm run build` (as `npm test` does) puts it
    // there, so in a built tree this never skips.
    if (!existsSync(repoPath('formats', 'dist', 'cli', 'main.js'))) this.skip();
    this.timeout(60_000);
    const r = await run('npx', ['--no-install', 'dmsnet-format', 'validate', valid]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('valid');
  });
});
