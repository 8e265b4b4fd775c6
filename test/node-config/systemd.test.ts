import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';

describe('node-config: the systemd unit the guide’s systemctl lines use', () => {
  it('starts `dmsnet-node start` from the built CLI with the passphrase from a file, and stops it with SIGTERM', async () => {
    const unit = await readFile(
      path.join(PACKAGE_ROOT, 'node-config', 'systemd', 'dmsnet-node.service'),
      'utf8',
    );
    const exec = /^ExecStart=(\S+) \/opt\/dmsnet\/(\S+) start (\S+)$/m.exec(unit);
    expect(exec, 'ExecStart runs node on the CLI with `start DIR`').to.not.equal(null);
    expect(existsSync(path.join(PACKAGE_ROOT, exec![2]!)), `${exec![2]} is what the build writes`).to.equal(
      true,
    );
    expect(unit).to.match(/^Environment=DMSNET_PASSPHRASE_FILE=/m);
    expect(unit).to.not.match(/DMSNET_PASSPHRASE=/);
    expect(unit).to.match(/^KillSignal=SIGTERM$/m);
    expect(unit).to.match(new RegExp(`^ReadWritePaths=${exec![3]!.replace(/\//g, '\\/')}$`, 'm'));
    const guide = await readFile(path.join(PACKAGE_ROOT, 'docs', 'operator-guide.ru.md'), 'utf8');
    expect(guide).to.include('node-config/systemd/dmsnet-node.service');
    expect(guide).to.include('systemctl stop dmsnet-node');
  });
});
