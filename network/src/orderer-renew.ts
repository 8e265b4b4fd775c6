// Renewing an orderer's signing and TLS certificates (decision 0064). A SmartBFT channel names each consenter by its
// enrolment certificate and its TLS certificate (the consenter mapping), and the peers check each block against the
// consenters' identities (BlockValidation): so unlike a peer's, an orderer's new certificates are a channel change.
// The owner enrols them into a staging folder beside the node's (the running orderer keeps its keys), proposes the
// update replacing its consenter entry, the orderer group's admins sign it as for any consenter change, and once the
// channel carries it the owner moves the new material in place and restarts the orderer. Between the commit and the
// restart the orderer is one faulty consenter of four, which SmartBFT tolerates: the others keep ordering.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FabricInstall } from './binaries.js';
import { checkUpdate, fetchConfig, writeConfigUpdate, type PolicyCheck } from './channel-update.js';
import {
  address,
  consenterOf,
  consentersOf,
  ordererGroup,
  ownOrderer,
  setConsenters,
  startOrderer,
  until,
  waitActiveConsenter,
  type Config,
  type Consenter,
} from './consenters.js';
import { NetworkError } from './errors.js';
import type { OrgContext } from './org.js';
import { generateNodeMaterial } from './pki.js';
import { isAlive, readPid, stopPid } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import type { CertificateFacts, Renewal } from './renew.js';
import { paths, type OrdererNode } from './topology.js';

/** Where an orderer's renewed material waits until the channel names it: beside the node's own folder. */
export const stagedDir = (ctx: Pick<OrgContext, 't'>, n: OrdererNode) =>
  `${paths(ctx.t).node(n.org, n.name)}.renewal`;

/** `config` with the consenter of the same id and address carrying `renewed`'s certificates; block validation follows. */
export function withRenewedConsenter(config: Config, renewed: Consenter): Config {
  const consenters = consentersOf(config);
  const i = consenters.findIndex((c) => c.id === renewed.id);
  const old = consenters[i];
  if (!old || address(old) !== address(renewed) || old.msp_id !== renewed.msp_id)
    throw new NetworkError(
      'CONSENTER_UNKNOWN',
      `no consenter ${renewed.id} of ${renewed.msp_id} at ${address(renewed)} (consenters: ${consenters
        .map((c) => `${c.id} ${c.msp_id} ${address(c)}`)
        .join('; ')})`,
    );
  if (
    old.identity === renewed.identity &&
    old.client_tls_cert === renewed.client_tls_cert &&
    old.server_tls_cert === renewed.server_tls_cert
  )
    throw new NetworkError(
      'CONSENTER_CHANGE_REFUSED',
      `consenter ${renewed.id} already carries these certificates: the renewal is in the channel, finish it`,
    );
  const updated = structuredClone(config);
  setConsenters(
    ordererGroup(updated),
    consenters.map((c, k) => (k === i ? renewed : c)),
  );
  return updated;
}

const facts = (pemBase64OrFile: Buffer): CertificateFacts => {
  const c = new X509Certificate(pemBase64OrFile);
  return { serial: c.serialNumber, validTo: new Date(c.validTo).toISOString() };
};

/** The consenter entry the channel holds for an own orderer (found by its address). */
async function channelEntry(ctx: OrgContext, fabric: FabricInstall, n: OrdererNode) {
  const current = await fetchConfig(ctx, fabric);
  const entry = consentersOf(current).find((c) => address(c) === address(n));
  if (!entry)
    throw new NetworkError(
      'CONSENTER_UNKNOWN',
      `${n.name} (${address(n)}) is not a consenter of ${ctx.t.channel}`,
    );
  return { current, entry };
}

/**
 * Step one, in the owner's folder: new signing and TLS certificates (new keys) from the organisation's CAs, staged
 * beside the node (made once; proposing again reuses them), and the update replacing its consenter entry written to
 * `out`. Returns the policy check (the orderer group's Admins) and the staged certificates.
 */
