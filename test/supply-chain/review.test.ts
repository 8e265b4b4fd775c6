import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from '@dmsnet/formats/paths';
import {
  compatible,
  installScriptFindings,
  licenceFindings,
  renderLicencesDoc,
  type Lockfile,
} from './review.js';

const read = (file: string) => JSON.parse(readFileSync(repoPath(file), 'utf8')) as unknown;

describe('supply chain (package-lock.json)', () => {
  const lock = read('package-lock.json') as Lockfile;
  const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };

  it('ships only runtime dependencies whose licence is compatible with Apache-2.0, or reviewed by a person', () => {
    expect(licenceFindings(lock).map((p) => `${p.name}@${p.version} ${p.licence}`)).to.deep.equal([]);
  });

  it('reads SPDX expressions: one compatible alternative is enough, every conjunct must be', () => {
    expect(compatible('(MIT OR GPL-3.0-or-later)')).to.equal(true);
    expect(compatible('(MIT AND Zlib)')).to.equal(true);
    expect(compatible('(MIT AND GPL-3.0-only)')).to.equal(false);
    expect(compatible('AGPL-3.0-only')).to.equal(false);
    expect(compatible('')).to.equal(false);
  });

  it('has a recorded decision for every install script npm skips', () => {
    expect(installScriptFindings(lock, pkg.allowScripts ?? {})).to.deep.equal([]);
    // A new package with an install script is a finding until someone decides on it.
    const grown: Lockfile = {
      packages: { ...lock.packages, 'node_modules/new-native': { version: '1.0.0', hasInstallScript: true } },
    };
    expect(installScriptFindings(grown, pkg.allowScripts ?? {})).to.deep.equal(['new-native']);
  });

  it('is what docs/licences.md says (regenerate: node scripts/supply-chain.mjs --write)', () => {
    expect(readFileSync(repoPath(path.join('docs', 'licences.md')), 'utf8')).to.equal(
      renderLicencesDoc(lock),
    );
  });
});
