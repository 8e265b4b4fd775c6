// Thin wrappers over Fabric's own CLIs (peer, osnadmin): each call names what it did when it fails.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FabricInstall } from './binaries.js';
import { NetworkError } from './errors.js';
import { adminEnv } from './nodes.js';
import { paths, type OrdererNode, type PeerNode, type Topology } from './topology.js';

const exec = promisify(execFile);

export async function runTool(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<string> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-3).join(' | ');
    throw new NetworkError('FABRIC_COMMAND_FAILED', `${what}: ${detail}`);
  }
}

export const ordererTlsCa = (t: Topology, o: OrdererNode) =>
  path.join(paths(t).node(o.org, o.name), 'tls', 'ca.crt');
export const peerTlsCa = (t: Topology, n: PeerNode) =>
  path.join(paths(t).node(n.org, n.name), 'tls', 'ca.crt');

export function osnadmin(
  t: Topology,
  fabric: FabricInstall,
  o: OrdererNode,
  args: string[],
  what: string,
): Promise<string> {
  const adminTls = path.join(path.dirname(paths(t).adminMsp(o.org)), 'tls');
  return runTool(
    fabric.bin.osnadmin,
    [
      ...args,
      '-o',
      `${o.host}:${o.adminPort}`,
      '--ca-file',
      ordererTlsCa(t, o),
      '--client-cert',
      path.join(adminTls, 'server.crt'),
      '--client-key',
      path.join(adminTls, 'server.key'),
    ],
    { PATH: process.env.PATH },
    what,
  );
}

/** The peer CLI as the admin of the peer's organisation. */
export function peerCli(
  t: Topology,
  fabric: FabricInstall,
  n: PeerNode,
  args: string[],
  what: string,
): Promise<string> {
  return runTool(fabric.bin.peer, args, adminEnv(t, fabric, n), what);
}

/** An ordering node and the TLS root that vouches for it, wherever the root came from. */
export interface OrdererAccess {
  address: string;
  caFile: string;
}

/** Arguments that point the peer CLI at the ordering service over TLS. */
export function ordererArgs(t: Topology | OrdererAccess): string[] {
  if ('address' in t) return ['-o', t.address, '--tls', '--cafile', t.caFile];
  const o = t.orderers[0];
  return ['-o', `${o.host}:${o.port}`, '--tls', '--cafile', ordererTlsCa(t, o)];
}

/** `peer chaincode query` of the dmsnet chaincode as an organisation's admin: what any channel member can read. */
export function chaincodeQuery(
  t: Topology,
  fabric: FabricInstall,
  n: PeerNode,
  args: string[],
): Promise<string> {
  return peerCli(
    t,
    fabric,
    n,
    ['chaincode', 'query', '-C', t.channel, '-n', t.chaincode, '-c', JSON.stringify({ Args: args })],
    `peer chaincode query ${args[0]}`,
  );
}
