// Finds the installed Fabric binaries: the project only uses them, exactly as its users install them.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NetworkError } from './errors.js';

const run = promisify(execFile);

export const REQUIRED_BINARIES = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'configtxlator'] as const;
export const EXPECTED_VERSION = /^3\.1\./;

export interface FabricInstall {
  /** Absolute path of each binary. */
  bin: Record<(typeof REQUIRED_BINARIES)[number], string>;
  /** Fabric's config folder (core.yaml, orderer.yaml), as the release archive ships it beside bin/. */
  configDir: string;
  version: string;
}

const HOW_TO_GET =
  'Install Hyperledger Fabric 3.1.x: unpack the release archive for your platform (bin/ and config/) and set ' +
  'FABRIC_BIN to its bin/ folder, or put peer, orderer, configtxgen, osnadmin and configtxlator on PATH ' +
  '(a build of your own from the v3.1.x tag works the same; put its sampleconfig/ in a config/ folder beside bin/ ' +
  'or set FABRIC_CFG_PATH).';

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Where the binaries are, or a NetworkError naming what is missing and how users get it. */
export function locateFabric(env: NodeJS.ProcessEnv = process.env): Omit<FabricInstall, 'version'> {
  const bin = {} as FabricInstall['bin'];
  const missing: string[] = [];
  for (const name of REQUIRED_BINARIES) {
    const found = env.FABRIC_BIN
      ? existsSync(path.join(env.FABRIC_BIN, name))
        ? path.join(env.FABRIC_BIN, name)
        : undefined
      : onPath(name, env);
    if (found) bin[name] = path.resolve(found);
    else missing.push(name);
  }
  const where = env.FABRIC_BIN ? `in FABRIC_BIN (${env.FABRIC_BIN})` : 'on PATH (FABRIC_BIN is not set)';
  if (missing.length) {
    throw new NetworkError(
      'FABRIC_BINARIES_MISSING',
      `Fabric binaries not found ${where}: ${missing.join(', ')}. ${HOW_TO_GET}`,
    );
  }
  const candidates = [
    env.FABRIC_CFG_PATH,
    path.join(path.dirname(realpathSync(bin.peer)), '..', 'config'),
  ].filter((d): d is string => !!d);
  const configDir = candidates.find(
    (d) => existsSync(path.join(d, 'core.yaml')) && existsSync(path.join(d, 'orderer.yaml')),
  );
  if (!configDir) {
    throw new NetworkError(
      'FABRIC_CONFIG_MISSING',
      `Fabric's config folder (core.yaml, orderer.yaml) not found in ${candidates.join(' or ')}. ${HOW_TO_GET}`,
    );
  }
  return { bin, configDir: path.resolve(configDir) };
}

/** Locates the binaries and checks `peer version` says 3.1.x. */
export async function findFabric(env: NodeJS.ProcessEnv = process.env): Promise<FabricInstall> {
  const found = locateFabric(env);
  let out: string;
  try {
    out = (await run(found.bin.peer, ['version'], { env: { ...env, FABRIC_CFG_PATH: found.configDir } }))
      .stdout;
  } catch (err) {
    throw new NetworkError(
      'FABRIC_BINARIES_BROKEN',
      `${found.bin.peer} version failed (${err instanceof Error ? err.message : String(err)}). ${HOW_TO_GET}`,
    );
  }
  const version = /Version:\s*v?(\S+)/.exec(out)?.[1] ?? 'unknown';
  if (!EXPECTED_VERSION.test(version)) {
    throw new NetworkError(
      'FABRIC_VERSION_UNSUPPORTED',
      `${found.bin.peer} is version ${version}; dmsnet needs Fabric 3.1.x. ${HOW_TO_GET}`,
    );
  }
  return { ...found, version };
}

/** The Fabric suite's guard: a reason to skip, or undefined when the binaries are there. */
export async function fabricUnavailableReason(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  try {
    await findFabric(env);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Fabric CA's binaries, when installed: each organisation then runs its own CA server (decision 0044). */
export interface FabricCaInstall {
  server: string;
  client: string;
  version: string;
}

export const EXPECTED_CA_VERSION = /^1\.5\./;

const HOW_TO_GET_CA =
  'Install Hyperledger Fabric CA 1.5.x (fabric-ca-server and fabric-ca-client from its release archive or a build ' +
  'of the v1.5.x tag) in FABRIC_CA_BIN, FABRIC_BIN or on PATH.';

/**
 * Fabric CA's server and client, looked up in FABRIC_CA_BIN, then FABRIC_BIN, then PATH; a reason instead when they
 * are absent or not 1.5.x, so callers can keep the in-process CA and say why in one line.
 */
export async function findFabricCa(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ca: FabricCaInstall } | { reason: string }> {
  const lookup = (name: string) => {
    for (const dir of [env.FABRIC_CA_BIN, env.FABRIC_BIN]) {
      if (dir && existsSync(path.join(dir, name))) return path.resolve(dir, name);
    }
    return onPath(name, env);
  };
  const server = lookup('fabric-ca-server');
  const client = lookup('fabric-ca-client');
  if (!server || !client) {
    const missing = [server ? '' : 'fabric-ca-server', client ? '' : 'fabric-ca-client'].filter(Boolean);
    return { reason: `${missing.join(' and ')} not found. ${HOW_TO_GET_CA}` };
  }
  let out: string;
  try {
    out = (await run(client, ['version'], { env: { PATH: env.PATH, HOME: env.HOME } })).stdout;
  } catch (err) {
    return { reason: `${client} version failed (${err instanceof Error ? err.message : String(err)})` };
  }
  const version = /Version:\s*v?(\S+)/.exec(out)?.[1] ?? 'unknown';
  if (!EXPECTED_CA_VERSION.test(version))
    return { reason: `${client} is version ${version}; dmsnet uses Fabric CA 1.5.x. ${HOW_TO_GET_CA}` };
  return { ca: { server, client, version } };
}

/** Fabric CA's binaries or a NetworkError saying what is missing: for the verbs that need a CA server. */
export async function requireFabricCa(env: NodeJS.ProcessEnv = process.env): Promise<FabricCaInstall> {
  const found = await findFabricCa(env);
  if ('reason' in found) throw new NetworkError('FABRIC_CA_MISSING', found.reason);
  return found.ca;
}
