import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { repoPath } from '@dmsnet/formats/paths';
import { passphraseForInit } from '../../node-config/src/passphrase.js';

/** A terminal stand-in: the lines typed, and everything written back to the person. */
function terminal(lines: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString('utf8')));
  // Type each line once the previous prompt is up, as a person would.
  let next = 0;
  output.on('data', (c: Buffer) => {
    if (c.toString('utf8').includes(':') && next < lines.length)
      setImmediate(() => input.write(lines[next++] + '\n'));
  });
  return { input, output, shown: () => shown };
}

describe('dmsnet-node init: the passphrase', () => {
  it('is taken from DMSNET_PASSPHRASE without asking', async () => {
    const t = terminal([]);
    expect(await passphraseForInit({ env: { DMSNET_PASSPHRASE: 'from-env' }, tty: true, ...t })).to.equal(
      'from-env',
    );
    expect(t.shown()).to.equal('');
  });

  it('is asked twice on a terminal, never echoed, and asked again when the two differ', async () => {
    const t = terminal(['correct horse', 'correct hose', 'correct horse', 'correct horse']);
    expect(await passphraseForInit({ env: {}, tty: true, ...t })).to.equal('correct horse');
    expect(t.shown()).to.not.include('correct');
    expect(t.shown()).to.include('the two do not match');
    expect(t.shown().match(/Passphrase for the node’s key file/g)).to.have.length(2);
  });

  it('gives up after three mismatches, and without a terminal fails naming the variables', async () => {
    const t = terminal(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    const e = await passphraseForInit({ env: {}, tty: true, ...t }).catch((x: { code: string }) => x);
    expect((e as { code: string }).code).to.equal('PASSPHRASE_MISMATCH');
    const none = await passphraseForInit({ env: {}, tty: false }).catch((x: Error) => x);
    expect((none as Error).message).to.include('DMSNET_PASSPHRASE');
  });

  it('every CLI answers --help and --version and exits 0', () => {
    // Where each package builds it: the root's tools in dist/, the formats package's in its own dist/.
    const bins = [
      ['dist', 'node-config', 'src', 'cli.js'],
      ['formats', 'dist', 'cli', 'main.js'],
      ['dist', 'network', 'src', 'cli.js'],
      ['dist', 'sandbox', 'src', 'demo', 'start.js'],
    ];
    for (const b of bins) {
      for (const flag of ['--help', '--version']) {
        const r = spawnSync(process.execPath, [repoPath(...b), flag], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        expect(r.status, `${b.join('/')} ${flag}: ${r.stderr}`).to.equal(0);
        if (flag === '--version') expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
        else expect(r.stdout).to.include('Usage:');
      }
    }
  });
});
