// A newcomer after a chaincode upgrade, an upgrade under way in `network status`, and `org create --kind`: the parts
// that need no running network (decision 0051). The in-process CA keeps the test fast; growth.fabric.ts walks an
// upgrade and newcomers on real Fabric.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CHAINCODE_VERSION } from '../../network/src/lifecycle.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { createOrg, openOrg } from '../../network/src/org.js';
import { joiningRelease, makeRelease, readRelease, writeRelease } from '../../network/src/release.js';
import { chaincodeServers, networkStatus, releaseLines } from '../../network/src/status.js';
import { useOrgFolders } from './org-folders.js';

describe('a newcomer after an upgrade, a pending upgrade in status, org kinds', function () {
  this.timeout(120_000);
  const home = useOrgFolders('join-release');

  it('an organisation joining after an upgrade installs the current release, then keeps what it recorded', async () => {
    const dir = await home();
    await createOrg({ dir, key: 'insurer9', mspId: 'Insurer9MSP', portBase: 31900, peers: 1 });
    const ctx = await openOrg(dir);
    const first = await readRelease(ctx);
    expect(first.version).to.equal(CHAINCODE_VERSION);

    // The channel's committed definition names 1.1: the newcomer's package is 1.1's, on its peer's chaincode port.
    const joining = await joiningRelease(ctx, '1.1');
    expect(joining.recorded).to.equal(false);
    expect(joining.release).to.deep.include({
      version: '1.1',
      label: 'dmsnet_insurer9_1.1',
      port: ctx.peer.ccServerPort,
    });
    expect(joining.release.packageId).to.equal(
      (await makeRelease(ctx, '1.1', ctx.peer.ccServerPort)).packageId,
    );
    expect(joining.release.packageId).to.not.equal(first.packageId);

    // Nothing committed yet: the first release, as "up" installs it.
    expect((await joiningRelease(ctx, undefined)).release.packageId).to.equal(first.packageId);

    // Recorded, it is what the organisation runs from then on, whatever the channel says.
    await writeRelease(ctx, joining.release);
    const again = await joiningRelease(ctx, '1.0');
    expect(again.recorded).to.equal(true);
    expect(again.release.version).to.equal('1.1');
    expect((await readRelease(ctx)).packageId).to.equal(joining.release.packageId);
  });

  it('status lists an upgrade under way and the cc.<org>.next server beside cc.<org>', async () => {
    const dir = await home();
    await createOrg({ dir, key: 'insurer8', mspId: 'Insurer8MSP', portBase: 31950, peers: 1 });
    const ctx = await openOrg(dir);
    const current = await readRelease(ctx);
    const next = await makeRelease(ctx, '1.1', ctx.peer.ccServerPort + 4);
    await writeRelease(ctx, { ...current, next });

    const s = await networkStatus(dir);
    expect(s.releases).to.deep.equal([
      {
        org: 'insurer8',
        version: CHAINCODE_VERSION,
        packageId: current.packageId,
        next: { version: '1.1', packageId: next.packageId },
      },
    ]);
    expect(s.processes.map((p) => p.name)).to.include.members(['cc.insurer8', 'cc.insurer8.next']);
    expect(s.processes.find((p) => p.name === 'cc.insurer8.next')?.alive).to.equal(false);

    const cli = spawnSync(
      process.execPath,
      [path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js'), '--dir', dir, 'status'],
      { encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).to.equal(0);
    expect(cli.stdout).to.include(
      `release insurer8       ${CHAINCODE_VERSION}  upgrade pending: 1.1 installed beside it (cc.insurer8.next)`,
    );

    // Finished (no next recorded, no pid file): one server per organisation again.
    await writeRelease(ctx, next);
    expect((await networkStatus(dir)).processes.map((p) => p.name)).to.not.include('cc.insurer8.next');
  });

  it('the pure parts: a release line per recorded organisation, the next server while pending or still running', () => {
    const r = { version: '1.0', label: 'a', port: 1, packageId: 'a:1' };
    const lines = releaseLines({
      insurer1: r,
      insurer2: undefined,
      clinichost: { ...r, next: { version: '1.1', label: 'b', port: 5, packageId: 'b:2' } },
    });
    expect(lines).to.deep.equal([
      { org: 'insurer1', version: '1.0', packageId: 'a:1' },
      { org: 'clinichost', version: '1.0', packageId: 'a:1', next: { version: '1.1', packageId: 'b:2' } },
    ]);
    expect(
      chaincodeServers(['insurer1', 'insurer2', 'clinichost'], lines, (n) => n === 'cc.insurer2.next'),
    ).to.deep.equal([
      'cc.insurer1',
      'cc.insurer2',
      'cc.insurer2.next',
      'cc.clinichost',
      'cc.clinichost.next',
    ]);
  });

  it('org create refuses a kind it does not know, naming the option and the kinds it takes', async () => {
    for (const kind of ['association', 'hospital']) {
      const err = await createOrg({
        dir: await home(),
        key: 'insurer7',
        mspId: 'Insurer7MSP',
        kind: kind as 'insurer',
        portBase: 31990,
      }).then(
        () => undefined,
        (e: { code?: string; message: string }) => e,
      );
      expect(err?.code).to.equal('ORG_DEFINITION_INVALID');
      expect(err?.message).to.match(new RegExp(`^kind ${kind}: insurer, assistance, clinic-host`));
    }
    const dir = await home();
    const cli = spawnSync(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js'),
        'org',
        'create',
        '--home',
        path.join(dir, 'x'),
        '--key',
        'hospital1',
        '--msp',
        'Hospital1MSP',
        '--kind',
        'hospital',
      ],
      { encoding: 'utf8' },
    );
    expect(cli.status).to.equal(1);
    expect(cli.stderr).to.include("option '--kind <kind>' argument 'hospital' is invalid");
    expect(cli.stderr).to.include('insurer, assistance, clinic-host');
  });
});
