// @peculiar/x509 needs the Reflect polyfill loaded before it (tsyringe), whichever module imports it first.
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes, webcrypto } from 'node:crypto';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { stringify } from 'yaml';
import { generateParticipantKeys, passphraseFromEnv, saveKeyFile } from '../../gateway/src/crypto/index.js';
import { DEFAULT_CARE_DEADLINES } from '../../gateway/src/workflows/care-request-flow.js';
import { DEFAULT_PRIOR_AUTH_DEADLINES } from '../../gateway/src/workflows/prior-auth-flow.js';
import { LocalCA } from './local-ca.js';
import { CONFIG_FILE, NodeConfigError, validateConfig, type NodeConfig, type NodeRole } from './config.js';
import { operatorReadme } from './readme.js';

export interface InitOptions {
  dir: string;
  role: NodeRole;
  ogrn: string;
  name: string;
  inn?: string;
  ledger?: 'embedded' | 'fabric';
  port?: number;
  host?: string;
  peerEndpoint?: string;
  mspId?: string;
  /** The name the peer's TLS certificate carries, when the endpoint is reached by another name or an address. */
  peerHostAlias?: string;
  webhooks?: string[];
  /** Argon2id limits for the key file; tests pass interactive limits. */
  kdf?: { opslimit: number; memlimit: number };
  passphrase?: string;
  progress?: (m: string) => void;
}

export const SANDBOX_ASSOCIATION_MSP = 'SandboxAssociationMSP';

/** Creates a node directory: config, token (0600), encrypted key file, identity material, operator README. */
export async function initNode(o: InitOptions): Promise<NodeConfig> {
  const say = o.progress ?? (() => undefined);
  if (existsSync(path.join(o.dir, CONFIG_FILE))) {
    throw new NodeConfigError(
      'NODE_EXISTS',
      `${o.dir} already holds ${CONFIG_FILE}; refusing to overwrite keys`,
    );
  }
  const mode = o.ledger ?? 'embedded';
  const mspId = o.mspId ?? `${o.role[0].toUpperCase()}${o.role.slice(1)}${o.ogrn}MSP`;
  const config: NodeConfig = {
    version: 1,
    participant: { id: o.ogrn, role: o.role, name: o.name, ...(o.inn ? { inn: o.inn } : {}) },
    ledger:
      mode === 'embedded'
        ? { mode, embedded: { dir: 'ledger', mspId, sandboxAssociation: o.role !== 'association' } }
        : {
            mode,
            fabric: {
              mspId,
              peerEndpoint: o.peerEndpoint ?? 'peer0.example.org:7051',
              ...(o.peerHostAlias ? { peerHostAlias: o.peerHostAlias } : {}),
              channel: 'dmsnet',
              chaincode: 'dmsnet',
              connectTimeoutMs: 5000,
              tls: { caCert: 'tls/ca.crt' },
            },
          },
    api: { host: o.host ?? '127.0.0.1', port: o.port ?? 8700, tokenFile: 'secrets/api-token' },
    keys: { file: 'secrets/participant-keys.json', version: 1 },
    dataDir: 'data',
    webhooks: o.webhooks ?? [],
    adapters: { mappings: [] },
    // The answer deadlines written out, so that an operator finds where an insurer's own terms go (byInsurer).
    careDeadlines: { default: { ...DEFAULT_CARE_DEADLINES }, byInsurer: {} },
    priorAuthDeadlines: { default: { ...DEFAULT_PRIOR_AUTH_DEADLINES }, byInsurer: {} },
  };
  // The options become the config, so the config's own rules judge them and name the key.
  const errors = validateConfig(config);
  if (errors.length) throw new NodeConfigError('INIT_INVALID', 'the options make an invalid config', errors);

  const passphrase = o.passphrase ?? (await passphraseFromEnv());
  await mkdir(path.join(o.dir, 'secrets'), { recursive: true, mode: 0o700 });
  say('generating the API token');
  await writeFile(path.join(o.dir, 'secrets', 'api-token'), randomBytes(32).toString('base64url') + '\n', {
    mode: 0o600,
  });
  say('generating and encrypting the participant keys (Argon2id)');
  await saveKeyFile(path.join(o.dir, config.keys.file), await generateParticipantKeys(), passphrase, o.kdf);

  if (mode === 'embedded') {
    say('creating the local CA and this node’s certificate');
    const ca = await LocalCA.open(path.join(o.dir, 'ca', mspId), mspId);
    const cert = await ca.issue({ commonName: `${o.ogrn}.${mspId.toLowerCase()}` });
    await writeFile(path.join(o.dir, 'secrets', 'identity.json'), JSON.stringify({ mspId, ...cert }), {
      mode: 0o600,
    });
    if (config.ledger.embedded?.sandboxAssociation) {
      say('creating the sandbox association identity');
      const aca = await LocalCA.open(
        path.join(o.dir, 'ca', SANDBOX_ASSOCIATION_MSP),
        SANDBOX_ASSOCIATION_MSP,
      );
      const acert = await aca.issue({ commonName: 'sandbox-association' });
      await writeFile(
        path.join(o.dir, 'secrets', 'sandbox-association.json'),
        JSON.stringify({ mspId: SANDBOX_ASSOCIATION_MSP, ...acert }),
        { mode: 0o600 },
      );
      await saveKeyFile(
        path.join(o.dir, 'secrets', 'sandbox-association-keys.json'),
        await generateParticipantKeys(),
        passphrase,
        o.kdf,
      );
    }
  } else {
    say('creating the Fabric MSP layout and a CSR');
    await writeFabricIdentity(o.dir, o.ogrn, mspId);
  }
  await writeFile(path.join(o.dir, CONFIG_FILE), stringify(config), { mode: 0o600 });
  await writeFile(path.join(o.dir, 'README.md'), operatorReadme(config));
  return config;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A new P-256 key and the CSR an organisation's CA signs for this node (at init, and again at each renewal). */
export async function newKeyAndCsr(ogrn: string, mspId: string): Promise<{ keyPem: string; csrPem: string }> {
  x509.cryptoProvider.set(webcrypto as never);
  const keys = (await webcrypto.subtle.generateKey(P256, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${ogrn}, OU=client, O=${mspId}`,
    keys,
    signingAlgorithm: P256,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, csrPem: csr.toString('pem') + '\n' };
}

async function writeFabricIdentity(dir: string, ogrn: string, mspId: string): Promise<void> {
  for (const d of ['msp/keystore', 'msp/signcerts', 'msp/cacerts', 'tls']) {
    await mkdir(path.join(dir, d), { recursive: true });
  }
  const { keyPem, csrPem } = await newKeyAndCsr(ogrn, mspId);
  await writeFile(path.join(dir, 'msp', 'keystore', 'key.pem'), keyPem, { mode: 0o600 });
  await writeFile(path.join(dir, 'msp', 'csr.pem'), csrPem);
  // Fabric CA sets attributes at registration and puts them in the certificate on enroll (attr_reqs), never from
  // the CSR; this file carries both halves for the operator.
  await writeFile(
    path.join(dir, 'msp', 'enrollment.json'),
    JSON.stringify(
      {
        // For the CA registrar: `fabric-ca-client register --id.attrs dmsnet.participant=<ОГРН>:ecert`.
        registerAttrs: [{ name: 'dmsnet.participant', value: ogrn, ecert: true }],
        attr_reqs: [{ name: 'dmsnet.participant', optional: false }],
      },
      null,
      2,
    ),
  );
}
