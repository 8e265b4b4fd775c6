import { expect } from 'chai';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

// The lint configuration is what keeps the rooms pointing one way; these wrong imports prove it still bites.
const ROOT = resolve(import.meta.dirname, '../../..');

async function ruleIds(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('structure: the lint rules for direction and cycles', function () {
  this.timeout(120_000);

  it('refuses an import from the http leaf into a router or the assembly', async () => {
    expect(await ruleIds(`import '../api/server.js';\n`, 'gateway/src/http/probe.ts')).to.include(
      'no-restricted-imports',
    );
    expect(await ruleIds(`import '../workflows/index.js';\n`, 'gateway/src/http/probe.ts')).to.include(
      'no-restricted-imports',
    );
  });

  it('refuses an import against the rooms (node → workflows, adapters → workflows, production → sandbox)', async () => {
    for (const [code, file] of [
      [`import '../workflows/index.js';\n`, 'gateway/src/node/probe.ts'],
      [`import '../workflows/index.js';\n`, 'gateway/src/adapters/probe.ts'],
      [`import '../api/node-api.js';\n`, 'gateway/src/workflows/probe.ts'],
      [`import '../../../sandbox/src/local-network/network.js';\n`, 'gateway/src/api/probe.ts'],
      [`import '../../../../embedded-ledger/src/index.js';\n`, 'gateway/src/ledger/fabric/probe.ts'],
      // The evidence bundle reads ZIPs through the tables package, so adapters → node → evidence is no loop.
      [`import '../adapters/index.js';\n`, 'gateway/src/evidence/probe.ts'],
      [`import '../../gateway/src/node/index.js';\n`, 'chaincode/src/probe.ts'],
    ]) {
      expect(await ruleIds(code!, file!), `${file} ${code}`).to.include('no-restricted-imports');
    }
  });

  it('keeps the development sandbox out of everything but the tests and the benchmarks', async () => {
    // One wrong import per folder, each written as that folder would reach the sandbox.
    const probes: Array<[string, string]> = [
      ['node-config/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['node-config/src/probe.ts', `import '../../sandbox/src/local-network/network.js';\n`],
      ['network/src/probe.ts', `import '../../sandbox/src/local-network/fabric-provider.js';\n`],
      ['embedded-ledger/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['gateway/src/api/probe.ts', `import '../../../sandbox/src/demo/main.js';\n`],
      ['chaincode/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['gost/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['tables/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['formats/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['console/src/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['fuzz/probe.ts', `import '../sandbox/src/demo/main.js';\n`],
      ['scripts/probe.mjs', `import '../dist/sandbox/src/demo/main.js';\n`],
      // A folder no entry of the configuration names yet.
      ['tools/probe.ts', `import '../sandbox/src/demo/main.js';\n`],
    ];
    for (const [file, code] of probes) {
      expect(await ruleIds(code, file), `${file} ${code}`).to.include('no-restricted-imports');
    }
    // The sandbox stands above every production folder; the tests and the benchmarks above it.
    for (const [file, code] of [
      ['sandbox/src/demo/probe.ts', `import '../../../network/src/up.js';\n`],
      ['sandbox/src/demo/probe.ts', `import '../../../node-config/src/stop-signals.js';\n`],
      ['test/network/probe.ts', `import '../../sandbox/src/demo/main.js';\n`],
      ['bench/probe.ts', `import '../sandbox/src/demo/main.js';\n`],
    ] as const) {
      expect(await ruleIds(code, file), `${file} ${code}`).to.not.include('no-restricted-imports');
    }
  });

  it('lets an import run with the direction (the assembly imports the routers, routers the http leaf)', async () => {
    expect(
      await ruleIds(
        `import '../workflows/index.js';\nimport '../http/wrap.js';\n`,
        'gateway/src/api/probe.ts',
      ),
    ).to.not.include('no-restricted-imports');
    expect(await ruleIds(`import '../http/wrap.js';\n`, 'gateway/src/workflows/probe.ts')).to.not.include(
      'no-restricted-imports',
    );
  });

  it('holds the workspaces apart: declared dependencies only, by name, with the direction', async () => {
    // The chaincode package does not declare express (the gateway's), so its image would not have it.
    expect(await ruleIds(`import 'express';\n`, 'chaincode/src/probe.ts')).to.include(
      'import-x/no-extraneous-dependencies',
    );
    expect(await ruleIds(`import 'fabric-shim';\n`, 'chaincode/src/probe.ts')).to.not.include(
      'import-x/no-extraneous-dependencies',
    );
    // Another package is imported by its name, never by a path into its folder.
    expect(
      await ruleIds(`import '../../../formats/src/errors.js';\n`, 'gateway/src/api/probe.ts'),
    ).to.include('import-x/no-relative-packages');
    // The tables package reads files; it knows nothing of GOST or the chaincode.
    expect(await ruleIds(`import '@dmsnet/gost';\n`, 'tables/src/probe.ts')).to.include(
      'no-restricted-imports',
    );
    // formats is the leaf, by name as by path.
    expect(await ruleIds(`import '@dmsnet/chaincode';\n`, 'formats/src/probe.ts')).to.include(
      'no-restricted-imports',
    );
  });

  it('refuses a file cycle', async () => {
    // The cycle check reads the imported file from disk, so the probe is two real files, removed afterwards.
    const dir = join(ROOT, 'gateway/src/http', `cycle-probe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'a.ts'), `import { b } from './b.js';\nexport const a = (): unknown => b;\n`);
      writeFileSync(join(dir, 'b.ts'), `import { a } from './a.js';\nexport const b = (): unknown => a;\n`);
      const [result] = await new ESLint({ cwd: ROOT }).lintFiles([join(dir, 'a.ts')]);
      expect((result?.messages ?? []).map((m) => m.ruleId)).to.include('import-x/no-cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
