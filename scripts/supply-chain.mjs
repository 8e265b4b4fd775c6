// The supply-chain review (build first: npx tsc -p tsconfig.json).
//   node scripts/supply-chain.mjs           licences, install scripts and npm audit, exit 1 on a finding
//   node scripts/supply-chain.mjs --write   also rewrites docs/licences.md
//   node scripts/supply-chain.mjs --sbom F  writes the CycloneDX SBOM of the runtime dependencies to F
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  installScriptFindings,
  licenceFindings,
  renderLicencesDoc,
  runtimePackages,
} from '../dist/test/supply-chain/review.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
let failed = false;

const sbomAt = args.indexOf('--sbom');
if (sbomAt >= 0) {
  const file = path.resolve(args[sbomAt + 1] ?? path.join(root, 'dist', 'sbom', 'dmsnet.cdx.json'));
  console.log(`writing the CycloneDX SBOM of the runtime dependencies to ${file}`);
  const sbom = execFileSync('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, sbom);
  console.log(`${JSON.parse(sbom).components.length} components`);
}

const packages = runtimePackages(lock);
const licences = licenceFindings(lock);
console.log(
  `licences: ${packages.length} runtime packages, ${licences.length} not compatible with Apache-2.0 and not reviewed`,
);
for (const p of licences) console.log(`  ${p.name}@${p.version}: ${p.licence || '(no licence)'}`);
const scripts = installScriptFindings(lock, pkg.allowScripts ?? {});
console.log(`install scripts: ${scripts.length} without a recorded decision`);
for (const s of scripts) console.log(`  ${s}`);
failed ||= licences.length > 0 || scripts.length > 0;

if (args.includes('--write')) {
  writeFileSync(path.join(root, 'docs', 'licences.md'), renderLicencesDoc(lock));
  console.log('docs/licences.md written');
}

// npm audit needs the registry's advisory endpoint; a registry that does not serve it is said, not taken as clean.
const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (counts) {
  console.log(`npm audit: ${JSON.stringify(counts)}`);
  failed ||= (counts.high ?? 0) + (counts.critical ?? 0) > 0;
} else {
  const status = /^\d{3} [A-Za-z ]*[A-Za-z]/.exec(
    String(report?.message ?? report?.error?.summary ?? ''),
  )?.[0];
  const why = status ?? (audit.stderr.trim().split('\n').filter(Boolean).pop() || 'no answer');
  console.log(`npm audit: not run — the registry did not answer the advisory request (${why})`);
}
process.exit(failed ? 1 : 0);
