// Who orders, and the consenter changes computed on a channel config before configtxlator encodes them (decision
// 0030). The Fabric test consenters.fabric.ts submits such updates to real orderers; this one pins the rules.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConfigGroup } from '../../network/src/channel-update.js';
import { configtx } from '../../network/src/configtx.js';
import {
  bftTolerance,
  consentersOf,
  createOrderer,
  withConsenter,
  withoutConsenter,
  type Consenter,
} from '../../network/src/consenters.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { withRenewedConsenter } from '../../network/src/orderer-renew.js';
import { createOrg, HOME_FILE, openOrg, type OrgHome } from '../../network/src/org.js';
import { buildTopology } from '../../network/src/topology.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const consenter = (id: number, mspId: string): Consenter => ({
  id,
  host: '127.0.0.1',
  port: 7050 + id,
  msp_id: mspId,
  identity: b64(`identity of orderer ${id}`),
  client_tls_cert: b64(`tls of orderer ${id}`),
  server_tls_cert: b64(`tls of orderer ${id}`),
});

const ordererOrg = (addresses: string[]): ConfigGroup => ({
  mod_policy: 'Admins',
  values: {
    MSP: { mod_policy: 'Admins', value: {} },
    Endpoints: { mod_policy: 'Admins', value: { addresses } },
  },
});

/** A BFT channel config as configtxlator decodes it: association 1–2, Insurer1 3, Insurer2 4. */
function bftConfig(type = 'BFT') {
  const mapping = [
    consenter(1, 'AssociationMSP'),
    consenter(2, 'AssociationMSP'),
    consenter(3, 'Insurer1MSP'),
    consenter(4, 'Insurer2MSP'),
  ];
  return {
    channel_group: {
      groups: {
        Orderer: {
          mod_policy: 'Admins',
          groups: {
            AssociationMSP: ordererOrg(['127.0.0.1:7051', '127.0.0.1:7052']),
            Insurer1MSP: ordererOrg(['127.0.0.1:7053']),
            Insurer2MSP: ordererOrg(['127.0.0.1:7054']),
          },
          values: {
            ConsensusType: { mod_policy: 'Admins', value: { type } },
            Orderers: { mod_policy: '/Channel/Orderer/Admins', value: { consenter_mapping: mapping } },
          },
          policies: {
            BlockValidation: { mod_policy: 'Admins', policy: { type: 1, value: {} } },
          },
        },
      },
    },
  };
}

const orderer = (c: { channel_group: ConfigGroup }) => c.channel_group.groups!.Orderer!;
const blockValidation = (c: { channel_group: ConfigGroup }) =>
  orderer(c).policies!.BlockValidation!.policy!.value as {
    identities: Array<{ principal: { mspid: string; id_bytes: string }; principal_classification: string }>;
    rule: { n_out_of: { n: number; rules: Array<{ signed_by: number }> } };
  };
const endpoints = (c: { channel_group: ConfigGroup }, msp: string) =>
  (orderer(c).groups![msp]!.values!.Endpoints!.value as { addresses: string[] }).addresses;

