// A revocation the peers honour: the organisation's CRL put into its MSP in the channel config (revocation_list, the
// crls folder of the MSP definition), by a config update its own admin signs (the organisation group's Admins policy).
// Peers and orderers then refuse any signature of a revoked certificate, whatever its validity dates say.
// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { X509Certificate, X509Crl } from '@peculiar/x509';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FabricInstall } from './binaries.js';
import { proposeChange, submitUpdate, type ConfigGroup, type PolicyCheck } from './channel-update.js';
import { NetworkError } from './errors.js';
import type { OrgContext } from './org.js';
import { silentProgress, type Progress } from './progress.js';
import { paths } from './topology.js';

interface MspValue {
  type?: number;
  config?: { name?: string; root_certs?: string[]; revocation_list?: string[] };
}

/** The CRL as the MSP definition will hold it: a PEM that parses, signed by the organisation's own root. */
export async function checkCrl(crlPem: string, ctx: OrgContext): Promise<string> {
  let crl: X509Crl;
  try {
    crl = new X509Crl(crlPem);
  } catch {
    throw new NetworkError(
      'CA_REQUEST_INVALID',
      '/crl: not a PEM certificate revocation list (BEGIN X509 CRL)',
    );
  }
  const root = await readFile(path.join(paths(ctx.t).orgMsp(ctx.org.key), 'cacerts', 'ca.pem'), 'utf8');
  const ca = new X509Certificate(root);
  if (!(await crl.verify({ publicKey: ca.publicKey })))
    throw new NetworkError(
      'CA_REQUEST_INVALID',
      `/crl: not signed by ${ctx.org.mspId}'s CA (${ca.subject}); peers would ignore it`,
    );
  return crlPem;
}

/**
 * Puts `crlPem` into the organisation's MSP: the local MSP folder (so later definitions carry it) and, by a config
 * update signed and submitted as its admin, the channel. Returns the policy check of the submitted update.
 */
export async function publishCrl(
  ctx: OrgContext,
  fabric: FabricInstall,
  crlPem: string,
  say: Progress = silentProgress,
): Promise<PolicyCheck> {
  await checkCrl(crlPem, ctx);
  const p = paths(ctx.t);
  const local = path.join(p.orgMsp(ctx.org.key), 'crls', 'crl.pem');
  await mkdir(path.dirname(local), { recursive: true });
  await writeFile(local, crlPem);
  const file = path.join(p.org(ctx.org.key), 'channel-updates', `crl-${Date.now()}.pb`);
  say(`computing the update that puts ${ctx.org.mspId}'s CRL into its MSP on channel '${ctx.t.channel}'`);
  await proposeChange(ctx, fabric, file, (config) => {
    const group = config.channel_group.groups?.Application?.groups?.[ctx.org.mspId] as
      ConfigGroup | undefined;
    const msp = group?.values?.MSP?.value as MspValue | undefined;
    if (!msp?.config)
      throw new NetworkError('ORG_NOT_MEMBER', `${ctx.org.mspId} is not in channel ${ctx.t.channel}`);
    // One list, the CA's latest: a CRL names every certificate revoked so far, so it replaces the one before.
    msp.config.revocation_list = [Buffer.from(crlPem).toString('base64')];
  });
  // The organisation's own Admins policy governs its MSP: the submitting admin's signature is the one needed.
  say(`submitting it as ${ctx.org.mspId}'s admin`);
  return submitUpdate(ctx, fabric, file);
}
