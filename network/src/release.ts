// Which chaincode release each organisation's chaincode server runs: its version, package label and id, and port.
// Recorded where the organisation's admin acts from (org.json of its own folder, network.json for a founder), so
// approvals, restarts and rebuilds after an upgrade use the package the organisation runs now (decision 0051).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ccaasPackage } from './chaincode-package.js';
import { NetworkError } from './errors.js';
import { CHAINCODE_VERSION } from './lifecycle.js';
import { HOME_FILE, writeHome, type OrgContext, type OrgHome } from './org.js';
import { readState, writeState, type ChaincodeRelease, type OrgChaincode } from './state.js';

export type { ChaincodeRelease, OrgChaincode };
import { paths } from './topology.js';

/** A version as a definition and a package label accept it: digits and dots, or letters, digits, . _ + -. */
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/;

/** The package label of a release: the first release keeps the label `up` gave it, so its package id stays. */
export const releaseLabel = (ctx: Pick<OrgContext, 't' | 'org'>, version: string) =>
  version === CHAINCODE_VERSION
    ? `${ctx.t.chaincode}_${ctx.org.key}`
    : `${ctx.t.chaincode}_${ctx.org.key}_${version}`;

/** The deterministic package of a release: its label and the address of its chaincode server. */
export function releasePackage(ctx: Pick<OrgContext, 'peer'>, r: Pick<ChaincodeRelease, 'label' | 'port'>) {
  return ccaasPackage(r.label, {
    address: `${ctx.peer.host}:${r.port}`,
    dial_timeout: '10s',
    tls_required: false,
  });
}

/** A release of this organisation at a version and port, with the package id Fabric will compute. */
export async function makeRelease(
  ctx: Pick<OrgContext, 't' | 'org' | 'peer'>,
  version: string,
  port: number,
): Promise<ChaincodeRelease> {
  if (!VERSION_PATTERN.test(version))
    throw new NetworkError(
      'CHAINCODE_VERSION_INVALID',
      `chaincode version ${version}: letters, digits, . _ + - (at most 32)`,
    );
  const label = releaseLabel(ctx, version);
  const { packageId } = await releasePackage(ctx, { label, port });
  return { version, label, port, packageId };
}

/** The release recorded where the organisation's admin acts from; undefined for one that never recorded one. */
export async function recordedRelease(ctx: OrgContext): Promise<OrgChaincode | undefined> {
  return ctx.source === 'home'
    ? ((JSON.parse(await readFile(path.join(ctx.t.dir, HOME_FILE), 'utf8')) as OrgHome).chaincode ??
        undefined)
    : (await readState(paths(ctx.t).state))?.chaincode?.[ctx.org.key];
}

/** The organisation's recorded release; one never upgraded runs the first release on its peer's chaincode port. */
export async function readRelease(ctx: OrgContext): Promise<OrgChaincode> {
  return (await recordedRelease(ctx)) ?? makeRelease(ctx, CHAINCODE_VERSION, ctx.peer.ccServerPort);
}

/**
 * The release an organisation installs when it joins: the one it recorded, else the one the channel's committed
 * definition names (`committedVersion`, undefined where nothing is committed yet). A newcomer after an upgrade thus
 * installs the current release's package on its peer's chaincode port, not the first release's, which no longer
 * matches the definition every other organisation approved.
 */
export async function joiningRelease(
  ctx: OrgContext,
  committedVersion: string | undefined,
): Promise<{ release: OrgChaincode; recorded: boolean }> {
  const recorded = await recordedRelease(ctx);
  if (recorded) return { release: recorded, recorded: true };
  return {
    release: await makeRelease(ctx, committedVersion ?? CHAINCODE_VERSION, ctx.peer.ccServerPort),
    recorded: false,
  };
}

/** Records the organisation's release where its admin acts from; for a founder the package id `up` recorded too. */
export async function writeRelease(ctx: OrgContext, r: OrgChaincode): Promise<void> {
  if (ctx.source === 'home') {
    const home = JSON.parse(await readFile(path.join(ctx.t.dir, HOME_FILE), 'utf8')) as OrgHome;
    await writeHome({ ...home, chaincode: r });
    return;
  }
  const state = await readState(paths(ctx.t).state);
  if (!state) throw new NetworkError('FABRIC_CONFIG_MISSING', `no network.json in ${ctx.t.dir}`);
  state.chaincode = { ...state.chaincode, [ctx.org.key]: r };
  state.packageIds = { ...state.packageIds, [ctx.org.key]: r.packageId };
  await writeState(state);
}
