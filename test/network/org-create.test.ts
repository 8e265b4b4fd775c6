// `org create` in an organisation's own folder: an assistance company is an organisation kind of its own, and an
// organisation may run one peer instead of two (README: which topology guarantees what). The in-process CA keeps the
// test fast; growth.fabric.ts makes such organisations with their own Fabric CA on a running network.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createOrg, openOrg } from '../../network/src/org.js';
import { paths } from '../../network/src/topology.js';
import { useOrgFolders } from './org-folders.js';

describe('org create: kinds and the peer count of a newcomer', function () {
  this.timeout(60_000);
  const home = useOrgFolders('org-create');

  it('an assistance company runs two peers by default, each with its own keys in its folder', async () => {
    const dir = await home();
    await createOrg({
      dir,
      key: 'assistance1',
      mspId: 'Assistance1MSP',
      kind: 'assistance',
      portBase: 31600,
    });
    const ctx = await openOrg(dir);
    expect(ctx.org).to.deep.include({ key: 'assistance1', kind: 'assistance' });
    expect(ctx.t.peers.map((n) => [n.name, n.port])).to.deep.equal([
      ['peer0.assistance1', 31600],
      ['peer1.assistance1', 31604],
    ]);
    for (const n of ctx.t.peers)
      expect(
        existsSync(path.join(paths(ctx.t).node('assistance1', n.name), 'msp', 'keystore', 'priv_sk')),
      ).to.equal(true);
  });

  it('runs one peer when asked, on its own address; any other count is refused naming it', async () => {
    const dir = await home();
    await createOrg({
      dir,
      key: 'clinichost2',
      mspId: 'ClinicHost2MSP',
      kind: 'clinic-host',
      host: '127.0.0.4',
      portBase: 31700,
      peers: 1,
    });
    const ctx = await openOrg(dir);
    expect(ctx.t.peers).to.have.length(1);
    expect(ctx.peer).to.deep.include({ name: 'peer0.clinichost2', host: '127.0.0.4', port: 31700 });
    for (const peers of [0, 3]) {
      const err = await createOrg({
        dir: await home(),
        key: 'insurer9',
        mspId: 'Insurer9MSP',
        portBase: 31800,
        peers,
      }).then(
        () => undefined,
        (e: { code?: string; message: string }) => e,
      );
      expect(err?.code).to.equal('ORG_DEFINITION_INVALID');
      expect(err?.message).to.equal(`peers ${peers}: 1 or 2`);
    }
  });
});
