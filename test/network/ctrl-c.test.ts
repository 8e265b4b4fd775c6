import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { groupMembers, listening, startNpmInOwnGroup } from './processes.js';

describe('Ctrl-C on `npm start`, as a terminal sends it', function () {
  // npm start builds first (tsc and the console): minutes on a loaded machine.
  this.timeout(1_200_000);
  const portBase = Number(process.env.DMSNET_TEST_CTRLC_PORT_BASE ?? 26500);

  it('stops every process of the group: npm, its shell and the story, with the gateways’ ports closed', async () => {
    const { pgid, output } = await startNpmInOwnGroup(
      PACKAGE_ROOT,
      ['--port-base', String(portBase)],
      'The gateways stay up',
    );
    try {
      // The console users are added after the line above; wait until the last gateway answers.
      for (let i = 0; i < 600 && !output().includes('users:'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await listening(portBase), 'the first gateway is up').to.equal(true);
      expect(groupMembers(pgid).length, 'npm, sh and node run in the group').to.be.greaterThan(1);

      process.kill(-pgid, 'SIGINT');
      const deadline = Date.now() + 60_000;
      while (groupMembers(pgid).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(groupMembers(pgid), `left running after SIGINT:\n${output().slice(-2000)}`).to.deep.equal([]);
      for (let port = portBase; port < portBase + 5; port++) {
        expect(await listening(port), `port ${port} closed`).to.equal(false);
      }
    } finally {
      // Only our own group, and only if the test failed before it stopped.
      if (groupMembers(pgid).length) process.kill(-pgid, 'SIGKILL');
    }
  });
});
