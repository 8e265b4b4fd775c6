// An organisation's own Fabric CA (decision 0044): one fabric-ca-server per organisation, run from its own folder on
// its own loopback address, serving two CAs — the signing CA that issues MSP identities and the TLS CA. The CA keys
// stay in Fabric CA's keystore (0600 files in a 0700 folder); every identity is registered by the organisation's
// registrar and enrolled with fabric-ca-client, so the steps are the ones a Fabric operator knows.
// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { stringify } from 'yaml';
import type { FabricCaInstall } from './binaries.js';
import type { CertificateIssuer } from '../../node-config/src/local-ca.js';
import { runTool } from './cli-tools.js';
import { NetworkError } from './errors.js';
import { isAlive, portInUse, readPid, startProcess, stopPid, waitHealthy } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { paths, type Topology } from './topology.js';

export type { CertificateIssuer };

export type CaKind = 'ca' | 'tlsca';

/** Where an organisation's CA server lives and listens: 8 and 9 after its first peer's port (its peers use 0–7). */
export interface CaServer {
  org: string;
  mspId: string;
  host: string;
  port: number;
  operationsPort: number;
  /** fabric-ca-server's home: the signing CA; the TLS CA in tlsca/ below it. */
  home: string;
  names: Record<CaKind, string>;
}

export function caServer(t: Topology, key: string): CaServer {
  const org = t.orgs.find((o) => o.key === key);
  const peer = t.peers.find((n) => n.org === key);
  if (!org || !peer) throw new NetworkError('FABRIC_CONFIG_MISSING', `no organisation ${key} with a peer`);
  return {
    org: key,
    mspId: org.mspId,
    host: peer.host,
    port: peer.port + 8,
    operationsPort: peer.port + 9,
    home: paths(t).fabricCa(key),
    names: { ca: `ca.${key}`, tlsca: `tlsca.${key}` },
  };
}

const CONFIG = 'fabric-ca-server-config.yaml';
/** The organisation runs its own Fabric CA (rather than the in-process CA of a machine without Fabric CA). */
export const usesFabricCa = (t: Topology, key: string) =>
  existsSync(path.join(paths(t).fabricCa(key), CONFIG));

const processName = (key: string) => `ca.${key}`;
const registrarHome = (t: Topology, key: string, kind: CaKind) =>
  path.join(paths(t).org(key), 'fabric-ca-client', kind === 'ca' ? 'registrar' : 'registrar-tls');
const rootOf = (s: CaServer, kind: CaKind) =>
  path.join(kind === 'ca' ? s.home : path.join(s.home, 'tlsca'), 'ca-cert.pem');
/** The HTTPS server's certificate is issued by the signing CA, so that root is what clients trust. */
const serverRoot = (s: CaServer) => rootOf(s, 'ca');

const REGISTRAR = 'registrar';
const REGISTRAR_ATTRS = {
  'hf.Registrar.Roles': '*',
  'hf.Registrar.DelegateRoles': '*',
  'hf.Revoker': true,
  'hf.IntermediateCA': false,
  'hf.GenCRL': true,
  'hf.Registrar.Attributes': '*',
  'hf.AffiliationMgr': true,
};

function caSection(s: CaServer, kind: CaKind, registrarSecret: string) {
  const hosts = [...new Set([s.host, '127.0.0.1', 'localhost'])];
  return {
    ca: { name: s.names[kind] },
    // The bootstrap registrar can enrol once: the password in this 0600 file is spent the moment the organisation's
    // registrar is enrolled (in the same step), and every later request is signed with the registrar's certificate.
    registry: {
      maxenrollments: -1,
      identities: [
        {
          name: REGISTRAR,
          pass: registrarSecret,
          type: 'client',
          affiliation: '',
          maxenrollments: 1,
          attrs: REGISTRAR_ATTRS,
        },
      ],
    },
    affiliations: {},
    db: { type: 'sqlite3', datasource: 'fabric-ca-server.db' },
    crl: { expiry: '8760h' },
    signing: {
      default: {
        usage: kind === 'ca' ? ['digital signature'] : ['digital signature', 'key encipherment'],
        expiry: '17520h',
      },
      profiles: {
        tls: {
          usage: ['signing', 'key encipherment', 'server auth', 'client auth', 'key agreement'],
          expiry: '17520h',
        },
      },
    },
    csr: {
      cn: s.names[kind],
      keyrequest: { algo: 'ecdsa', size: 256 },
      names: [{ C: 'RU', O: s.mspId, OU: kind === 'ca' ? 'ca' : 'tlsca' }],
      hosts,
      ca: { expiry: '87600h', pathlength: 0 },
    },
    bccsp: { default: 'SW', sw: { hash: 'SHA2', security: 256, filekeystore: { keystore: 'msp/keystore' } } },
  };
}

