import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundledSchemaText, DOCUMENT_TYPES, repoPath } from '@dmsnet/formats';
import { compileSchema } from '@dmsnet/formats/schema/compile';
import { unresolvedRefs } from '@dmsnet/formats/schema/self-contained';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../formats/dist/cli/main.js', import.meta.url));

async function fmt(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run(process.execPath, [cli, ...args])) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a format proposal must be one self-contained schema text', () => {
  it('finds every reference outside the schema, at its pointer; the bundled texts have none', () => {
    for (const type of DOCUMENT_TYPES) {
      expect(unresolvedRefs(JSON.parse(bundledSchemaText(type, '1'))), type).to.deep.equal([]);
    }
    const beside = JSON.parse(
      readFileSync(repoPath('formats', 'schemas', 'v1', 'insured-list.schema.json'), 'utf8'),
    ) as unknown;
    const found = unresolvedRefs(beside);
    expect(found.length).to.be.greaterThan(0);
    expect(found[0]).to.include({ pointer: '/properties/header/$ref', code: 'SCHEMA_REF_UNRESOLVED' });
    const local = {
      $defs: { a: { $anchor: 'x', type: 'string' } },
      properties: {
        ok: { $ref: '#/$defs/a' },
        anchor: { $ref: '#x' },
        missing: { $ref: '#/$defs/b' },
        example: { const: { $ref: 'elsewhere.json' } },
      },
    };
    expect(unresolvedRefs(local).map((e) => e.pointer)).to.deep.equal(['/properties/missing/$ref']);
  });

  it('dmsnet-format propose refuses the schema file beside common.schema.json before asking the gateway, and bundle prints the text to propose', async () => {
    const file = repoPath('formats', 'schemas', 'v1', 'insured-list.schema.json');
    // No gateway listens there: a refusal that names the reference can only come from the check before the call.
    const r = await fmt(
      '--gateway',
      'http://127.0.0.1:9',
      '--token',
      't',
      'propose',
      'insured-list',
      '1',
      file,
      '--effective',
      '2026-01-01',
    );
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('SCHEMA_REF_UNRESOLVED');
    expect(r.stderr).to.contain('/properties/header/$ref');
    expect(r.stderr).to.contain('dmsnet-format bundle');
    const bundled = await fmt('bundle', 'insured-list');
    expect(bundled.code).to.equal(0);
    expect(bundled.stdout).to.equal(bundledSchemaText('insured-list', '1'));
    expect(() => compileSchema(bundled.stdout)).to.not.throw();
    const unknown = await fmt('bundle', 'letter-of-marque');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('DOCUMENT_TYPE_UNKNOWN');
  });
});