export async function proposeOrdererRenewal(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  out: string,
  say: Progress = silentProgress,
): Promise<PolicyCheck & { id: number; signing: CertificateFacts; tls: CertificateFacts }> {
  const n = ownOrderer(ctx, name);
  const { current, entry } = await channelEntry(ctx, fabric, n);
  const staged = stagedDir(ctx, n);
  if (!existsSync(path.join(staged, 'tls', 'server.crt'))) {
    say(`${n.name}: enrolling new signing and TLS certificates from ${ctx.org.mspId}'s CAs into ${staged}`);
    await generateNodeMaterial(ctx.t, ctx.org.key, { name: n.name, ou: 'orderer', host: n.host }, staged);
  } else say(`${n.name}: the renewed certificates staged in ${staged} are used again`);
  const renewed = await consenterOf(ctx, n, entry.id, staged);
  const { blockNumber: _, ...original } = current;
  await writeConfigUpdate(ctx, fabric, original, withRenewedConsenter(original, renewed), out);
  return {
    ...(await checkUpdate(ctx, fabric, out, { current })),
    id: entry.id,
    signing: facts(Buffer.from(renewed.identity, 'base64')),
    tls: facts(Buffer.from(renewed.server_tls_cert, 'base64')),
  };
}

/**
 * Step two, once the update is submitted: waits until the channel carries the staged certificates, moves them in
 * place of the node's, restarts the orderer with them and waits until it is an active consenter again. The previous
 * material (old keys) is deleted once it is; until then it stays in `<node>.previous` for the operator to go back to.
 */
export async function finishOrdererRenewal(
  ctx: OrgContext,
  fabric: FabricInstall,
  name: string,
  say: Progress = silentProgress,
  timeoutMs = 120_000,
): Promise<Renewal> {
  const n = ownOrderer(ctx, name);
  const staged = stagedDir(ctx, n);
  const own = paths(ctx.t).node(n.org, n.name);
  const previous = `${own}.previous`;
  const isStaged = existsSync(path.join(staged, 'tls', 'server.crt'));
  // Run again after a crash past the swap: the renewed material is in place and the old one beside it.
  const swapped = !isStaged && existsSync(path.join(previous, 'tls', 'server.crt'));
  if (!isStaged && !swapped)
    throw new NetworkError(
      'NODE_NOT_READY',
      `${n.name} has no renewed certificates staged; run "node renew --node ${n.name} --out <update file>" first`,
    );
  if (!swapped) {
    const wanted = (await readFile(path.join(staged, 'tls', 'server.crt'))).toString('base64');
    say(`${n.name}: waiting for the channel to name its renewed TLS certificate`);
    await until(
      timeoutMs,
      `the channel does not carry ${n.name}'s renewed certificates yet: sign and submit the update first`,
      async () => (await channelEntry(ctx, fabric, n)).entry.server_tls_cert === wanted,
    );
    const pid = await readPid(paths(ctx.t).pid(n.name));
    if (pid && isAlive(pid)) {
      say(`${n.name}: stopping it to restart with the renewed certificates`);
      await stopPid(pid);
    }
    // Two renames, each atomic; a crash between them leaves the node's folder absent and both others present.
    if (existsSync(own)) {
      await rm(previous, { recursive: true, force: true });
      await rename(own, previous);
    }
    await rename(staged, own);
  }
  const read = async (dir: string) => ({
    signing: facts(await readFile(path.join(dir, 'msp', 'signcerts', 'cert.pem'))),
    tls: facts(await readFile(path.join(dir, 'tls', 'server.crt'))),
  });
  const before = await read(previous);
  const after = await read(own);
  await startOrderer(ctx, fabric, n.name, say);
  say(`${n.name}: waiting until it is an active consenter again`);
  await waitActiveConsenter(ctx, fabric, n);
  await rm(previous, { recursive: true, force: true });
  say(
    `${n.name}: signing certificate ${after.signing.serial} valid to ${after.signing.validTo}, ` +
      `TLS ${after.tls.serial} valid to ${after.tls.validTo}`,
  );
  return {
    node: n.name,
    signing: { before: before.signing, after: after.signing },
    tls: { before: before.tls, after: after.tls },
  };
}
