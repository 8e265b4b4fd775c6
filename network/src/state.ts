// network.json: what `up` made, so `status`, `down`, the gateways' Fabric backend and the tests find it.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { paths, type Topology } from './topology.js';

export interface ChaincodeRelease {
  /** The chaincode definition's version this release is approved under, e.g. 1.1. */
  version: string;
  label: string;
  /** Where the organisation's chaincode server for this release listens (the package's connection.json). */
  port: number;
  packageId: string;
}

/** The release an organisation runs and, during an upgrade, the one it has installed and approved next. */
export interface OrgChaincode extends ChaincodeRelease {
  next?: ChaincodeRelease;
}

export interface NetworkState {
  topology: Topology;
  fabricVersion: string;
  /** Package id per organisation key (each organisation's package names its own chaincode server). */
  packageIds: Record<string, string>;
  /** The release each founder's chaincode server runs once upgraded (absent: the first, as `up` made it). */
  chaincode?: Record<string, OrgChaincode>;
  endorsementPolicy: string;
  startedAt: string;
  ready: boolean;
}

export async function readState(file: string): Promise<NetworkState | undefined> {
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as NetworkState;
}

export async function writeState(s: NetworkState): Promise<void> {
  const file = paths(s.topology).state;
  await writeFile(`${file}.tmp`, JSON.stringify(s, null, 2));
  await rename(`${file}.tmp`, file);
}
