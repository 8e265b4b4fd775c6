// Who must sign a change to the channel once the market has hundreds of organisations (decision 0029): the
// association (the chair) plus a majority of an elected council admits or removes an organisation and commits a
// chaincode definition; the council itself changes only by a larger majority of its seats. All of it lives in the
// channel config as explicit signature policies, so Fabric enforces it and check-update reads it back.
import type { FabricInstall } from './binaries.js';
import {
  applicationOrgs,
  proposeChange,
  type ChannelConfig,
  type ConfigGroup,
  type PolicyCheck,
  type SigRule,
  type SignaturePolicy,
} from './channel-update.js';
import { NetworkError } from './errors.js';
import type { OrgContext } from './org.js';

/** The Application group's policy that guards the council's own policies (their mod_policy). */
export const COUNCIL_POLICY = 'Council';

export interface Council {
  /** The MSP id with a standing seat whose signature every admission needs: the association. */
  chair: string;
  /** Elected organisations' MSP ids, sorted. */
  members: string[];
}

export interface Thresholds {
  /** Elected members who must sign next to the chair to admit or remove an organisation, or commit a definition. */
  admit: number;
  /** Seats (chair included) that must sign to change the council. */
  change: number;
  seats: number;
}

/**
 * Admission: the chair and a simple majority of the elected members. A change to the council: two thirds of all seats
 * and never fewer than an admission takes, the chair not required, so the members can outvote a chair who refuses
 * to hold elections but no smaller group than the one admitting organisations can reshape the council.
 */
export function thresholds(members: number): Thresholds {
  const seats = members + 1;
  const admit = Math.floor(members / 2) + 1;
  return { admit, change: Math.min(seats, Math.max(Math.ceil((2 * seats) / 3), admit + 1)), seats };
}

const principal = (mspId: string, role: 'ADMIN' | 'PEER') => ({
  principal_classification: 'ROLE',
  principal: { msp_identifier: mspId, role },
});

const seatsRule = (c: Council, admitOnly: boolean): SigRule => {
  const t = thresholds(c.members.length);
  const members = c.members.map((_, i) => ({ signed_by: i + 1 }));
  if (!admitOnly) return { n_out_of: { n: t.change, rules: [{ signed_by: 0 }, ...members] } };
  return { n_out_of: { n: 2, rules: [{ signed_by: 0 }, { n_out_of: { n: t.admit, rules: members } }] } };
};

/** The three policies of the Application group a council is made of, as configtxlator encodes them. */
export function councilPolicies(
  c: Council,
): Record<'Admins' | 'LifecycleEndorsement' | 'Council', SignaturePolicy> {
  const seats = [c.chair, ...c.members];
  return {
    Admins: { version: 0, identities: seats.map((m) => principal(m, 'ADMIN')), rule: seatsRule(c, true) },
    // Committing a chaincode definition is endorsed by peers, so the same seats sign it with their peers.
    LifecycleEndorsement: {
      version: 0,
      identities: seats.map((m) => principal(m, 'PEER')),
      rule: seatsRule(c, true),
    },
    Council: { version: 0, identities: seats.map((m) => principal(m, 'ADMIN')), rule: seatsRule(c, false) },
  };
}

/** The council the channel config holds, or undefined while the channel still runs on Fabric's MAJORITY Admins. */
export function readCouncil(config: ChannelConfig): Council | undefined {
  const p = config.channel_group.groups?.Application?.policies?.[COUNCIL_POLICY]?.policy;
  if (!p) return undefined;
  if (p.type !== 1)
    throw new NetworkError('CHANNEL_POLICY_UNSUPPORTED', `/Channel/Application/Council is of type ${p.type}`);
  const [chair, ...members] = (p.value as SignaturePolicy).identities.map((i) => i.principal.msp_identifier);
  if (!chair)
    throw new NetworkError('CHANNEL_POLICY_UNSUPPORTED', '/Channel/Application/Council names nobody');
  return { chair, members };
}

/** Refuses a council the channel could not run on: seats outside the channel, a seat twice, nobody elected. */
export function checkCouncil(c: Council, inChannel: string[]): Council {
  const bad = (why: string) => new NetworkError('COUNCIL_CHANGE_INVALID', why);
  const members = [...c.members].sort();
  if (!members.length)
    throw bad(
      `the council needs at least one elected member next to ${c.chair}, or ${c.chair} alone decides`,
    );
  for (const m of [c.chair, ...members])
    if (!inChannel.includes(m)) throw bad(`${m} is not an organisation of the channel`);
  if (members.includes(c.chair)) throw bad(`${c.chair} chairs the council and cannot also be elected to it`);
  if (new Set(members).size !== members.length) throw bad('an organisation is named twice');
  return { chair: c.chair, members };
}

