// Renewing a peer's certificates before they expire, from the organisation's own CA in its own folder (decision 0051):
// a new signing certificate and a new TLS pair (new keys), then the peer restarted with them. The channel config
// holds the organisation's CA roots, not its peers' certificates, so nothing else changes.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FabricInstall } from './binaries.js';
import { NetworkError } from './errors.js';
import { peerHeight, startPeer, waitHeight } from './membership.js';
import type { OrgContext } from './org.js';
import { generateNodeMaterial } from './pki.js';
import { isAlive, readPid, stopPid } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { paths, peersOf } from './topology.js';

export interface CertificateFacts {
  serial: string;
  validTo: string;
}

export interface Renewal {
  node: string;
  signing: { before: CertificateFacts; after: CertificateFacts };
  tls: { before: CertificateFacts; after: CertificateFacts };
}

async function facts(file: string): Promise<CertificateFacts> {
  const c = new X509Certificate(await readFile(file));
  return { serial: c.serialNumber, validTo: new Date(c.validTo).toISOString() };
}

/** The files of a node's signing certificate and TLS certificate. */
export function nodeCertificates(ctx: Pick<OrgContext, 't' | 'org'>, node: string) {
  const dir = paths(ctx.t).node(ctx.org.key, node);
  return {
    signing: path.join(dir, 'msp', 'signcerts', 'cert.pem'),
    tls: path.join(dir, 'tls', 'server.crt'),
  };
}

/**
 * Re-enrols a peer of the organisation (signing and TLS certificates, new keys) and restarts it; waits until it is
 * back at the height it had. Orderers are renewed by a channel update instead (orderer-renew.ts, decision 0064).
 */
export async function renewNode(
  ctx: OrgContext,
  fabric: FabricInstall,
  o: { node: string; progress?: Progress },
): Promise<Renewal> {
  const say = o.progress ?? silentProgress;
  if (ctx.t.orderers.some((n) => n.name === o.node && n.org === ctx.org.key))
    throw new NetworkError(
      'NODE_RENEWAL_UNSUPPORTED',
      `${o.node} is an orderer: its certificates are in the channel's consenter set, so renewing it is a ` +
        `consenter update: "node renew --node ${o.node} --out <update file>", signed and submitted, then ` +
        `"node renew --node ${o.node}" (orderer-renew.ts)`,
    );
  const n = peersOf(ctx.t, ctx.org.key).find((p) => p.name === o.node);
  if (!n)
    throw new NetworkError(
      'NODE_UNKNOWN',
      `${ctx.org.mspId} has no peer ${o.node} (${peersOf(ctx.t, ctx.org.key)
        .map((p) => p.name)
        .join(', ')})`,
    );
  const files = nodeCertificates(ctx, n.name);
  const before = { signing: await facts(files.signing), tls: await facts(files.tls) };
  const height = await peerHeight(ctx, fabric, n);
  say(
    `${n.name}: signing certificate ${before.signing.serial} valid to ${before.signing.validTo}, ` +
      `TLS ${before.tls.serial} valid to ${before.tls.validTo}; enrolling new ones from ${ctx.org.mspId}'s CA`,
  );
  // Written in place: a running peer read its certificates when it started, so it serves the old ones until the
  // restart below.
  await generateNodeMaterial(ctx.t, ctx.org.key, { name: n.name, ou: 'peer', host: n.host });
  const after = { signing: await facts(files.signing), tls: await facts(files.tls) };
  const pid = await readPid(paths(ctx.t).pid(n.name));
  if (pid && isAlive(pid)) {
    say(`${n.name}: restarting with the new certificates`);
    await stopPid(pid);
  }
  await startPeer(ctx, fabric, n, say);
  await waitHeight(ctx, fabric, n, height, say);
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
