// The council (decision 0029): which signatures admit an organisation to a channel of hundreds, which change the
// council, evaluated the way Fabric's cauthdsl does, with the names of whoever is still missing.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCA } from '../../node-config/src/local-ca.js';
import {
  evaluate,
  evaluateSignaturePolicy,
  type ChannelConfig,
  type ConfigGroup,
  type Signer,
} from '../../network/src/channel-update.js';
import {
  approvalsShort,
  changedCouncil,
  checkCouncil,
  councilPolicies,
  describeCouncil,
  readCouncil,
  setCouncil,
  thresholds,
} from '../../network/src/council.js';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';

const ADMINS = ['Channel', 'Application', 'Admins'];
const LIFECYCLE = ['Channel', 'Application', 'LifecycleEndorsement'];
const COUNCIL = ['Channel', 'Application', 'Council'];

/** A channel config with `orgs` application organisations and Fabric's defaults (MAJORITY Admins). */
function channelOf(orgs: string[]): ChannelConfig {
  const groups: Record<string, ConfigGroup> = {};
  for (const m of orgs)
    groups[m] = {
      mod_policy: 'Admins',
      version: '0',
      policies: {
        Admins: {
          policy: {
            type: 1,
            value: {
              identities: [
                { principal_classification: 'ROLE', principal: { msp_identifier: m, role: 'ADMIN' } },
              ],
              rule: { n_out_of: { n: 1, rules: [{ signed_by: 0 }] } },
            },
          },
        },
      },
    };
  return {
    channel_group: {
      groups: {
        Application: {
          mod_policy: 'Admins',
          version: '3',
          groups,
          policies: {
            Admins: {
              mod_policy: 'Admins',
              version: '0',
              policy: { type: 3, value: { rule: 'MAJORITY', sub_policy: 'Admins' } },
            },
            LifecycleEndorsement: {
              mod_policy: 'Admins',
              version: '0',
              policy: { type: 3, value: { rule: 'MAJORITY', sub_policy: 'Endorsement' } },
            },
          },
        },
      },
    },
  };
}

