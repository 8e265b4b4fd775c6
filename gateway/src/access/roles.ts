// Who may do what at a node: people's roles per kind of participant, the operations of the API, and which route is
// which operation. The API enforces this table; the console only hides what the API would refuse anyway.

export type ParticipantRole = 'clinic' | 'insurer' | 'assistance' | 'association';

export type Operation =
  | 'read'
  | 'send'
  | 'decide'
  | 'purge'
  | 'coverage'
  | 'roster'
  | 'letters.read'
  | 'letters.write'
  | 'pricelists.decide'
  | 'acts.read'
  | 'acts.edit'
  | 'import'
  | 'governance'
  | 'webhooks'
  | 'users'
  | 'signature'
  | 'directory'
  | 'keys'
  | 'correspondents';

const ALL: readonly Operation[] = [
  'read',
  'send',
  'decide',
  'purge',
  'coverage',
  'roster',
  'letters.read',
  'letters.write',
  'pricelists.decide',
  'acts.read',
  'acts.edit',
  'import',
  'governance',
  'webhooks',
  'users',
  'signature',
  'directory',
  'keys',
  'correspondents',
];

/** The people's roles at each kind of participant and what each may do; `admin` may do everything. */
export const ROLES: Record<ParticipantRole, Record<string, readonly Operation[]>> = {
  clinic: {
    registrar: ['read', 'coverage', 'roster', 'letters.read'],
    accountant: ['read', 'send', 'decide', 'coverage', 'roster', 'letters.read', 'acts.read', 'import'],
    expert: ['read', 'decide', 'coverage', 'letters.read', 'acts.read'],
    admin: ALL,
  },
  insurer: {
    operator: [
      'read',
      'send',
      'decide',
      'coverage',
      'letters.read',
      'letters.write',
      'pricelists.decide',
      'import',
      'roster',
    ],
    expert: ['read', 'coverage', 'roster', 'letters.read', 'acts.read', 'acts.edit'],
    admin: ALL,
  },
  assistance: {
    operator: ['read', 'send', 'decide', 'coverage', 'roster', 'letters.read', 'letters.write', 'import'],
    admin: ALL,
  },
  association: {
    secretary: ['read', 'send', 'decide', 'governance'],
    admin: ALL,
  },
};

export function rolesOf(participantRole: ParticipantRole): string[] {
  return Object.keys(ROLES[participantRole]);
}

export function operationsOf(participantRole: ParticipantRole, role: string): readonly Operation[] {
  return ROLES[participantRole]?.[role] ?? [];
}

export function may(participantRole: ParticipantRole, role: string, op: Operation): boolean {
  return operationsOf(participantRole, role).includes(op);
}

/** What an operation leaves in the audit log (state-changing operations only). */
export type AuditAction =
  | 'send'
  | 'accept'
  | 'reject'
  | 'clarify'
  | 'purge'
  | 'withdraw'
  | 'act.edit'
  | 'act.confirm'
  | 'letter.issue'
  | 'letter.amend'
  | 'letter.revoke'
  | 'pricelist.accept'
  | 'pricelist.contest'
  | 'governance'
  | 'webhooks'
  | 'users'
  | 'signature-profile'
  | 'directory'
  | 'keys'
  | 'correspondents'
  | 'mail.release';

interface Route {
  method: string | RegExp;
  path: RegExp;
  op: Operation;
  audit?: AuditAction;
}

const ID = '[^/]+';
const r = (method: string | RegExp, path: string, op: Operation, audit?: AuditAction): Route => ({
  method,
  path: new RegExp(`^/v1${path}$`),
  op,
  audit,
});

/** Every route a person may reach; anything else is refused to a session (deny by default). */
const ROUTES: readonly Route[] = [
  r('GET', '/(inbox|outbox|formats|events|participants|participants/' + ID + ')', 'read'),
  r('GET', `/documents/${ID}`, 'read'),
  r('GET', `/documents/${ID}/signature(/export)?`, 'read'),
  r('GET', `/documents/${ID}/evidence`, 'read'),
  r('GET', `/documents/${ID}/xlsx`, 'read'),
  // Which key the node signs with is the organisation's legal signature: its admin's alone.
  r('PUT', '/signature-profile', 'signature', 'signature-profile'),
  r('POST', '/documents', 'send', 'send'),
  r('POST', `/documents/${ID}/purge`, 'purge', 'purge'),
  // Taking a document back is part of sending it: whoever may send may withdraw what was sent wrongly.
  r('POST', `/documents/${ID}/withdraw`, 'send', 'withdraw'),
  r('POST', `/inbox/${ID}/accept`, 'decide', 'accept'),
  r('POST', `/inbox/${ID}/reject`, 'decide', 'reject'),
  r('POST', `/inbox/${ID}/clarify`, 'decide', 'clarify'),
  r('GET', '/coverage', 'coverage'),
  r('GET', '/roster', 'roster'),
  r('GET', '/guarantee-letters', 'letters.read'),
  r('POST', '/guarantee-letters', 'letters.write', 'letter.issue'),
  r('POST', `/guarantee-letters/${ID}/amend`, 'letters.write', 'letter.amend'),
  r('POST', `/guarantee-letters/${ID}/revoke`, 'letters.write', 'letter.revoke'),
  r('GET', '/price-lists', 'read'),
  r('POST', `/price-lists/${ID}/accept`, 'pricelists.decide', 'pricelist.accept'),
  r('POST', `/price-lists/${ID}/contest`, 'pricelists.decide', 'pricelist.contest'),
  r('GET', `/expertise-acts/${ID}`, 'acts.read'),
  r('PATCH', `/expertise-acts/${ID}`, 'acts.edit', 'act.edit'),
  r('POST', `/expertise-acts/${ID}/send`, 'acts.edit', 'act.confirm'),
  r('GET', '/imports/mappings', 'import'),
  r('POST', '/imports/preview', 'import'),
  // Who acts on the ledger, and who votes: the association's admin alone, like a node's own users.
  r(
    /^(POST|PUT)$/,
    `/governance/(participants/${ID}/(suspend|resume)|participants|rules)`,
    'directory',
    'directory',
  ),
  // New keys are the organisation's, like its signature profile.
  r('POST', '/keys/rotate', 'keys', 'keys'),
  r('GET', '/governance/.+', 'read'),
  r(/^(POST|PUT|DELETE)$/, '/governance/.+', 'governance', 'governance'),
  r('GET', '/webhooks(/.+)?', 'webhooks'),
  r(/^(POST|DELETE)$/, '/webhooks(/.+)?', 'webhooks', 'webhooks'),
  // The mail bridge (decision record 0042): who may send for a correspondent is the admin's to say, like users.
  r('GET', '/mail/correspondents', 'read'),
  r(/^(POST|DELETE)$/, `/mail/correspondents(/${ID})?`, 'correspondents', 'correspondents'),
  r('GET', '/mail/held', 'decide'),
  r('POST', `/mail/held/${ID}/release`, 'decide', 'mail.release'),
  r('GET', '/users', 'users'),
  r('POST', '/users(/.+)?', 'users', 'users'),
];

export function routeOf(method: string, path: string): Route | undefined {
  return ROUTES.find(
    (x) => (typeof x.method === 'string' ? x.method === method : x.method.test(method)) && x.path.test(path),
  );
}