/** Puts the council's policies into a config (a copy being changed), every one guarded by the Council policy. */
export function setCouncil(config: ChannelConfig, c: Council): void {
  const app = config.channel_group.groups?.Application as ConfigGroup | undefined;
  if (!app) throw new NetworkError('FABRIC_CONFIG_MISSING', 'the channel has no Application group');
  const council = checkCouncil(c, applicationOrgs(config));
  app.policies ??= {};
  for (const [name, value] of Object.entries(councilPolicies(council)))
    app.policies[name] = {
      mod_policy: COUNCIL_POLICY,
      policy: { type: 1, value },
      version: app.policies[name]?.version ?? '0',
    };
}

export type CouncilChange =
  | { kind: 'found'; council: Council }
  | { kind: 'elect'; member: string }
  | { kind: 'remove'; member: string };

/** The council after the change, from the one in the config. */
export function changedCouncil(config: ChannelConfig, change: CouncilChange): Council {
  if (change.kind === 'found') {
    if (readCouncil(config))
      throw new NetworkError(
        'COUNCIL_CHANGE_INVALID',
        'the channel already has a council: elect or remove members instead',
      );
    return change.council;
  }
  const now = readCouncil(config);
  if (!now)
    throw new NetworkError(
      'COUNCIL_CHANGE_INVALID',
      'the channel has no council yet (MAJORITY Admins): found one first with "council propose-found"',
    );
  const on = now.members.includes(change.member) || now.chair === change.member;
  if (change.kind === 'elect') {
    if (on) throw new NetworkError('COUNCIL_CHANGE_INVALID', `${change.member} already sits on the council`);
    return { ...now, members: [...now.members, change.member] };
  }
  if (!now.members.includes(change.member))
    throw new NetworkError(
      'COUNCIL_CHANGE_INVALID',
      now.chair === change.member
        ? `${change.member} chairs the council; its seat is not elected`
        : `${change.member} is not on the council (${now.members.join(', ')})`,
    );
  return { ...now, members: now.members.filter((m) => m !== change.member) };
}

/** The update file that founds, or elects to or removes from, the council; returns whose signatures it needs. */
export function proposeCouncilChange(
  ctx: OrgContext,
  fabric: FabricInstall,
  change: CouncilChange,
  out: string,
): Promise<PolicyCheck> {
  return proposeChange(ctx, fabric, out, (config) => setCouncil(config, changedCouncil(config, change)));
}

/** Who signs what, in words, for `council show` and the operator. */
export function describeCouncil(c: Council | undefined, inChannel: string[]): string[] {
  if (!c)
    return [
      `no council: /Channel/Application/Admins is MAJORITY Admins of ${inChannel.length} organisations ` +
        `(${Math.floor(inChannel.length / 2) + 1} signatures to admit or remove one)`,
    ];
  const t = thresholds(c.members.length);
  return [
    `chair: ${c.chair}`,
    `elected members (${c.members.length}): ${c.members.join(', ')}`,
    `admit or remove an organisation, commit a chaincode definition: ${c.chair} and ${t.admit} of the ${c.members.length} members`,
    `change the council: ${t.change} of its ${t.seats} seats`,
    `organisations in the channel: ${inChannel.length}`,
  ];
}

/**
 * What the organisations that approved a chaincode definition still lack to commit it, in words, or undefined when
 * they suffice: the council's lifecycle rule, or Fabric's MAJORITY on a channel without a council. The commit asks
 * only those organisations' peers to endorse it, so nobody waits for the whole market to approve.
 */
export function approvalsShort(config: ChannelConfig, approved: string[]): string | undefined {
  const c = readCouncil(config);
  if (!c) {
    const orgs = applicationOrgs(config);
    const need = Math.floor(orgs.length / 2) + 1;
    const got = orgs.filter((m) => approved.includes(m));
    return got.length >= need
      ? undefined
      : `${need - got.length} more of ${orgs.filter((m) => !got.includes(m)).join(', ')} (a majority of ${orgs.length})`;
  }
  const t = thresholds(c.members.length);
  const chair = approved.includes(c.chair);
  const members = c.members.filter((m) => approved.includes(m));
  const missing: string[] = [];
  if (!chair) missing.push(c.chair);
  if (members.length < t.admit)
    missing.push(
      `${t.admit - members.length} more of ${c.members.filter((m) => !members.includes(m)).join(', ')}`,
    );
  return missing.length ? missing.join(' and ') : undefined;
}