describe('network: the council decides who joins and leaves a channel of hundreds', () => {
  let dir: string;
  const admin: Record<string, Signer> = {};
  const peer: Record<string, Signer> = {};
  const market = [
    'AssociationMSP',
    ...Array.from({ length: 300 }, (_, i) => `Org${String(i + 1).padStart(3, '0')}MSP`),
  ];
  const elected = ['Org001MSP', 'Org002MSP', 'Org003MSP', 'Org004MSP', 'Org005MSP', 'Org006MSP', 'Org007MSP'];
  const signers = ['AssociationMSP', ...elected, 'Org300MSP'];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-council-'));
    for (const m of signers) {
      const ca = await LocalCA.open(path.join(dir, m), m);
      admin[m] = {
        mspId: m,
        certificate: (await ca.issue({ commonName: `admin.${m}`, ou: 'admin' })).certificate,
      };
      peer[m] = {
        mspId: m,
        certificate: (await ca.issue({ commonName: `peer0.${m}`, ou: 'peer' })).certificate,
      };
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const with7 = () => {
    const c = channelOf(market);
    setCouncil(c, { chair: 'AssociationMSP', members: elected });
    return c;
  };

  it('thresholds: the chair and a majority of the members admit; two thirds of the seats, never fewer, change the council', () => {
    expect(thresholds(1)).to.deep.equal({ admit: 1, change: 2, seats: 2 });
    expect(thresholds(2)).to.deep.equal({ admit: 2, change: 3, seats: 3 });
    expect(thresholds(3)).to.deep.equal({ admit: 2, change: 3, seats: 4 });
    expect(thresholds(7)).to.deep.equal({ admit: 4, change: 6, seats: 8 });
    expect(thresholds(15)).to.deep.equal({ admit: 8, change: 11, seats: 16 });
  });

  it('the 301st organisation: MAJORITY Admins wants 151 signatures, the council five, and names who is missing', () => {
    const before = evaluate(channelOf(market).channel_group, ADMINS, [admin.AssociationMSP!]);
    expect(before.describe).to.match(/^MAJORITY Admins: 151 of 301 /);
    expect(before.missing).to.match(/^150 more Admins signatures of /);

    const root = with7().channel_group;
    const chairAlone = evaluate(root, ADMINS, [admin.AssociationMSP!]);
    expect(chairAlone.ok).to.equal(false);
    expect(chairAlone.describe).to.equal(
      `signature policy AND(AssociationMSP.admin, 4 of (${elected.map((m) => `${m}.admin`).join(', ')}))`,
    );
    expect(chairAlone.missing).to.equal(
      `4 more of ${elected.map((m) => `${m}.admin`).join(', ')} for /Channel/Application/Admins`,
    );
    const three = [admin.AssociationMSP!, admin.Org002MSP!, admin.Org005MSP!, admin.Org007MSP!];
    expect(evaluate(root, ADMINS, three).missing).to.equal(
      '1 more of Org001MSP.admin, Org003MSP.admin, Org004MSP.admin, Org006MSP.admin for /Channel/Application/Admins',
    );
    expect(evaluate(root, ADMINS, [...three, admin.Org001MSP!]).ok).to.equal(true);
    // Four members without the chair: the chair is named as missing, nothing else.
    const noChair = evaluate(
      root,
      ADMINS,
      elected.slice(0, 4).map((m) => admin[m]!),
    );
    expect(noChair).to.deep.include({
      ok: false,
      missing: 'AssociationMSP.admin for /Channel/Application/Admins',
    });
    // An organisation outside the council adds nothing, however many sign.
    expect(evaluate(root, ADMINS, [admin.AssociationMSP!, admin.Org300MSP!, admin.Org001MSP!]).ok).to.equal(
      false,
    );
  });

  it('neither chair nor members at once: the chair and 1 more … are both named', () => {
    const root = with7().channel_group;
    const r = evaluate(
      root,
      ADMINS,
      elected.slice(0, 3).map((m) => admin[m]!),
    );
    expect(r.missing).to.equal(
      'AssociationMSP.admin and (1 more of Org004MSP.admin, Org005MSP.admin, Org006MSP.admin, Org007MSP.admin) ' +
        'for /Channel/Application/Admins',
    );
  });

  it('a chaincode definition is committed by the same seats, through their peers: admin certificates do not count', () => {
    const root = with7().channel_group;
    const seats = ['AssociationMSP', ...elected.slice(0, 4)];
    expect(
      evaluate(
        root,
        LIFECYCLE,
        seats.map((m) => peer[m]!),
      ).ok,
    ).to.equal(true);
    expect(
      evaluate(
        root,
        LIFECYCLE,
        seats.map((m) => admin[m]!),
      ).ok,
    ).to.equal(false);
  });

  it('the council changes only by two thirds of its seats, the chair not required', () => {
    const root = with7().channel_group;
    const five = elected.slice(0, 5).map((m) => admin[m]!);
    const r = evaluate(root, COUNCIL, [...five]);
    expect(r.ok).to.equal(false);
    expect(r.missing).to.equal(
      '1 more of AssociationMSP.admin, Org006MSP.admin, Org007MSP.admin for /Channel/Application/Council',
    );
    expect(evaluate(root, COUNCIL, [...five, admin.Org006MSP!]).ok).to.equal(true);
    // What admits an organisation (the chair and four) does not change the council.
    const admitting = [admin.AssociationMSP!, ...elected.slice(0, 4).map((m) => admin[m]!)];
    expect(evaluate(root, ADMINS, admitting).ok).to.equal(true);
    expect(evaluate(root, COUNCIL, admitting).ok).to.equal(false);
  });

  it('one identity satisfies one principal, as in Fabric, and a signature counted twice is one', () => {
    const sp = councilPolicies({ chair: 'AssociationMSP', members: ['Org001MSP'] }).Council;
    // 2 of (chair, Org001): the chair's admin twice is still one signer.
    expect(evaluateSignaturePolicy(sp, [admin.AssociationMSP!, admin.AssociationMSP!]).ok).to.equal(false);
    const twice = {
      identities: [
        { principal_classification: 'ROLE', principal: { msp_identifier: 'Org001MSP', role: 'MEMBER' } },
        { principal_classification: 'ROLE', principal: { msp_identifier: 'Org001MSP', role: 'ADMIN' } },
      ],
      rule: { n_out_of: { n: 2, rules: [{ signed_by: 0 }, { signed_by: 1 }] } },
    };
    expect(evaluateSignaturePolicy(twice, [admin.Org001MSP!]).ok).to.equal(false);
    expect(evaluateSignaturePolicy(twice, [peer.Org001MSP!, admin.Org001MSP!]).ok).to.equal(true);
  });

  it('every council policy is guarded by the Council policy; versions are kept and the council reads back', () => {
    const c = channelOf(market);
    c.channel_group.groups!.Application!.policies!.Admins!.version = '4';
    setCouncil(c, { chair: 'AssociationMSP', members: ['Org003MSP', 'Org001MSP'] });
    const p = c.channel_group.groups!.Application!.policies!;
    expect(Object.keys(p).sort()).to.deep.equal(['Admins', 'Council', 'LifecycleEndorsement']);
    for (const k of Object.keys(p)) expect(p[k]!.mod_policy, k).to.equal('Council');
    expect(p.Admins!.version).to.equal('4');
    expect(p.Council!.version).to.equal('0');
    expect(readCouncil(c)).to.deep.equal({ chair: 'AssociationMSP', members: ['Org001MSP', 'Org003MSP'] });
    expect(readCouncil(channelOf(market))).to.equal(undefined);
  });

  it('elect and remove: a change to the council in the config, refused with the reason when it makes no sense', () => {
    const c = with7();
    expect(changedCouncil(c, { kind: 'elect', member: 'Org300MSP' }).members).to.include('Org300MSP');
    expect(changedCouncil(c, { kind: 'remove', member: 'Org004MSP' }).members).to.not.include('Org004MSP');
    const refused = (f: () => unknown, why: RegExp) =>
      expect(f).to.throw(why).with.property('code', 'COUNCIL_CHANGE_INVALID');
    refused(() => changedCouncil(c, { kind: 'elect', member: 'Org001MSP' }), /already sits on the council/);
    refused(() => changedCouncil(c, { kind: 'elect', member: 'AssociationMSP' }), /already sits/);
    refused(() => changedCouncil(c, { kind: 'remove', member: 'AssociationMSP' }), /chairs the council/);
    refused(() => changedCouncil(c, { kind: 'remove', member: 'Org300MSP' }), /not on the council/);
    refused(
      () =>
        changedCouncil(c, { kind: 'found', council: { chair: 'AssociationMSP', members: ['Org001MSP'] } }),
      /already has a council/,
    );
    refused(
      () => changedCouncil(channelOf(market), { kind: 'elect', member: 'Org001MSP' }),
      /no council yet/,
    );
    refused(
      () => setCouncil(c, { chair: 'AssociationMSP', members: ['NoSuchMSP'] }),
      /NoSuchMSP is not an organisation/,
    );
    refused(
      () => checkCouncil({ chair: 'AssociationMSP', members: [] }, market),
      /at least one elected member/,
    );
    refused(
      () => checkCouncil({ chair: 'AssociationMSP', members: ['AssociationMSP'] }, market),
      /cannot also be elected/,
    );
  });

  it('a chaincode definition is committed once the chair and a majority of the council approved, not the market', () => {
    const c = with7();
    expect(approvalsShort(c, ['AssociationMSP', 'Org001MSP', 'Org002MSP', 'Org003MSP'])).to.equal(
      '1 more of Org004MSP, Org005MSP, Org006MSP, Org007MSP',
    );
    expect(approvalsShort(c, ['Org001MSP', 'Org002MSP', 'Org003MSP', 'Org004MSP', 'Org300MSP'])).to.equal(
      'AssociationMSP',
    );
    expect(
      approvalsShort(c, ['AssociationMSP', 'Org001MSP', 'Org002MSP', 'Org003MSP', 'Org007MSP']),
    ).to.equal(undefined);
    // Without a council, Fabric's MAJORITY: 151 of 301.
    expect(approvalsShort(channelOf(market), market.slice(0, 150))).to.match(
      /^1 more of .* \(a majority of 301\)$/,
    );
    expect(approvalsShort(channelOf(market), market.slice(0, 151))).to.equal(undefined);
  });

  it('the council and removal verbs refuse a malformed MSP id naming the option, before reaching any network', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, DMSNET_FABRIC_DIR: dir },
      });
    const elect = cli('council', 'propose-elect', '--member', 'insurer3', '--out', path.join(dir, 'x.pb'));
    expect(elect.status).to.equal(1);
    expect(elect.stderr).to.include("option '--member <msp>' argument 'insurer3' is invalid");
    const found = cli(
      'council',
      'propose-found',
      '--chair',
      'AssociationMSP',
      '--members',
      'AMSP,b c',
      '--out',
      'x',
    );
    expect(found.status).to.equal(1);
    expect(found.stderr).to.include("option '--members <msps>' argument 'AMSP,b c' is invalid");
    const remove = cli('channel', 'propose-remove-org', '--msp', '', '--out', 'x');
    expect(remove.status).to.equal(1);
    expect(remove.stderr).to.include('an MSP id');
  });

  it('says who signs what, for council show', () => {
    expect(describeCouncil(readCouncil(with7()), market)).to.deep.equal([
      'chair: AssociationMSP',
      `elected members (7): ${elected.join(', ')}`,
      'admit or remove an organisation, commit a chaincode definition: AssociationMSP and 4 of the 7 members',
      'change the council: 6 of its 8 seats',
      'organisations in the channel: 301',
    ]);
    expect(describeCouncil(undefined, market)[0]).to.include('151 signatures');
  });
});
