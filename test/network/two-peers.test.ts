// The topology's second peer and the settings that make it a second copy (decision 0045), checked without Fabric.
import { expect } from 'chai';
import type { FabricInstall } from '../../network/src/binaries.js';
import { peerEnv } from '../../network/src/nodes.js';
import { buildTopology, peersOf } from '../../network/src/topology.js';

const fabric = { configDir: '/opt/fabric/config', bin: {}, version: '3.1.5' } as unknown as FabricInstall;
const DISSEMINATION = 'CORE_PEER_GOSSIP_PVTDATA_IMPLICITCOLLECTIONDISSEMINATIONPOLICY';

describe('network: two peers where documents arrive', () => {
  const t = buildTopology({ dir: '/tmp/x', portBase: 27000 });

  it('insurers and the clinic host run two peers, the association one; every port is distinct', () => {
    expect(t.orgs.map((o) => [o.key, peersOf(t, o.key).map((n) => n.name)])).to.deep.equal([
      ['association', ['peer0.association']],
      ['insurer1', ['peer0.insurer1', 'peer1.insurer1']],
      ['insurer2', ['peer0.insurer2', 'peer1.insurer2']],
      ['clinichost', ['peer0.clinichost', 'peer1.clinichost']],
    ]);
    const ports = t.peers.flatMap((n) => [n.port, n.chaincodePort, n.operationsPort]);
    expect(new Set(ports).size).to.equal(ports.length);
    // Both peers of an organisation dial its one chaincode server; no peer port is another's server port.
    for (const o of t.orgs) expect(new Set(peersOf(t, o.key).map((n) => n.ccServerPort)).size).to.equal(1);
    const servers = new Set(t.peers.map((n) => n.ccServerPort));
    expect(ports.filter((p) => servers.has(p))).to.deep.equal([]);
  });

  it('a peer with a sibling hands its own organisation’s ciphertexts to it before endorsing; a peer alone requires no one', () => {
    const env = (name: string) =>
      peerEnv(
        t,
        fabric,
        t.peers.find((n) => n.name === name)!,
      );
    expect(env('peer0.clinichost')[`${DISSEMINATION}_REQUIREDPEERCOUNT`]).to.equal('1');
    expect(env('peer1.clinichost')[`${DISSEMINATION}_MAXPEERCOUNT`]).to.equal('1');
    expect(env('peer0.association')[`${DISSEMINATION}_REQUIREDPEERCOUNT`]).to.equal('0');
    // Gossip starts from the sibling; both pull blocks themselves (Fabric 3 gossips no blocks).
    expect(env('peer0.insurer1').CORE_PEER_GOSSIP_BOOTSTRAP).to.equal('127.0.0.1:27114');
    expect(env('peer1.insurer1').CORE_PEER_GOSSIP_BOOTSTRAP).to.equal('127.0.0.1:27110');
    expect(env('peer1.insurer1')).to.include({
      CORE_PEER_GOSSIP_USELEADERELECTION: 'false',
      CORE_PEER_GOSSIP_ORGLEADER: 'true',
    });
  });
});
