// The fuzz targets' regression run: every input of every target's committed corpus (seeds, and each finding once
// fixed) replayed through the target, uninstrumented. A target's invariant broken by any of them fails the suite.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoPath } from '@dmsnet/formats/paths';
import type { FuzzTarget } from '../../fuzz/targets/target.js';

const corpusRoot = repoPath('fuzz', 'corpus');
const names = readdirSync(corpusRoot).sort();

describe('fuzz targets: the committed corpus replays without breaking an invariant', () => {
  it('every target has a corpus and every corpus a target', () => {
    const targets = readdirSync(repoPath('fuzz', 'targets'))
      .filter((f) => f.endsWith('.ts') && f !== 'target.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(names).to.deep.equal(targets);
  });

  for (const name of names) {
    it(name, async () => {
      const target = (await import(`../../fuzz/targets/${name}.js`)).default as FuzzTarget;
      const files = readdirSync(path.join(corpusRoot, name));
      expect(files.length, `${name} has no corpus`).to.be.greaterThan(0);
      for (const f of files) {
        const data = new Uint8Array(readFileSync(path.join(corpusRoot, name, f)));
        try {
          await target.run(data);
        } catch (e) {
          throw new Error(`fuzz/corpus/${name}/${f}: ${(e as Error).stack ?? String(e)}`);
        }
      }
    });
  }
});
