// Organisation folders for the network unit tests: each test's organisation in a temporary folder of its own, with the
// in-process CA (DMSNET_FABRIC_CA=off) so no Fabric CA server is started; the folders and the setting go afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Registers the suite's hooks; returns a function that makes one more folder. */
export function useOrgFolders(prefix: string): () => Promise<string> {
  const before = process.env.DMSNET_FABRIC_CA;
  const dirs: string[] = [];
  beforeEach(() => {
    process.env.DMSNET_FABRIC_CA = 'off';
  });
  after(async () => {
    if (before === undefined) delete process.env.DMSNET_FABRIC_CA;
    else process.env.DMSNET_FABRIC_CA = before;
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return async () => {
    const d = await mkdtemp(path.join(tmpdir(), `dmsnet-${prefix}-`));
    dirs.push(d);
    return d;
  };
}
