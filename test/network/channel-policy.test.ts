// The modification-policy check an admin runs before submitting a channel update: implicit-meta rules over the
// organisations' signature policies, with the admin role read from the certificate (NodeOUs), as Fabric does.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCA } from '../../node-config/src/local-ca.js';
import {
  evaluate,
  mergeSignatures,
  wireField,
  type ConfigGroup,
  type Signer,
} from '../../network/src/channel-update.js';
import { checkDefinition, type OrgDefinition } from '../../network/src/org.js';

const orgGroup = (mspId: string): ConfigGroup => ({
  policies: {
    Admins: {
      policy: {
        type: 1,
        value: {
          identities: [
            { principal_classification: 'ROLE', principal: { msp_identifier: mspId, role: 'ADMIN' } },
          ],
          rule: { n_out_of: { n: 1, rules: [{ signed_by: 0 }] } },
        },
      },
    },
  },
});

const channel = (rule: string, orgs: string[]): ConfigGroup => ({
  groups: {
    Application: {
      mod_policy: 'Admins',
      policies: { Admins: { policy: { type: 3, value: { rule, sub_policy: 'Admins' } } } },
      groups: Object.fromEntries(orgs.map((m) => [m, orgGroup(m)])),
    },
  },
});

describe('network: the channel modification policy, checked before an update is submitted', () => {
  let dir: string;
  const admin: Record<string, Signer> = {};
  const client: Record<string, Signer> = {};
  const ADMINS = ['Channel', 'Application', 'Admins'];
  const orgs = ['AMSP', 'BMSP', 'CMSP'];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-policy-'));
    for (const m of orgs) {
      const ca = await LocalCA.open(path.join(dir, m), m);
      admin[m] = {
        mspId: m,
        certificate: (await ca.issue({ commonName: `admin.${m}`, ou: 'admin' })).certificate,
      };
      client[m] = {
        mspId: m,
        certificate: (await ca.issue({ commonName: `user.${m}`, ou: 'client' })).certificate,
      };
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('MAJORITY Admins of three: one admin is short and names the two it may still take; two suffice', () => {
    const root = channel('MAJORITY', orgs);
    const one = evaluate(root, ADMINS, [admin.AMSP!]);
    expect(one.ok).to.equal(false);
    expect(one.describe).to.equal('MAJORITY Admins: 2 of 3 (AMSP, BMSP, CMSP)');
    expect(one.missing).to.equal('1 more Admins signature of BMSP, CMSP for /Channel/Application/Admins');
    expect(evaluate(root, ADMINS, [admin.AMSP!, admin.CMSP!]).ok).to.equal(true);
  });

  it('counts an organisation once however many of its admins sign, and a client certificate not at all', () => {
    const root = channel('MAJORITY', orgs);
    expect(evaluate(root, ADMINS, [admin.AMSP!, admin.AMSP!]).ok).to.equal(false);
    const r = evaluate(root, ADMINS, [admin.AMSP!, client.BMSP!]);
    expect(r.ok).to.equal(false);
    expect(r.missing).to.include('BMSP, CMSP');
  });

  it('ALL and ANY read the same way', () => {
    expect(evaluate(channel('ALL', orgs), ADMINS, [admin.AMSP!, admin.BMSP!]).missing).to.equal(
      '1 more Admins signature of CMSP for /Channel/Application/Admins',
    );
    expect(evaluate(channel('ANY', orgs), ADMINS, [admin.BMSP!]).ok).to.equal(true);
  });

  it('refuses a policy it cannot evaluate instead of guessing', () => {
    const root = channel('MAJORITY', orgs);
    (root.groups!.Application!.policies!.Admins!.policy as { type: number }).type = 2;
    expect(() => evaluate(root, ADMINS, [])).to.throw(/policy of type 2/);
  });

  it('refuses a definition file that carries a private key, even base64-encoded inside the MSP group', () => {
    const def: OrgDefinition = {
      format: 'dmsnet-org-definition/1',
      key: 'x',
      mspId: 'XMSP',
      kind: 'insurer',
      group: { values: { MSP: { value: { config: { root_certs: [] } } } } },
      peers: [],
      orderers: [],
      tlsRootCertificate: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
    };
    expect(checkDefinition(def)).to.equal(def);
    const key = Buffer.from(
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n',
    );
    const leaky = {
      ...def,
      group: { values: { MSP: { value: { config: { keys: [key.toString('base64')] } } } } },
    };
    expect(() => checkDefinition(leaky)).to.throw(/holds a private key/);
  });

  it('merges the signatures of parallel-signed copies byte for byte, each once, and refuses a copy of another update', () => {
    // Envelope{1: Payload{1: header, 2: ConfigUpdateEnvelope{1: update, 2: signature…}}}
    const file = (header: string, update: string, ...sigs: string[]) =>
      wireField(
        1,
        Buffer.concat([
          wireField(1, Buffer.from(header)),
          wireField(
            2,
            Buffer.concat([
              wireField(1, Buffer.from(update)),
              ...sigs.map((x) => wireField(2, Buffer.from(x))),
            ]),
          ),
        ]),
      );
    const merged = mergeSignatures([file('h1', 'U', 'sigA'), file('h2', 'U', 'sigB', 'sigA')]);
    expect(merged.signatures).to.equal(2);
    expect(merged.bytes.equals(file('h1', 'U', 'sigA', 'sigB'))).to.equal(true);
    expect(() => mergeSignatures([file('h', 'U', 'a'), file('h', 'V', 'b')])).to.throw(/another update/);
    expect(() => mergeSignatures([Buffer.from('not protobuf at all')])).to.throw(/not a channel update/);
  });
});
