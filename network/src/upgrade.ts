// Upgrading the chaincode on a running channel, each organisation in its own folder (decision 0051): it installs the
// new release beside the running one (its own chaincode server on a second port, started before it approves),
// approves the new definition, and once the definition is committed stops the old server. Gateways keep sending
// throughout: until the commit the peers run the old release, after it the new one.
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { FabricInstall } from './binaries.js';
import { NetworkError } from './errors.js';
import { waitCommitted } from './lifecycle.js';
import {
  approveChaincode,
  committedDefinition,
  installRelease,
  nextChaincodeDefinition,
  type ChaincodeDefinition,
} from './membership.js';
import type { OrgContext } from './org.js';
import { isAlive, readPid, stopPid } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { makeRelease, readRelease, writeRelease, type ChaincodeRelease } from './release.js';
import { paths, peersOf } from './topology.js';

/** The process names of the organisation's chaincode server: the release it runs and the one it installed next. */
export const serverName = (ctx: Pick<OrgContext, 'org'>) => `cc.${ctx.org.key}`;
export const nextServerName = (ctx: Pick<OrgContext, 'org'>) => `cc.${ctx.org.key}.next`;

/**
 * The second port of an organisation's chaincode server: the release after the one on the peer's chaincode port runs
 * 4 above it (the port its first block keeps for a second server), and the one after that back on the first.
 */
export const otherPort = (ctx: Pick<OrgContext, 'peer'>, port: number) =>
  port === ctx.peer.ccServerPort ? ctx.peer.ccServerPort + 4 : ctx.peer.ccServerPort;

export interface UpgradeOptions {
  version: string;
  /** The agreed sequence (default: committed + 1). */
  sequence?: number;
  /** The agreed endorsement policy (default: any two of the channel's organisations, as approve-next). */
  policy?: string;
  /** The new release's chaincode server port (default: the other of the organisation's two). */
  port?: number;
  progress?: Progress;
}

/**
 * One organisation's part of an upgrade: installs the new release (package, server, every peer) and approves the new
 * definition with it. Running it again resumes where it stopped. Returns the definition it approved.
 */
export async function prepareUpgrade(
  ctx: OrgContext,
  fabric: FabricInstall,
  o: UpgradeOptions,
): Promise<Required<ChaincodeDefinition> & { release: ChaincodeRelease }> {
  const say = o.progress ?? silentProgress;
  const current = await readRelease(ctx);
  const committed = await committedDefinition(ctx, fabric);
  if (current.version === o.version)
    throw new NetworkError('CHAINCODE_VERSION_INVALID', `${ctx.org.mspId} already runs version ${o.version}`);
  // Committed without this organisation's approval (the others met the policy): it approves the committed
  // definition, and its peers endorse again once they run the new release.
  const late = committed.version === o.version;
  const port = o.port ?? current.next?.port ?? otherPort(ctx, current.port);
  if (port === current.port)
    throw new NetworkError(
      'PORT_IN_USE',
      `port ${port} is the running release's (${current.version}); the new one needs another`,
    );
  const release = await makeRelease(ctx, o.version, port);
  say(
    `${ctx.org.mspId}: installing chaincode ${o.version} (package ${release.packageId}) on port ${port}, ` +
      `beside ${current.version} on ${current.port}`,
  );
  // Recorded before its server starts, so a crash midway is resumed by running the verb again.
  await writeRelease(ctx, { ...current, next: release });
  await installRelease(ctx, fabric, release, nextServerName(ctx), say);
  const next = await nextChaincodeDefinition(ctx, fabric);
  const d = {
    sequence: o.sequence ?? (late ? committed.sequence : next.sequence),
    policy: o.policy ?? next.policy,
    version: o.version,
  };
  say(`${ctx.org.mspId}: approving version ${d.version}, sequence ${d.sequence}, ${d.policy}`);
  await approveChaincode(ctx, fabric, d);
  return { ...d, release };
}

/**
 * After the commit: waits until every peer of the organisation sees the new definition, stops the old release's
 * server and records the new release as the one the organisation runs (its server now the organisation's `cc.<key>`).
 */
export async function finishUpgrade(
  ctx: OrgContext,
  fabric: FabricInstall,
  say: Progress = silentProgress,
  timeoutMs = 120_000,
): Promise<ChaincodeRelease> {
  const current = await readRelease(ctx);
  const next = current.next;
  if (!next)
    throw new NetworkError(
      'CHAINCODE_UPGRADE_NOT_READY',
      `${ctx.org.mspId} has no upgrade in progress (it runs ${current.version}); run "chaincode upgrade" first`,
    );
  const committed = await committedDefinition(ctx, fabric);
  if (committed.version !== next.version)
    throw new NetworkError(
      'CHAINCODE_UPGRADE_NOT_READY',
      `version ${next.version} is not committed yet (the channel runs ${committed.version} at sequence ${committed.sequence}); ` +
        'commit it with "chaincode commit-next --version" once enough organisations approved',
    );
  say(`${ctx.org.mspId}: waiting for its peers to run version ${next.version}`);
  for (const n of peersOf(ctx.t, ctx.org.key)) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        await waitCommitted(ctx.t, fabric, ctx.t.chaincode, committed.sequence, [n], next.version);
        break;
      } catch (err) {
        if (Date.now() > until) throw err;
      }
    }
  }
  const p = paths(ctx.t);
  const old = await readPid(p.pid(serverName(ctx)));
  if (old && isAlive(old)) {
    say(`${ctx.org.mspId}: stopping chaincode server ${current.version} (pid ${old})`);
    await stopPid(old);
  }
  // The new release's server becomes the organisation's chaincode server: status, down and restarts find it by name.
  if (existsSync(p.pid(nextServerName(ctx))))
    await rename(p.pid(nextServerName(ctx)), p.pid(serverName(ctx)));
  await writeRelease(ctx, next);
  say(`${ctx.org.mspId}: runs chaincode ${next.version} on ${ctx.peer.host}:${next.port}`);
  return next;
}
