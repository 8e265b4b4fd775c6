// The "upgrade the chaincode" step of a running network, as the operators of its organisations run it, each in its own
// folder: install the new release beside the running one and approve it; the commit is refused until the lifecycle
// policy is met; after it, each organisation's peers run the new release and its old chaincode server is stopped.
// Shared by upgrade.fabric.ts and the growth suite.
import { expect } from 'chai';
import type { FabricInstall } from '../../network/src/binaries.js';
import { peerCli } from '../../network/src/cli-tools.js';
import { commitChaincode, committedDefinition } from '../../network/src/membership.js';
import type { OrgContext } from '../../network/src/org.js';
import { isAlive, readPid } from '../../network/src/processes.js';
import { silentProgress, type Progress } from '../../network/src/progress.js';
import { readRelease } from '../../network/src/release.js';
import { paths, peersOf, type PeerNode } from '../../network/src/topology.js';
import { finishUpgrade, prepareUpgrade, serverName } from '../../network/src/upgrade.js';

/** The JSON a peer CLI printed, without any log line around it. */
const json = (out: string): unknown => JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));

/** The version the chaincode answering on this peer reports (its metadata), asked of that peer alone. */
export async function versionOn(ctx: OrgContext, fabric: FabricInstall, n: PeerNode): Promise<string> {
  const out = await peerCli(
    ctx.t,
    fabric,
    n,
    [
      'chaincode',
      'query',
      '-C',
      ctx.t.channel,
      '-n',
      ctx.t.chaincode,
      '-c',
      JSON.stringify({ Args: ['org.hyperledger.fabric:GetMetadata'] }),
    ],
    `chaincode metadata on ${n.name}`,
  );
  return (json(out) as { info: { version: string } }).info.version;
}

/** The package ids the organisation's peers have installed, by label. */
export async function installedOn(ctx: OrgContext, fabric: FabricInstall, n: PeerNode) {
  const out = await peerCli(
    ctx.t,
    fabric,
    n,
    ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'],
    `queryinstalled on ${n.name}`,
  );
  const list = (json(out) as { installed_chaincodes?: Array<{ package_id: string; label: string }> })
    .installed_chaincodes;
  return Object.fromEntries((list ?? []).map((c) => [c.label, c.package_id]));
}

export interface UpgradeStep {
  version: string;
  sequence: number;
  /** Package id per organisation key of the release each now runs. */
  packageIds: Record<string, string>;
}

/**
 * Upgrades the chaincode to `version`: every organisation of `orgs` installs and approves in its own folder (the first
 * one alone is refused the commit, naming who is missing), the first commits, each finishes. Then every peer of
 * every organisation answers with the new release and no old chaincode server runs.
 */
export async function upgradeChaincode(
  orgs: readonly OrgContext[],
  fabric: FabricInstall,
  version: string,
  say: Progress = silentProgress,
): Promise<UpgradeStep> {
  const [first, ...rest] = orgs;
  if (!first || !rest.length) throw new Error('an upgrade step needs at least two organisations');
  const before = await committedDefinition(first, fabric);
  const oldPids: Record<string, number | undefined> = {};
  for (const ctx of orgs) oldPids[ctx.org.key] = await readPid(paths(ctx.t).pid(serverName(ctx)));

  const approved = await prepareUpgrade(first, fabric, { version, progress: say });
  expect(approved.sequence).to.equal(before.sequence + 1);
  try {
    await commitChaincode(first, fabric, approved);
    expect.fail(`version ${version} was committed with ${first.org.mspId}'s approval alone`);
  } catch (err) {
    const e = err as { code?: string; message: string };
    expect(e.code, e.message).to.equal('CHAINCODE_APPROVALS_MISSING');
    expect(e.message).to.include(`approved by ${first.org.mspId};`);
    expect(e.message).to.include(`"chaincode upgrade --version ${version}"`);
    say(`commit refused as expected: ${e.message}`);
  }
  for (const ctx of rest) {
    const d = await prepareUpgrade(ctx, fabric, { version, progress: say });
    // Every organisation computes the same definition on its own.
    expect({ sequence: d.sequence, policy: d.policy }).to.deep.equal({
      sequence: approved.sequence,
      policy: approved.policy,
    });
  }
  // Until the commit every peer still runs the old release.
  expect(await versionOn(first, fabric, first.peer)).to.equal(before.version);
  say(`committing version ${version}, sequence ${approved.sequence}`);
  await commitChaincode(first, fabric, approved);

  const packageIds: Record<string, string> = {};
  for (const ctx of orgs) {
    const r = await finishUpgrade(ctx, fabric, say);
    packageIds[ctx.org.key] = r.packageId;
    expect(r.label).to.equal(`${ctx.t.chaincode}_${ctx.org.key}_${version}`);
    expect((await readRelease(ctx)).next, 'no upgrade left in progress').to.equal(undefined);
    const old = oldPids[ctx.org.key];
    if (old) expect(isAlive(old), `${ctx.org.mspId}'s old chaincode server`).to.equal(false);
    const now = await readPid(paths(ctx.t).pid(serverName(ctx)));
    expect(now && isAlive(now), `${ctx.org.mspId}'s new chaincode server`).to.equal(true);
  }
  // The new release is what answers: asked on every peer, the chaincode reports the new version; each peer has the
  // organisation's new package installed under its new label.
  for (const ctx of orgs) {
    for (const n of peersOf(ctx.t, ctx.org.key)) {
      expect(await versionOn(ctx, fabric, n), n.name).to.equal(version);
      expect(await installedOn(ctx, fabric, n), n.name).to.have.property(
        `${ctx.t.chaincode}_${ctx.org.key}_${version}`,
        packageIds[ctx.org.key],
      );
    }
  }
  const after = await committedDefinition(first, fabric);
  expect(after).to.deep.equal({ sequence: approved.sequence, version });
  say(`chaincode ${version} committed at sequence ${after.sequence}; every peer answers with it`);
  return { version, sequence: after.sequence, packageIds };
}
