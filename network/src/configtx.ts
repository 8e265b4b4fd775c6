// The channel's configuration (configtx.yaml) written from the topology, and its genesis block made by configtxgen.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { FabricInstall } from './binaries.js';
import { paths, type Topology } from './topology.js';

const run = promisify(execFile);

const sig = (rule: string) => ({ Type: 'Signature', Rule: rule });
const meta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

/**
 * The chaincode's endorsement policy: any two organisations' peers. No single organisation (which could run a
 * modified chaincode) can write alone, while a sender's and an addressee's organisations together always can, so a
 * transaction does not wait for every member to be up (see README "Endorsement policy").
 */
export function endorsementPolicy(t: Topology): string {
  return `OutOf(2,${t.orgs.map((o) => `'${o.mspId}.peer'`).join(',')})`;
}

/** One organisation's section of configtx.yaml: its MSP folder, own policies, anchor peers, orderer endpoints. */
export function orgSection(t: Topology, key: string): Record<string, unknown> {
  const p = paths(t);
  const spec = t.orgs.find((o) => o.key === key);
  if (!spec) throw new Error(`no org ${key}`);
  const m = spec.mspId;
  const peers = t.peers.filter((n) => n.org === key);
  const orderers = t.orderers.filter((n) => n.org === key);
  return {
    Name: m,
    ID: m,
    MSPDir: p.orgMsp(key),
    Policies: {
      Readers: sig(`OR('${m}.member')`),
      Writers: sig(`OR('${m}.member')`),
      Admins: sig(`OR('${m}.admin')`),
      Endorsement: sig(`OR('${m}.peer')`),
    },
    ...(orderers.length ? { OrdererEndpoints: orderers.map((o) => `${o.host}:${o.port}`) } : {}),
    ...(peers.length ? { AnchorPeers: peers.map((n) => ({ Host: n.host, Port: n.port })) } : {}),
  };
}

/**
 * `applicationOrgs` (keys) limits the genesis block's application organisations: members that run orderers are in
 * the orderer group from the start but join the application group by a signed update, as every other member does.
 */
export function configtx(t: Topology, applicationOrgs?: readonly string[]): unknown {
  const p = paths(t);
  const org = (key: string) => orgSection(t, key);
  const ordererOrgs = t.orgs.filter((o) => o.orderers > 0).map((o) => org(o.key));
  const tls = (o: (typeof t.orderers)[number]) => path.join(p.node(o.org, o.name), 'tls', 'server.crt');
  const consensus =
    t.consensus === 'bft'
      ? {
          OrdererType: 'BFT',
          ConsenterMapping: t.orderers.map((o) => ({
            ID: o.id,
            Host: o.host,
            Port: o.port,
            MSPID: o.mspId,
            Identity: path.join(p.node(o.org, o.name), 'msp', 'signcerts', 'cert.pem'),
            ClientTLSCert: tls(o),
            ServerTLSCert: tls(o),
          })),
          SmartBFT: {
            RequestBatchMaxInterval: t.batchTimeout,
            RequestForwardTimeout: '2s',
            RequestComplainTimeout: '20s',
            RequestAutoRemoveTimeout: '3m0s',
            ViewChangeResendInterval: '5s',
            ViewChangeTimeout: '20s',
            LeaderHeartbeatTimeout: '1m0s',
            CollectTimeout: '1s',
            IncomingMessageBufferSize: 200,
            RequestPoolSize: 100000,
            LeaderHeartbeatCount: 10,
          },
        }
      : {
          OrdererType: 'etcdraft',
          EtcdRaft: {
            Consenters: t.orderers.map((o) => ({
              Host: o.host,
              Port: o.port,
              ClientTLSCert: tls(o),
              ServerTLSCert: tls(o),
            })),
            Options: {
              TickInterval: '250ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
        };
  return {
    Profiles: {
      Dmsnet: {
        Policies: {
          Readers: meta('ANY Readers'),
          Writers: meta('ANY Writers'),
          Admins: meta('MAJORITY Admins'),
        },
        Capabilities: t.consensus === 'bft' ? { V3_0: true } : { V2_0: true },
        Orderer: {
          ...consensus,
          BatchTimeout: t.batchTimeout,
          // The largest document (a 50,000-row insured list) must fit one transaction.
          BatchSize: { MaxMessageCount: 500, AbsoluteMaxBytes: '64 MB', PreferredMaxBytes: '4 MB' },
          Organizations: ordererOrgs,
          Policies: {
            Readers: meta('ANY Readers'),
            Writers: meta('ANY Writers'),
            Admins: meta('MAJORITY Admins'),
            BlockValidation: meta('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: t.orgs
            .filter((o) => !applicationOrgs || applicationOrgs.includes(o.key))
            .map((o) => org(o.key)),
          Policies: {
            Readers: meta('ANY Readers'),
            Writers: meta('ANY Writers'),
            Admins: meta('MAJORITY Admins'),
            LifecycleEndorsement: meta('MAJORITY Endorsement'),
            Endorsement: meta('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

/** Writes configtx.yaml and makes the channel's genesis block with configtxgen. */
export async function makeGenesisBlock(
  t: Topology,
  fabric: FabricInstall,
  applicationOrgs?: readonly string[],
): Promise<string> {
  const p = paths(t);
  await mkdir(p.config, { recursive: true });
  await writeFile(path.join(p.config, 'configtx.yaml'), stringify(configtx(t, applicationOrgs)));
  await run(
    fabric.bin.configtxgen,
    ['-profile', 'Dmsnet', '-outputBlock', p.channelBlock, '-channelID', t.channel, '-configPath', p.config],
    { env: { ...process.env, FABRIC_CFG_PATH: p.config } },
  );
  return p.channelBlock;
}
