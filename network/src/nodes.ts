// The environment of each process of the native network: Fabric's own config files with every setting that matters
// here overridden, as Fabric's env variables allow.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FabricInstall } from './binaries.js';
import { paths, peersOf, type OrdererNode, type PeerNode, type Topology } from './topology.js';

/** The package root (dist/network/src/ → three levels up), where network/builders and dist/ live. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CCAAS_BUILDER = path.join(PACKAGE_ROOT, 'network', 'builders', 'ccaas');
// The chaincode package's own server, wherever npm put the package (here a workspace link, in an image node_modules).
export const CHAINCODE_SERVER = fileURLToPath(import.meta.resolve('@dmsnet/chaincode/server'));

/** The largest message any component accepts: a 50,000-row insured list with headroom. */
export const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

const LOGGING = process.env.DMSNET_FABRIC_LOGGING ?? 'info:grpc,comm.grpc,gossip,msp=warning';

function baseEnv(fabric: FabricInstall): NodeJS.ProcessEnv {
  // Only what a Fabric process needs: PATH for the builder scripts, nothing of this shell's secrets.
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    FABRIC_CFG_PATH: fabric.configDir,
    FABRIC_LOGGING_SPEC: LOGGING,
  };
}

export function peerEnv(t: Topology, fabric: FabricInstall, n: PeerNode): NodeJS.ProcessEnv {
  const p = paths(t);
  const dir = p.node(n.org, n.name);
  const data = p.data(n.name);
  const addr = `${n.host}:${n.port}`;
  const siblings = peersOf(t, n.org).filter((o) => o.name !== n.name);
  return {
    ...baseEnv(fabric),
    CORE_PEER_ID: n.name,
    CORE_PEER_LOCALMSPID: n.mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(dir, 'msp'),
    CORE_PEER_ADDRESS: addr,
    CORE_PEER_LISTENADDRESS: addr,
    CORE_PEER_CHAINCODEADDRESS: `${n.host}:${n.chaincodePort}`,
    CORE_PEER_CHAINCODELISTENADDRESS: `${n.host}:${n.chaincodePort}`,
    // Gossip inside the organisation starts from its other peers; other organisations find this one through the
    // anchor peers in the channel config, by its external endpoint.
    CORE_PEER_GOSSIP_BOOTSTRAP: (siblings.length ? siblings : [n])
      .map((o) => `${o.host}:${o.port}`)
      .join(' '),
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: addr,
    CORE_PEER_GOSSIP_ENDPOINT: addr,
    // Every peer a static leader pulling blocks from the orderers itself: Fabric 3 no longer gossips blocks
    // (deliveryclient.blockGossipEnabled is false), so an elected leader's followers would never get a block.
    CORE_PEER_GOSSIP_USELEADERELECTION: 'false',
    CORE_PEER_GOSSIP_ORGLEADER: 'true',
    // A peer endorsing a write into its own organisation's implicit collection (a ciphertext addressed to it) hands
    // it to one more peer of the organisation before it signs; with no sibling there is no one to require
    // (decision 0045). Other organisations' peers disseminate nothing of it, whatever this says.
    CORE_PEER_GOSSIP_PVTDATA_IMPLICITCOLLECTIONDISSEMINATIONPOLICY_REQUIREDPEERCOUNT: siblings.length
      ? '1'
      : '0',
    CORE_PEER_GOSSIP_PVTDATA_IMPLICITCOLLECTIONDISSEMINATIONPOLICY_MAXPEERCOUNT: '1',
    // A peer alone has nobody to pull a missing ciphertext from: replaying blocks after its disk was lost, it gives
    // up on each block's private data after 5 s rather than a minute (the addressee asks the sender, decision 0053).
    ...(siblings.length ? {} : { CORE_PEER_GOSSIP_PVTDATA_PULLRETRYTHRESHOLD: '5s' }),
    // A peer rebuilt from a snapshot gets its organisation's private data by reconciliation: every 5 s, not 1 min.
    CORE_PEER_GOSSIP_PVTDATA_RECONCILESLEEPINTERVAL: '5s',
    // Find a restarted peer in seconds rather than the default half minute.
    CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT: '5s',
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '1s',
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '2s',
    CORE_PEER_DISCOVERY_AUTHCACHEENABLED: 'true',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: path.join(dir, 'tls', 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: path.join(dir, 'tls', 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(dir, 'tls', 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(data, 'snapshots'),
    CORE_LEDGER_PVTDATASTORE_PURGEINTERVAL: '1',
    CORE_OPERATIONS_LISTENADDRESS: `${n.host}:${n.operationsPort}`,
    CORE_METRICS_PROVIDER: 'disabled',
    // No Docker: chaincode runs as a service that the peer dials, found through the project's own ccaas builder.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas, path: ${CCAAS_BUILDER}}]`,
    CORE_CHAINCODE_STARTUPTIMEOUT: '30s',
    CORE_CHAINCODE_EXECUTETIMEOUT: '120s',
    CORE_PEER_GATEWAY_ENDORSEMENTTIMEOUT: '60s',
    CORE_PEER_GATEWAY_BROADCASTTIMEOUT: '60s',
    CORE_PEER_MAXRECVMSGSIZE: String(MAX_MESSAGE_BYTES),
    CORE_PEER_MAXSENDMSGSIZE: String(MAX_MESSAGE_BYTES),
  };
}

export function ordererEnv(t: Topology, fabric: FabricInstall, n: OrdererNode): NodeJS.ProcessEnv {
  const p = paths(t);
  const dir = p.node(n.org, n.name);
  const data = p.data(n.name);
  const tls = (f: string) => path.join(dir, 'tls', f);
  const adminTlsCa = path.join(p.tlsCa(n.org), '..', 'msp', 'tlscacerts', 'tlsca.pem');
  return {
    ...baseEnv(fabric),
    ORDERER_GENERAL_LISTENADDRESS: n.host,
    ORDERER_GENERAL_LISTENPORT: String(n.port),
    ORDERER_GENERAL_LOCALMSPID: n.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: path.join(dir, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_MAXRECVMSGSIZE: String(MAX_MESSAGE_BYTES),
    ORDERER_GENERAL_MAXSENDMSGSIZE: String(MAX_MESSAGE_BYTES),
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `${n.host}:${n.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${adminTlsCa}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `${n.host}:${n.operationsPort}`,
    ORDERER_METRICS_PROVIDER: 'disabled',
    ORDERER_FILELEDGER_LOCATION: data,
    ORDERER_CONSENSUS_WALDIR: path.join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(data, 'etcdraft', 'snapshot'),
  };
}

/**
 * One chaincode server per organisation: stub.getMspID() reads CORE_PEER_LOCALMSPID from its own environment. The
 * release's version is what the chaincode's metadata reports, so an operator sees which release answers.
 */
export function chaincodeServerEnv(
  n: PeerNode,
  packageId: string,
  port = n.ccServerPort,
  version?: string,
): NodeJS.ProcessEnv {
  return {
    ...(version ? { DMSNET_CHAINCODE_VERSION: version } : {}),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CORE_CHAINCODE_ID: packageId,
    CORE_CHAINCODE_ADDRESS: `${n.host}:${port}`,
    CORE_PEER_LOCALMSPID: n.mspId,
    CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning',
  };
}

/** The peer CLI acting as an organisation's admin against one of its peers. */
export function adminEnv(t: Topology, fabric: FabricInstall, n: PeerNode): NodeJS.ProcessEnv {
  const p = paths(t);
  return {
    ...baseEnv(fabric),
    FABRIC_LOGGING_SPEC: 'warning',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(p.node(n.org, n.name), 'tls', 'ca.crt'),
    CORE_PEER_ADDRESS: `${n.host}:${n.port}`,
    CORE_PEER_LOCALMSPID: n.mspId,
    CORE_PEER_MSPCONFIGPATH: p.adminMsp(n.org),
  };
}