describe('network: the ordering service shared by several members (decision 0030)', () => {
  it('SmartBFT with four orderers: the association runs two, each insurer one; Raft stays with the association', () => {
    const bft = buildTopology({ dir: '/tmp/x', consensus: 'bft' });
    expect(bft.orderers.map((o) => `${o.id} ${o.name} ${o.mspId}`)).to.deep.equal([
      '1 orderer1.association AssociationMSP',
      '2 orderer2.association AssociationMSP',
      '3 orderer3.insurer1 Insurer1MSP',
      '4 orderer4.insurer2 Insurer2MSP',
    ]);
    const raft = buildTopology({ dir: '/tmp/x', consensus: 'raft' });
    expect(new Set(raft.orderers.map((o) => o.mspId))).to.deep.equal(new Set(['AssociationMSP']));
    expect(raft.orderers).to.have.length(3);
  });

  it('the genesis block: every ordering organisation in the orderer group, the association alone in the application group', () => {
    const t = buildTopology({ dir: '/tmp/x', consensus: 'bft' });
    const ordering = t.orgs.filter((o) => o.orderers > 0);
    const profile = (
      configtx({ ...t, orgs: ordering }, ['association']) as {
        Profiles: {
          Dmsnet: {
            Orderer: { Organizations: Array<{ ID: string; OrdererEndpoints?: string[] }> };
            Application: { Organizations: Array<{ ID: string }> };
          };
        };
      }
    ).Profiles.Dmsnet;
    expect(profile.Orderer.Organizations.map((o) => [o.ID, o.OrdererEndpoints?.length])).to.deep.equal([
      ['AssociationMSP', 2],
      ['Insurer1MSP', 1],
      ['Insurer2MSP', 1],
    ]);
    expect(profile.Application.Organizations.map((o) => o.ID)).to.deep.equal(['AssociationMSP']);
  });

  it('tolerates f = ⌊(n−1)/3⌋ faulty orderers with a quorum of ⌈(n+f+1)/2⌉, as Fabric computes it', () => {
    expect([3, 4, 5, 6, 7, 10].map((n) => [n, bftTolerance(n)])).to.deep.equal([
      [3, { faults: 0, quorum: 2 }],
      [4, { faults: 1, quorum: 3 }],
      [5, { faults: 1, quorum: 4 }],
      [6, { faults: 1, quorum: 4 }],
      [7, { faults: 2, quorum: 5 }],
      [10, { faults: 3, quorum: 7 }],
    ]);
  });

  it('adds a consenter of a new ordering organisation: mapping, its orderer-group organisation without anchor peers, block validation 4 of 5', () => {
    const config = bftConfig();
    const definition: ConfigGroup = {
      mod_policy: 'Admins',
      values: { MSP: { mod_policy: 'Admins', value: {} }, AnchorPeers: { mod_policy: 'Admins', value: {} } },
    };
    const updated = withConsenter(config, consenter(5, 'ClinicHostMSP'), definition);
    expect(consentersOf(updated).map((c) => c.id)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(Object.keys(orderer(updated).groups!.ClinicHostMSP!.values!)).to.deep.equal(['MSP', 'Endpoints']);
    expect(endpoints(updated, 'ClinicHostMSP')).to.deep.equal(['127.0.0.1:7055']);
    const bv = blockValidation(updated);
    expect(bv.rule.n_out_of.n).to.equal(4);
    expect(bv.rule.n_out_of.rules).to.deep.equal([0, 1, 2, 3, 4].map((i) => ({ signed_by: i })));
    expect(bv.identities.map((i) => [i.principal_classification, i.principal.mspid])).to.deep.equal([
      ['IDENTITY', 'AssociationMSP'],
      ['IDENTITY', 'AssociationMSP'],
      ['IDENTITY', 'Insurer1MSP'],
      ['IDENTITY', 'Insurer2MSP'],
      ['IDENTITY', 'ClinicHostMSP'],
    ]);
    expect(bv.identities[4]!.principal.id_bytes).to.equal(b64('identity of orderer 5'));
    // The input is left as it was: compute_update needs both.
    expect(consentersOf(config)).to.have.length(4);
    expect(orderer(config).groups!.ClinicHostMSP).to.equal(undefined);
  });

  it('adds a second orderer of an ordering organisation to its own endpoints', () => {
    const updated = withConsenter(bftConfig(), consenter(6, 'Insurer1MSP'));
    expect(endpoints(updated, 'Insurer1MSP')).to.deep.equal(['127.0.0.1:7053', '127.0.0.1:7056']);
  });

  it('refuses an orderer already there, an id not above the current ones, a newcomer without its definition, a Raft channel', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string; message: string }).code;
      }
      return 'accepted';
    };
    const again = { ...consenter(9, 'Insurer2MSP'), port: 7054 };
    expect(refused(() => withConsenter(bftConfig(), again))).to.equal('CONSENTER_EXISTS');
    expect(refused(() => withConsenter(bftConfig(), consenter(4, 'Insurer2MSP')))).to.equal(
      'CONSENTER_EXISTS',
    );
    expect(
      refused(() =>
        withConsenter(bftConfig(), { ...consenter(3, 'Insurer2MSP'), port: 7099, identity: b64('new') }),
      ),
    ).to.equal('CONSENTER_CHANGE_REFUSED');
    expect(refused(() => withConsenter(bftConfig(), consenter(5, 'ClinicHostMSP')))).to.equal(
      'ORG_DEFINITION_INVALID',
    );
    expect(refused(() => consentersOf(bftConfig('etcdraft')))).to.equal('CONSENTER_CHANGE_REFUSED');
    expect(refused(() => withoutConsenter(bftConfig(), '9'))).to.equal('CONSENTER_UNKNOWN');
  });

  it('removes an organisation’s last orderer with its orderer-group organisation, one of several from its endpoints; never below four', () => {
    const five = withConsenter(bftConfig(), consenter(5, 'ClinicHostMSP'), { values: {} });
    const { updated, gone } = withoutConsenter(five, '5');
    expect(gone.msp_id).to.equal('ClinicHostMSP');
    expect(orderer(updated).groups!.ClinicHostMSP).to.equal(undefined);
    expect(blockValidation(updated).rule.n_out_of.n).to.equal(3);

    const six = withConsenter(bftConfig(), consenter(6, 'Insurer1MSP'));
    const byAddress = withoutConsenter(six, '127.0.0.1:7053');
    expect(byAddress.gone.id).to.equal(3);
    expect(endpoints(byAddress.updated, 'Insurer1MSP')).to.deep.equal(['127.0.0.1:7056']);
    expect(consentersOf(byAddress.updated).map((c) => c.id)).to.deep.equal([1, 2, 4, 6]);

    try {
      withoutConsenter(bftConfig(), '1');
      expect.fail('a removal leaving three consenters was computed');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('CONSENTER_CHANGE_REFUSED');
      expect((err as Error).message).to.include('would leave 3');
    }
  });

  it('renews a consenter: its entry carries the new identity and TLS certificates, block validation names the new identity; nothing else moves', () => {
    const config = bftConfig();
    const renewed = {
      ...consenter(3, 'Insurer1MSP'),
      identity: b64('renewed identity of orderer 3'),
      client_tls_cert: b64('renewed tls of orderer 3'),
      server_tls_cert: b64('renewed tls of orderer 3'),
    };
    const updated = withRenewedConsenter(config, renewed);
    expect(consentersOf(updated)).to.deep.equal([
      consenter(1, 'AssociationMSP'),
      consenter(2, 'AssociationMSP'),
      renewed,
      consenter(4, 'Insurer2MSP'),
    ]);
    const v = blockValidation(updated);
    expect(v.identities.map((i) => i.principal.id_bytes)).to.deep.equal([
      b64('identity of orderer 1'),
      b64('identity of orderer 2'),
      b64('renewed identity of orderer 3'),
      b64('identity of orderer 4'),
    ]);
    expect(v.rule.n_out_of.n).to.equal(3);
    // Endpoints and organisations stay: a renewal moves certificates only.
    expect(orderer(updated).groups).to.deep.equal(orderer(config).groups);
    expect(consentersOf(config)[2]).to.deep.equal(consenter(3, 'Insurer1MSP'));
    // Another organisation's id, another address, or the certificates it already carries: refused.
    for (const [bad, code] of [
      [{ ...renewed, msp_id: 'Insurer2MSP' }, 'CONSENTER_UNKNOWN'],
      [{ ...renewed, port: 9999 }, 'CONSENTER_UNKNOWN'],
      [{ ...renewed, id: 9 }, 'CONSENTER_UNKNOWN'],
      [consenter(3, 'Insurer1MSP'), 'CONSENTER_CHANGE_REFUSED'],
    ] as const)
      expect(() => withRenewedConsenter(config, bad))
        .to.throw()
        .with.property('code', code);
  });

  it('the orderer verbs explain themselves in English and Russian and refuse a bad port naming the option', function () {
    // Two node processes, each loading the whole CLI: seconds on a loaded machine.
    this.timeout(120_000);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js'), ...args], {
        encoding: 'utf8',
        timeout: 50_000,
      });
    const help = cli('orderer', '--help');
    expect(help.status).to.equal(0);
    for (const verb of ['list', 'create', 'propose-add', 'propose-remove', 'start', 'join', 'leave'])
      expect(help.stdout).to.match(new RegExp(`\\n\\s+${verb}\\b`));
    expect(help.stdout).to.include('start your orderer').and.include('запустить ваш узел упорядочивания');
    const bad = cli(
      '--dir',
      '/nonexistent/dmsnet-net',
      'orderer',
      'create',
      '--org',
      'clinichost',
      '--port',
      '80',
      '--admin-port',
      '30001',
      '--operations-port',
      '30002',
    );
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.include("option '--port <n>' argument '80' is invalid");
  });

  it('an organisation makes an orderer in its own folder: keys issued by its CAs there, recorded in org.json; taken ports and bad names refused', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'dmsnet-orderer-home-'));
    try {
      await createOrg({
        dir: home,
        key: 'vendor1',
        mspId: 'Vendor1MSP',
        kind: 'clinic-host',
        portBase: 31400,
      });
      const node = await createOrderer(await openOrg(home), {
        port: 31450,
        adminPort: 31451,
        operationsPort: 31452,
      });
      expect(node).to.deep.include({ name: 'orderer1.vendor1', mspId: 'Vendor1MSP', host: '127.0.0.1' });
      const dir = path.join(home, 'orgs', 'vendor1', 'nodes', 'orderer1.vendor1');
      for (const f of ['msp/keystore/priv_sk', 'msp/signcerts/cert.pem', 'tls/server.key', 'tls/server.crt'])
        expect(existsSync(path.join(dir, f)), f).to.equal(true);
      const saved = JSON.parse(await readFile(path.join(home, HOME_FILE), 'utf8')) as OrgHome;
      expect(saved.topology.orderers.map((o) => o.name)).to.deep.equal(['orderer1.vendor1']);
      expect(saved.topology.orgs[0]!.orderers).to.equal(1);

      const code = async (o: Parameters<typeof createOrderer>[1]) =>
        createOrderer(await openOrg(home), o).then(
          () => 'created',
          (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
        );
      // 31400 is the organisation's own peer.
      expect(await code({ port: 31400, adminPort: 31460, operationsPort: 31461 })).to.match(
        /^NODE_EXISTS: peer0\.vendor1/,
      );
      expect(await code({ port: 31451, adminPort: 31460, operationsPort: 31461 })).to.match(
        /^NODE_EXISTS: orderer1\.vendor1/,
      );
      // 31408 and 31409: the organisation's Fabric CA (its first peer's port + 8, + 9), running or not.
      expect(await code({ port: 31408, adminPort: 31460, operationsPort: 31461 })).to.match(
        /^NODE_EXISTS: ca\.vendor1/,
      );
      expect(await code({ port: 31462, adminPort: 31463, operationsPort: 31409 })).to.match(
        /^NODE_EXISTS: ca\.vendor1/,
      );
      expect(
        await code({ name: 'Orderer 2', port: 31470, adminPort: 31471, operationsPort: 31472 }),
      ).to.match(/^CONSENTER_CHANGE_REFUSED: \/name: /);
      expect(await code({ port: 80, adminPort: 31471, operationsPort: 31472 })).to.match(
        /^CONSENTER_CHANGE_REFUSED: \/port: a port number/,
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
