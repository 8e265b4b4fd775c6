// The supply-chain review, computed from the lockfile: every runtime dependency's licence held to what an Apache-2.0
// project may ship, and every install script npm would skip held to a recorded decision. scripts/supply-chain.mjs
// prints it, writes docs/licences.md and the CycloneDX SBOM; test/supply-chain/review.test.ts keeps both true.

/** Licences whose terms let an Apache-2.0 project ship the package as it is (permissive, no copyleft). */
export const COMPATIBLE = new Set([
  'MIT',
  // MIT without the attribution clause (nodemailer): asks less than MIT does.
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0',
  'Unlicense',
  'CC0-1.0',
  'Zlib',
  'Python-2.0',
]);

/** Packages whose licence field is missing or not SPDX, read by a person: name → what was found and decided. */
export const LICENCE_REVIEWED: Record<string, { licence: string; note: string }> = {
  chainsaw: {
    licence: 'MIT',
    note: 'declares "MIT/X11" (the X11 licence is MIT with a name clause); reached only through exceljs → unzipper',
  },
  busboy: {
    licence: 'MIT',
    note:
      'declares the old "licenses": [{type: "MIT"}] array, which npm does not copy into the lockfile; its LICENSE file ' +
      'is the MIT text. The streaming multipart parser of POST /v1/medical-documentation (decision 0058)',
  },
  streamsearch: {
    licence: 'MIT',
    note: 'busboy’s one dependency, by the same author, with the same old "licenses" array and the MIT text in LICENSE',
  },
  buffers: {
    licence: 'unknown (no licence field or file)',
    note:
      'by the author of chainsaw, published without a licence; reached only through exceljs → unzipper → binary, ' +
      'the fallback XLSX path (decision 0021). Left as a finding: replacing exceljs’s unzip path removes it',
  },
};

/**
 * Install scripts npm 11 skips unless package.json's allowScripts approves them. Each is denied there, with the reason
 * the project works without it.
 */
export const INSTALL_SCRIPTS_REVIEWED: Record<string, string> = {
  'classic-level':
    'node-gyp-build at install only picks a binary; the package ships prebuilt LevelDB bindings for linux-x64, which ' +
    'node-gyp-build also loads at run time, so nothing needs compiling',
  pkcs11js:
    'node-gyp rebuild of a PKCS#11 binding that @hyperledger/fabric-gateway loads only for HSM identities; dmsnet ' +
    'signs with file-based Fabric identities, so the binding is never loaded',
  protobufjs: 'postinstall only warns about protobufjs-cli versions; nothing is built',
  esbuild:
    'postinstall checks the platform binary, which npm already installs as the optional @esbuild/linux-x64 package; ' +
    'development only (vite)',
  '@scarf/scarf':
    'postinstall sends install analytics to a third party; development only (Spectral). Denied: nothing of the ' +
    'project needs it and the machines have no network for it',
};

interface LockPackage {
  version?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  hasInstallScript?: boolean;
  /** A workspace of this repository (formats, chaincode, gost, tables): ours, not a dependency. */
  link?: boolean;
}

export interface Lockfile {
  packages: Record<string, LockPackage>;
}

export interface RuntimePackage {
  name: string;
  version: string;
  licence: string;
}

const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Each runtime package once per name and version, sorted. */
export function runtimePackages(lock: Lockfile): RuntimePackage[] {
  const seen = new Map<string, RuntimePackage>();
  for (const [key, p] of Object.entries(lock.packages)) {
    if (!key || p.dev || p.link || !key.includes('node_modules/')) continue;
    const name = nameOf(key);
    const version = p.version ?? '?';
    seen.set(`${name}@${version}`, { name, version, licence: p.license ?? '' });
  }
  return [...seen.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}

/** Whether an SPDX expression (A OR B, A AND B, parentheses) lets the project ship the package. */
export function compatible(expression: string): boolean {
  const e = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/ OR /i.test(e)) return e.split(/ OR /i).some(compatible);
  if (/ AND /i.test(e)) return e.split(/ AND /i).every(compatible);
  return COMPATIBLE.has(e);
}

/** Runtime packages whose licence is neither compatible nor reviewed by a person. */
export function licenceFindings(lock: Lockfile): RuntimePackage[] {
  return runtimePackages(lock).filter((p) => !compatible(p.licence) && !LICENCE_REVIEWED[p.name]);
}

/** Packages with install scripts that package.json's allowScripts does not decide, or this review does not explain. */
export function installScriptFindings(lock: Lockfile, allowScripts: Record<string, boolean>): string[] {
  const out = new Set<string>();
  for (const [key, p] of Object.entries(lock.packages)) {
    if (!key || !p.hasInstallScript) continue;
    const name = nameOf(key);
    const decided = Object.keys(allowScripts).some((k) => k === name || k.startsWith(`${name}@`));
    if (!decided || !INSTALL_SCRIPTS_REVIEWED[name]) out.add(name);
  }
  return [...out].sort();
}

export function renderLicencesDoc(lock: Lockfile): string {
  const rows = runtimePackages(lock);
  const counts = new Map<string, number>();
  for (const p of rows) counts.set(p.licence || '(none)', (counts.get(p.licence || '(none)') ?? 0) + 1);
  const lines = [
    '# Licences of the runtime dependencies',
    '',
    'Generated from `package-lock.json` by `node scripts/supply-chain.mjs --write` (build first); a test fails when it',
    'is out of date, when a runtime dependency’s licence is not compatible with Apache-2.0 and not reviewed below, or',
    'when a package with an install script has no recorded decision. The SBOM (CycloneDX 1.5) is written by',
    '`npm run sbom`.',
    '',
    '## Summary',
    '',
    '| licence | packages |',
    '|---|---|',
    ...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([l, n]) => `| ${l} | ${n} |`),
    '',
    '## Reviewed by hand',
    '',
    '| package | licence | note |',
    '|---|---|---|',
    ...Object.entries(LICENCE_REVIEWED).map(([n, r]) => `| ${n} | ${r.licence} | ${r.note} |`),
    '',
    '## Install scripts (all denied in package.json `allowScripts`)',
    '',
    '| package | why the project works without it |',
    '|---|---|',
    ...Object.entries(INSTALL_SCRIPTS_REVIEWED).map(([n, why]) => `| ${n} | ${why} |`),
    '',
    '## Every runtime package',
    '',
    '| package | version | licence |',
    '|---|---|---|',
    ...rows.map((p) => `| ${p.name} | ${p.version} | ${p.licence || '(none)'} |`),
    '',
  ];
  return lines.join('\n');
}
