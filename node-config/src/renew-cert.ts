// `dmsnet-node renew-cert`: a node's ledger certificate renewed before it expires, without a moment in which no
// certificate acts for the participant. The current certificate adds the renewed one to the directory, the renewed
// one proves itself (the directory says who it acts for) and retires the current one, and only then do the files
// change. Every step can be repeated after a crash: an added certificate is found, a retired one is gone already.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DmsnetError } from '@dmsnet/formats/errors';
import { certificateFingerprint } from '@dmsnet/chaincode/identity';
import { LocalCA } from './local-ca.js';
import type { LedgerClient } from '../../gateway/src/ledger/types.js';
import { loadConfig, type NodeConfig } from './config.js';
import { newKeyAndCsr } from './init.js';
import { connectFabricAs, openEmbedded } from './node.js';

interface Identity {
  certificate: string;
  privateKey: string;
}

export interface RenewResult {
  participantId: string;
  retired: string;
  current: string;
  notAfter: string;
}

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as Record<string, unknown>;
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Where a Fabric node keeps a renewal in progress: the new key, its CSR and the certificate the CA signs. */
export const renewalDir = (dir: string) => path.join(dir, 'msp', 'renew');

/**
 * Fabric, first step: a new key and a CSR for the organisation's CA (msp/renew/csr.pem). The CA signs it into
 * msp/renew/cert.pem; `renew-cert` without --request then applies it.
 */
export async function requestRenewal(dir: string): Promise<string> {
  const config = await loadConfig(dir);
  if (config.ledger.mode !== 'fabric')
    throw new DmsnetError(
      'CONFIG_INVALID',
      'an embedded node renews in one step: run renew-cert without --request',
    );
  const { keyPem, csrPem } = await newKeyAndCsr(config.participant.id, config.ledger.fabric!.mspId);
  await mkdir(renewalDir(dir), { recursive: true, mode: 0o700 });
  await writeFile(path.join(renewalDir(dir), 'key.pem'), keyPem, { mode: 0o600 });
  const csr = path.join(renewalDir(dir), 'csr.pem');
  await writeFile(csr, csrPem);
  return csr;
}

/** Renews the node's certificate on its ledger; the node must be stopped (its files change at the end). */
export async function renewCertificate(
  dir: string,
  o: { progress?: (m: string) => void } = {},
): Promise<RenewResult> {
  const say = o.progress ?? (() => undefined);
  const config = await loadConfig(dir);
  return config.ledger.mode === 'fabric' ? renewFabric(dir, config, say) : renewEmbedded(dir, config, say);
}

async function renewEmbedded(
  dir: string,
  config: NodeConfig,
  say: (m: string) => void,
): Promise<RenewResult> {
  const mspId = config.ledger.embedded!.mspId;
  const file = path.join(dir, 'secrets', 'identity.json');
  const old = JSON.parse(await readFile(file, 'utf8')) as Identity & { mspId: string };
  // A renewal cut short left the issued certificate beside the old one: it is applied, not issued again.
  const pending = path.join(dir, 'secrets', 'identity.renew.json');
  let next: Identity;
  if (existsSync(pending)) {
    next = JSON.parse(await readFile(pending, 'utf8')) as Identity;
  } else {
    say(`the local CA of ${mspId} issues the renewed certificate`);
    const ca = await LocalCA.open(path.join(dir, 'ca', mspId), mspId);
    next = await ca.issue({ commonName: `${config.participant.id}.${mspId.toLowerCase()}` });
    await writeFile(pending, JSON.stringify({ mspId, ...next }), { mode: 0o600 });
  }
  const ledger = await openEmbedded(dir, config);
  let result: RenewResult;
  try {
    result = await swapOnLedger(
      config.participant.id,
      ledger.connect({ mspId, certificate: old.certificate, privateKey: old.privateKey }),
      ledger.connect({ mspId, certificate: next.certificate, privateKey: next.privateKey }),
      old.certificate,
      next.certificate,
      say,
    );
  } finally {
    await ledger.close();
  }
  await mkdir(path.join(dir, 'secrets', 'retired'), { recursive: true, mode: 0o700 });
  await rename(file, path.join(dir, 'secrets', 'retired', `identity-${stamp()}.json`));
  await rename(pending, file);
  return result;
}