/** Writes the server's configuration on first use; returns the bootstrap secret then, undefined for an existing CA. */
async function configure(s: CaServer): Promise<string | undefined> {
  if (existsSync(path.join(s.home, CONFIG))) return undefined;
  const secret = randomBytes(18).toString('base64url');
  await mkdir(path.join(s.home, 'tlsca'), { recursive: true, mode: 0o700 });
  await chmod(s.home, 0o700);
  await writeFile(path.join(s.home, 'tlsca', CONFIG), stringify(caSection(s, 'tlsca', secret)), {
    mode: 0o600,
  });
  await writeFile(
    path.join(s.home, CONFIG),
    stringify({
      port: s.port,
      address: s.host,
      debug: false,
      tls: { enabled: true, certfile: 'tls-cert.pem' },
      ...caSection(s, 'ca', secret),
      cafiles: ['tlsca/' + CONFIG],
      // Its own port, or every organisation's CA would claim Fabric CA's default 127.0.0.1:9443.
      operations: { listenAddress: `${s.host}:${s.operationsPort}`, tls: { enabled: false } },
      metrics: { provider: 'disabled' },
    }),
    { mode: 0o600 },
  );
  return secret;
}

/** Every private key file under `dir` 0600 and its folders 0700, whatever the writing program chose. */
async function lockDown(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      await chmod(p, 0o700);
      await lockDown(p);
    } else if (/_sk$|\.key$|\.db$|config\.yaml$/.test(e.name)) await chmod(p, 0o600);
  }
}

/**
 * Starts the organisation's CA server from its own folder (a no-op when it runs). On first start it makes both CAs
 * and enrols the organisation's registrar, whose certificate then signs every register, revoke and gencrl.
 */
export async function startCaServer(
  t: Topology,
  key: string,
  bin: FabricCaInstall,
  say: Progress = silentProgress,
): Promise<CaServer> {
  const s = caServer(t, key);
  const p = paths(t);
  const pid = await readPid(p.pid(processName(key)));
  if (pid && isAlive(pid)) return s;
  const secret = await configure(s);
  const busy = [];
  for (const port of [s.port, s.operationsPort]) if (await portInUse(port, s.host)) busy.push(port);
  if (busy.length)
    throw new NetworkError(
      'PORT_IN_USE',
      `${s.names.ca} cannot listen: ports in use on ${s.host}: ${busy.join(', ')}`,
    );
  say(
    `${secret ? 'creating and starting' : 'starting'} ${s.mspId}'s Fabric CA ${bin.version} on https://${s.host}:${s.port} (${s.names.ca}, ${s.names.tlsca})`,
  );
  await startProcess({
    name: processName(key),
    command: bin.server,
    args: ['start', '-H', s.home],
    // Only what the server needs: no FABRIC_CA_SERVER_* from this shell overrides the organisation's file.
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: s.home,
    logFile: p.log(processName(key)),
    pidFile: p.pid(processName(key)),
  });
  await waitHealthy(s.operationsPort, 60_000, s.names.ca, p.log(processName(key)), s.host);
  if (secret) {
    for (const kind of ['ca', 'tlsca'] as const) {
      await caClient(
        bin,
        s,
        registrarHome(t, key, kind),
        ['enroll', '-u', `https://${REGISTRAR}:${secret}@${s.host}:${s.port}`, '--caname', s.names[kind]],
        `enrol ${s.mspId}'s registrar at ${s.names[kind]}`,
      );
    }
  }
  await lockDown(s.home);
  await lockDown(path.join(p.org(key), 'fabric-ca-client'));
  return s;
}

/** Whether the organisation's CA server runs now (by its pid file). */
export async function caRunning(t: Topology, key: string): Promise<boolean> {
  const pid = await readPid(paths(t).pid(processName(key)));
  return !!pid && isAlive(pid);
}

/** Stops the organisation's CA server, by its pid. */
export async function stopCaServer(t: Topology, key: string): Promise<void> {
  const pid = await readPid(paths(t).pid(processName(key)));
  if (pid) await stopPid(pid);
  await rm(paths(t).pid(processName(key)), { force: true });
}