async function renewFabric(dir: string, config: NodeConfig, say: (m: string) => void): Promise<RenewResult> {
  const certFile = path.join(dir, 'msp', 'signcerts', 'cert.pem');
  const keyFile = path.join(dir, 'msp', 'keystore', 'key.pem');
  const newCert = path.join(renewalDir(dir), 'cert.pem');
  const newKey = path.join(renewalDir(dir), 'key.pem');
  if (!existsSync(newCert) || !existsSync(newKey)) {
    throw new DmsnetError(
      'FABRIC_IDENTITY_MISSING',
      `${newCert} is missing: run renew-cert --request, have your organisation's CA sign ${path.join(renewalDir(dir), 'csr.pem')} ` +
        'and put the certificate there',
    );
  }
  const old: Identity = {
    certificate: await readFile(certFile, 'utf8'),
    privateKey: await readFile(keyFile, 'utf8'),
  };
  const next: Identity = {
    certificate: await readFile(newCert, 'utf8'),
    privateKey: await readFile(newKey, 'utf8'),
  };
  say(`connecting to ${config.ledger.fabric!.peerEndpoint} with the current and the renewed certificate`);
  const current = await connectFabricAs(dir, config, old);
  const renewed = await connectFabricAs(dir, config, next);
  let result: RenewResult;
  try {
    result = await swapOnLedger(
      config.participant.id,
      current,
      renewed,
      old.certificate,
      next.certificate,
      say,
    );
  } finally {
    await current.close();
    await renewed.close();
  }
  const retired = path.join(dir, 'msp', 'retired', stamp());
  await mkdir(retired, { recursive: true, mode: 0o700 });
  await rename(certFile, path.join(retired, 'cert.pem'));
  await rename(keyFile, path.join(retired, 'key.pem'));
  await rename(newKey, keyFile);
  await rename(newCert, certFile);
  return result;
}

/**
 * The directory side, in the one order that never leaves the participant without an acting certificate. A clinic
 * known by the attribute in its certificates needs no change: the renewed certificate acts at once.
 */
async function swapOnLedger(
  participantId: string,
  current: LedgerClient,
  renewed: LedgerClient,
  oldPem: string,
  newPem: string,
  say: (m: string) => void,
): Promise<RenewResult> {
  const notAfter = new Date(new X509Certificate(newPem).validTo).toISOString();
  const oldFp = certificateFingerprint(oldPem);
  const newFp = certificateFingerprint(newPem);
  const actsFor = async (client: LedgerClient) =>
    String(decode(await client.evaluate('directory:whoAmI', [])).id ?? '');
  const whoRenewed = await actsFor(renewed).catch((err: { code?: string }) => {
    if (err.code === 'IDENTITY_UNKNOWN') return '';
    throw err;
  });
  if (whoRenewed && whoRenewed !== participantId) {
    throw new DmsnetError('IDENTITY_TAKEN', `the renewed certificate already acts for ${whoRenewed}`);
  }
  if (!whoRenewed) {
    say('the current certificate adds the renewed one to the directory');
    await current.submit('directory:addIdentity', [participantId, newPem]);
    const proven = await actsFor(renewed);
    if (proven !== participantId)
      throw new DmsnetError('IDENTITY_UNKNOWN', `the renewed certificate acts for ${proven || 'nobody'}`);
  }
  const registered = (
    decode(await renewed.evaluate('directory:get', [participantId])).identities as Array<{
      kind: string;
      certificate?: string;
    }>
  ).some((i) => i.kind === 'certificate' && i.certificate && certificateFingerprint(i.certificate) === oldFp);
  if (registered) {
    say('the renewed certificate retires the current one');
    await renewed.submit('directory:retireIdentity', [participantId, oldFp]);
  }
  return { participantId, retired: oldFp, current: newFp, notAfter };
}