/**
 * Runs `fn` with the organisation's CA server up, and leaves the server as it found it: a command that had to start
 * it (making an organisation or a node, an operator's verb) stops it again, so nothing keeps running unasked.
 */
export async function withCaServer<T>(
  t: Topology,
  key: string,
  bin: FabricCaInstall,
  fn: () => Promise<T>,
  say: Progress = silentProgress,
): Promise<T> {
  const running = await caRunning(t, key);
  await startCaServer(t, key, bin, say);
  try {
    return await fn();
  } finally {
    if (!running) {
      say(`stopping ${caServer(t, key).names.ca} again (it was not running; "ca start" keeps it up)`);
      await stopCaServer(t, key);
    }
  }
}

function caClient(
  bin: FabricCaInstall,
  s: CaServer,
  home: string,
  args: string[],
  what: string,
): Promise<string> {
  return runTool(
    bin.client,
    [...args, '-H', home, '--tls.certfiles', serverRoot(s)],
    { PATH: process.env.PATH, HOME: process.env.HOME },
    what,
  ).catch((err: NetworkError) => {
    throw new NetworkError('FABRIC_CA_COMMAND_FAILED', err.message);
  });
}

/** An identity as the registrar registers it: `type` is the Fabric node OU its certificate carries. */
export interface Registration {
  name: string;
  type: 'client' | 'peer' | 'orderer' | 'admin';
  /** Put into the enrolment certificate (`:ecert`), e.g. the participant a clinic's gateway acts for. */
  attributes?: Record<string, string>;
  /** How many times the secret may enrol; 1 by default, so a secret handed to a member is spent once used. */
  maxEnrollments?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const ATTR_VALUE = /^[^,=:"\s]{1,256}$/;

/** A registration an operator typed, checked before anything is sent to the CA; the error names the field. */
export function checkRegistration(r: Registration): Registration {
  const bad = (field: string, rule: string) => new NetworkError('CA_REQUEST_INVALID', `/${field}: ${rule}`);
  if (!NAME.test(r.name)) throw bad('name', 'letters, digits and . _ @ -, starting with a letter or digit');
  if (!['client', 'peer', 'orderer', 'admin'].includes(r.type))
    throw bad('type', 'one of client, peer, orderer, admin');
  for (const [k, v] of Object.entries(r.attributes ?? {})) {
    if (!ATTR_NAME.test(k) || k.startsWith('hf.'))
      throw bad(
        `attributes/${k}`,
        'an attribute name of letters, digits and . _ - (hf.* are Fabric CA’s own)',
      );
    if (!ATTR_VALUE.test(v))
      throw bad(`attributes/${k}`, 'a value without spaces, commas, colons, = or quotes');
  }
  if (r.maxEnrollments !== undefined && !(Number.isInteger(r.maxEnrollments) && r.maxEnrollments >= 1))
    throw bad('maxEnrollments', 'a whole number from 1');
  return r;
}

/**
 * Registers an identity at one of the organisation's CAs as its registrar with a random secret, which it returns.
 * An identity registered before is refused, unless `reissue` (the network's own issuing) gives it a new secret.
 */
export async function register(
  t: Topology,
  key: string,
  bin: FabricCaInstall,
  kind: CaKind,
  r: Registration,
  o: { reissue?: boolean } = {},
): Promise<string> {
  const secret = randomBytes(18).toString('base64url');
  checkRegistration(r);
  const s = caServer(t, key);
  const attrs = Object.entries(r.attributes ?? {}).map(([k, v]) => `${k}=${v}:ecert`);
  const endpoint = ['--caname', s.names[kind], '-u', `https://${s.host}:${s.port}`];
  const at = s.names[kind];
  try {
    await caClient(
      bin,
      s,
      registrarHome(t, key, kind),
      [
        'register',
        '--id.name',
        r.name,
        '--id.secret',
        secret,
        '--id.type',
        r.type,
        '--id.maxenrollments',
        String(r.maxEnrollments ?? 1),
        ...(attrs.length ? ['--id.attrs', attrs.join(',')] : []),
        ...endpoint,
      ],
      `register ${r.name} at ${at}`,
    );
  } catch (err) {
    if (!o.reissue || !/already registered/i.test((err as Error).message)) throw err;
    // Fabric CA keeps counting past enrolments, so a re-issue lifts the limit; the secret is used at once and forgotten.
    await caClient(
      bin,
      s,
      registrarHome(t, key, kind),
      [
        'identity',
        'modify',
        r.name,
        '--secret',
        secret,
        '--type',
        r.type,
        '--maxenrollments',
        '-1',
        ...(attrs.length ? ['--attrs', attrs.join(',')] : []),
        ...endpoint,
      ],
      `re-register ${r.name} at ${at}`,
    );
  }
  return secret;
}

/** Enrols a registered identity with fabric-ca-client (its key made here); returns the certificate and key PEM. */
export async function enroll(
  t: Topology,
  key: string,
  bin: FabricCaInstall,
  kind: CaKind,
  o: { name: string; secret: string; hosts?: readonly string[] },
): Promise<{ certificate: string; privateKey: string }> {
  const s = caServer(t, key);
  const base = path.join(paths(t).org(key), 'fabric-ca-client');
  await mkdir(base, { recursive: true, mode: 0o700 });
  const home = await mkdtemp(path.join(base, 'enroll-'));
  try {
    await caClient(
      bin,
      s,
      home,
      [
        'enroll',
        '-u',
        `https://${encodeURIComponent(o.name)}:${encodeURIComponent(o.secret)}@${s.host}:${s.port}`,
        '--caname',
        s.names[kind],
        '-M',
        path.join(home, 'msp'),
        // Fabric CA's client otherwise names every subject "C=US, ST=North Carolina, O=Hyperledger".
        '--csr.names',
        `C=RU,O=${s.mspId}`,
        ...(o.hosts ? ['--enrollment.profile', 'tls', '--csr.hosts', o.hosts.join(',')] : []),
      ],
      `enrol ${o.name} at ${s.names[kind]}`,
    );
    const keystore = path.join(home, 'msp', 'keystore');
    const keyFile = (await readdir(keystore)).find((f) => f.endsWith('_sk'));
    if (!keyFile) throw new NetworkError('FABRIC_CA_COMMAND_FAILED', `enrolment of ${o.name} wrote no key`);
    return {
      certificate: await readFile(path.join(home, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
      privateKey: await readFile(path.join(keystore, keyFile), 'utf8'),
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Signs a member's certificate request through Fabric CA's enrol API: the member keeps its key, and the certificate
 * carries the subject's common name as enrolment id and only the attributes its registration granted.
 */
export async function enrollCsr(
  t: Topology,
  key: string,
  kind: CaKind,
  o: { name: string; secret: string; csr: string },
): Promise<string> {
  const s = caServer(t, key);
  const body = JSON.stringify({ certificate_request: o.csr, caname: s.names[kind] });
  const ca = await readFile(serverRoot(s), 'utf8');
  const answer = await new Promise<string>((resolve, reject) => {
    const req = https.request(
      {
        host: s.host,
        port: s.port,
        path: '/api/v1/enroll',
        method: 'POST',
        ca,
        auth: `${o.name}:${o.secret}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    req.on('error', reject);
    req.end(body);
  }).catch((err: Error) => {
    throw new NetworkError(
      'FABRIC_CA_COMMAND_FAILED',
      `${s.names[kind]} at ${s.host}:${s.port}: ${err.message}`,
    );
  });
  const r = JSON.parse(answer) as {
    success: boolean;
    result?: { Cert?: string };
    errors?: Array<{ message: string }>;
  };
  if (!r.success || !r.result?.Cert)
    throw new NetworkError(
      'FABRIC_CA_COMMAND_FAILED',
      `${s.names[kind]} refused to sign ${o.name}'s request: ${(r.errors ?? []).map((e) => e.message).join('; ') || answer.slice(0, 200)}`,
    );
  return Buffer.from(r.result.Cert, 'base64').toString('utf8');
}

/** Revokes every certificate of an enrolment id (or one by serial and AKI), then returns the CA's fresh CRL (PEM). */
export async function revoke(
  t: Topology,
  key: string,
  bin: FabricCaInstall,
  o: { name?: string; serial?: string; aki?: string; reason?: string },
): Promise<string> {
  const s = caServer(t, key);
  if (!o.name && !(o.serial && o.aki))
    throw new NetworkError(
      'CA_REQUEST_INVALID',
      '/name: name the identity, or give /serial and /aki of one certificate',
    );
  if (o.name) checkRegistration({ name: o.name, type: 'client' });
  if (o.serial && !/^[0-9a-fA-F]{1,64}$/.test(o.serial))
    throw new NetworkError('CA_REQUEST_INVALID', '/serial: the certificate serial in hexadecimal');
  if (o.aki && !/^[0-9a-fA-F]{2,128}$/.test(o.aki))
    throw new NetworkError('CA_REQUEST_INVALID', '/aki: the authority key identifier in hexadecimal');
  const reasons = [
    'unspecified',
    'keycompromise',
    'affiliationchange',
    'superseded',
    'cessationofoperation',
    'certificatehold',
  ];
  if (o.reason && !reasons.includes(o.reason.toLowerCase()))
    throw new NetworkError('CA_REQUEST_INVALID', `/reason: one of ${reasons.join(', ')}`);
  await caClient(
    bin,
    s,
    registrarHome(t, key, 'ca'),
    [
      'revoke',
      ...(o.name ? ['-e', o.name] : ['-s', o.serial as string, '-a', o.aki as string]),
      ...(o.reason ? ['-r', o.reason.toLowerCase()] : []),
      '--caname',
      s.names.ca,
      '-u',
      `https://${s.host}:${s.port}`,
    ],
    `revoke ${o.name ?? o.serial} at ${s.names.ca}`,
  );
  return generateCrl(t, key, bin);
}

/** The signing CA's current CRL (fabric-ca-client gencrl), PEM. */
export async function generateCrl(t: Topology, key: string, bin: FabricCaInstall): Promise<string> {
  const s = caServer(t, key);
  const home = registrarHome(t, key, 'ca');
  await caClient(
    bin,
    s,
    home,
    ['gencrl', '--caname', s.names.ca, '-u', `https://${s.host}:${s.port}`],
    `generate ${s.names.ca}'s CRL`,
  );
  return readFile(path.join(home, 'msp', 'crls', 'crl.pem'), 'utf8');
}

/** One of the organisation's CAs as a CertificateIssuer: register with a one-time secret, then enrol. */
export class FabricCaIssuer implements CertificateIssuer {
  private constructor(
    private readonly t: Topology,
    private readonly key: string,
    private readonly bin: FabricCaInstall,
    private readonly kind: CaKind,
    readonly certificate: string,
  ) {}

  static async open(t: Topology, key: string, bin: FabricCaInstall, kind: CaKind): Promise<FabricCaIssuer> {
    const s = await startCaServer(t, key, bin);
    return new FabricCaIssuer(t, key, bin, kind, await readFile(rootOf(s, kind), 'utf8'));
  }

  async issue(o: {
    commonName: string;
    attributes?: Record<string, string>;
    ou?: 'client' | 'peer' | 'orderer' | 'admin';
    hosts?: readonly string[];
  }): Promise<{ certificate: string; privateKey: string }> {
    const secret = await register(
      this.t,
      this.key,
      this.bin,
      this.kind,
      {
        name: o.commonName,
        type: o.ou ?? 'client',
        attributes: o.attributes,
      },
      { reissue: true },
    );
    return enroll(this.t, this.key, this.bin, this.kind, { name: o.commonName, secret, hosts: o.hosts });
  }

  /** The request's common name is the enrolment id; the attributes come from the registration, never the request. */
  async signCsr(csrPem: string, o: { attributes?: Record<string, string> } = {}): Promise<string> {
    const name = commonNameOf(csrPem);
    const secret = await register(
      this.t,
      this.key,
      this.bin,
      this.kind,
      {
        name,
        type: 'client',
        attributes: o.attributes,
      },
      { reissue: true },
    );
    return enrollCsr(this.t, this.key, this.kind, { name, secret, csr: csrPem });
  }
}

/** The subject CN of a PEM certificate request, which Fabric CA requires to equal the enrolment id. */
export function commonNameOf(csrPem: string): string {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new NetworkError(
      'CA_REQUEST_INVALID',
      '/csr: not a PEM certificate request (BEGIN CERTIFICATE REQUEST)',
    );
  }
  const cn = csr.subjectName.getField('CN')[0];
  if (!cn) throw new NetworkError('CA_REQUEST_INVALID', '/csr: the subject has no common name (CN)');
  try {
    checkRegistration({ name: cn, type: 'client' });
  } catch {
    throw new NetworkError(
      'CA_REQUEST_INVALID',
      `/csr: the subject's CN "${cn}" is not a valid enrolment id`,
    );
  }
  return cn;
}
