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
  | 'care.read'
  | 'care.write'
  | 'letters.request'
  | 'pricelists.decide'
  | 'acts.read'
  | 'acts.edit'
  | 'medical.read'
  | 'import'
  | 'governance'
  | 'webhooks'
  | 'users'
  | 'signature'
  | 'directory'
  | 'keys'
  | 'correspondents'
  | 'delegations';

const ALL: readonly Operation[] = [
  'read',
  'send',
  'decide',
  'purge',
  'coverage',
  'roster',
  'letters.read',
  'letters.write',
  'care.read',
  'care.write',
  'letters.request',
  'pricelists.decide',
  'acts.read',
  'acts.edit',
  'medical.read',
  'import',
  'governance',
  'webhooks',
  'users',
  'signature',
  'directory',
  'keys',
  'correspondents',
  'delegations',
];

/** The admin may do everything but open medical documentation, which is the expert's alone (medical secrecy). */
const ADMIN: readonly Operation[] = ALL.filter((op) => op !== 'medical.read');

/** The people's roles at each kind of participant and what each may do; `admin` may do everything. */
export const ROLES: Record<ParticipantRole, Record<string, readonly Operation[]>> = {
  clinic: {
    // The registrar books the visits care requests ask for: a slot, a refusal, the visit or the no-show.
    // The registrar also asks the payer for a guarantee letter where coverage says one is needed first.
    registrar: ['read', 'coverage', 'roster', 'letters.read', 'letters.request', 'care.read', 'care.write'],
    accountant: [
      'read',
      'send',
      'decide',
      'coverage',
      'roster',
      'letters.read',
      'letters.request',
      'acts.read',
      'import',
    ],
    // Medical secrecy (decision 0056): the expert alone opens medical documentation, not even the admin.
    expert: ['read', 'decide', 'coverage', 'letters.read', 'acts.read', 'medical.read'],
    admin: ADMIN,
  },
  insurer: {
    operator: [
      'read',
      'send',
      'decide',
      'coverage',
      'letters.read',
      'letters.write',
      'care.read',
      'care.write',
      'pricelists.decide',
      'import',
      'roster',
    ],
    expert: ['read', 'coverage', 'roster', 'letters.read', 'acts.read', 'acts.edit', 'medical.read'],
    admin: ADMIN,
  },
  assistance: {
    // The assistance company's expert examines invoices for the insurer it acts for.
    expert: ['read', 'coverage', 'roster', 'letters.read', 'acts.read', 'acts.edit', 'medical.read'],
    operator: [
      'read',
      'send',
      'decide',
      'coverage',
      'roster',
      'letters.read',
      'letters.write',
      'care.read',
      'care.write',
      'import',
    ],
    admin: ADMIN,
  },
  association: {
    secretary: ['read', 'send', 'decide', 'governance'],
    admin: ADMIN,
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
  | 'act.correct'
  | 'act.dispute'
  | 'letter.issue'
  | 'letter.amend'
  | 'letter.revoke'
  | 'care.request'
  | 'care.answer'
  | 'letter.request'
  | 'letter.answer'
  | 'pricelist.accept'
  | 'pricelist.contest'
  | 'governance'
  | 'webhooks'
  | 'users'
  | 'signature-profile'
  | 'directory'
  | 'keys'
  | 'correspondents'
  | 'mail.release'
  | 'mail.send'
  | 'mail.link'
  | 'documentation.request'
  | 'documentation.open'
  | 'delegation';

interface Route {
  method: string | RegExp;
  path: RegExp;
  op: Operation;
  audit?: AuditAction;
}

/** One path segment: a document id, an ОГРН, a number. */
const ID_SEGMENT = '[^/]+';
const route = (method: string | RegExp, path: string, op: Operation, audit?: AuditAction): Route => ({
  method,
  path: new RegExp(`^/v1${path}$`),
  op,
  audit,
});

/** Every route a person may reach; anything else is refused to a session (deny by default). */
const ROUTES: readonly Route[] = [
  route('GET', '/(inbox|outbox|formats|events|participants|participants/' + ID_SEGMENT + ')', 'read'),
  route('GET', `/documents/${ID_SEGMENT}`, 'read'),
  route('GET', `/documents/${ID_SEGMENT}/signature(/export)?`, 'read'),
  route('GET', `/documents/${ID_SEGMENT}/evidence`, 'read'),
  route('GET', `/documents/${ID_SEGMENT}/xlsx`, 'read'),
  // Which key the node signs with is the organisation's legal signature: its admin's alone.
  route('PUT', '/signature-profile', 'signature', 'signature-profile'),
  route('POST', '/documents', 'send', 'send'),
  // A documentation answer with its files is a document sent; opening a file is reading medical secrecy.
  route('POST', '/medical-documentation', 'send', 'send'),
  // Opening a file is checked and audited by the route itself (medical.read, documentation.open), refusals too.
  route('GET', `/documents/${ID_SEGMENT}/attachments/${ID_SEGMENT}`, 'read'),
  route('POST', `/documents/${ID_SEGMENT}/purge`, 'purge', 'purge'),
  // Taking a document back is part of sending it: whoever may send may withdraw what was sent wrongly.
  route('POST', `/documents/${ID_SEGMENT}/withdraw`, 'send', 'withdraw'),
  route('POST', `/inbox/${ID_SEGMENT}/accept`, 'decide', 'accept'),
  route('POST', `/inbox/${ID_SEGMENT}/reject`, 'decide', 'reject'),
  route('POST', `/inbox/${ID_SEGMENT}/clarify`, 'decide', 'clarify'),
  route('GET', '/coverage', 'coverage'),
  route('GET', '/roster', 'roster'),
  route('GET', '/guarantee-letters', 'letters.read'),
  route('POST', '/guarantee-letters', 'letters.write', 'letter.issue'),
  route('POST', `/guarantee-letters/${ID_SEGMENT}/amend`, 'letters.write', 'letter.amend'),
  route('POST', `/guarantee-letters/${ID_SEGMENT}/revoke`, 'letters.write', 'letter.revoke'),
  route('GET', `/prior-auth-requests(/${ID_SEGMENT}/${ID_SEGMENT})?`, 'letters.read'),
  route('POST', '/prior-auth-requests', 'letters.request', 'letter.request'),
  route(
    'POST',
    `/prior-auth-requests/${ID_SEGMENT}/${ID_SEGMENT}/(information|withdraw)`,
    'letters.request',
    'letter.request',
  ),
  route(
    'POST',
    `/prior-auth-requests/${ID_SEGMENT}/${ID_SEGMENT}/(certify|refuse|pend)`,
    'letters.write',
    'letter.answer',
  ),
  route('GET', `/care-requests(/${ID_SEGMENT}/${ID_SEGMENT})?`, 'care.read'),
  route('POST', '/care-requests', 'care.write', 'care.request'),
  route('POST', `/care-requests/${ID_SEGMENT}/${ID_SEGMENT}/(change|cancel)`, 'care.write', 'care.request'),
  route(
    'POST',
    `/care-requests/${ID_SEGMENT}/${ID_SEGMENT}/(book|decline|close)`,
    'care.write',
    'care.answer',
  ),
  route('GET', '/documentation-requests', 'acts.read'),
  route('POST', '/documentation-requests', 'acts.edit', 'documentation.request'),
  route('GET', '/price-lists', 'read'),
  route('POST', `/price-lists/${ID_SEGMENT}/accept`, 'pricelists.decide', 'pricelist.accept'),
  route('POST', `/price-lists/${ID_SEGMENT}/contest`, 'pricelists.decide', 'pricelist.contest'),
  route('GET', `/expertise-acts/${ID_SEGMENT}`, 'acts.read'),
  route('PATCH', `/expertise-acts/${ID_SEGMENT}`, 'acts.edit', 'act.edit'),
  route('POST', `/expertise-acts/${ID_SEGMENT}/send`, 'acts.edit', 'act.confirm'),
  route('POST', `/expertise-acts/${ID_SEGMENT}/correct`, 'acts.edit', 'act.correct'),
  // The clinic's answer to an act it received is a decision like accept and reject.
  route('POST', `/expertise-acts/${ID_SEGMENT}/dispute`, 'decide', 'act.dispute'),
  // Payment states are money, not medicine: whoever reads the documents reads them; recording a payment or sending
  // a reconciliation sends a document.
  route('GET', `/payments(/${ID_SEGMENT})?`, 'read'),
  route('POST', '/payments', 'send', 'send'),
  route('GET', '/exports/payments-1c', 'read'),
  route('POST', '/reconciliations', 'send', 'send'),
  route('GET', `/reconciliations/${ID_SEGMENT}(/xlsx)?`, 'read'),
  route('GET', '/imports/mappings', 'import'),
  route('POST', '/imports/preview', 'import'),
  // Who acts on the ledger, and who votes: the association's admin alone, like a node's own users.
  route(
    /^(POST|PUT)$/,
    `/governance/(participants/${ID_SEGMENT}/(suspend|resume)|participants|rules)`,
    'directory',
    'directory',
  ),
  // New keys are the organisation's, like its signature profile.
  route('POST', '/keys/rotate', 'keys', 'keys'),
  route('GET', '/governance/.+', 'read'),
  route(/^(POST|PUT|DELETE)$/, '/governance/.+', 'governance', 'governance'),
  route('GET', '/webhooks(/.+)?', 'webhooks'),
  route(/^(POST|DELETE)$/, '/webhooks(/.+)?', 'webhooks', 'webhooks'),
  // The mail bridge (decision record 0042): who may send for a correspondent is the admin's to say, like users.
  route('GET', '/mail/correspondents', 'read'),
  route(/^(POST|DELETE)$/, `/mail/correspondents(/${ID_SEGMENT})?`, 'correspondents', 'correspondents'),
  route('GET', '/mail/held', 'decide'),
  route('POST', `/mail/held/${ID_SEGMENT}/release`, 'decide', 'mail.release'),
  // A document to a correspondent by e-mail is sent like one on the ledger (decision record 0049).
  route('POST', '/mail/outbound', 'send', 'mail.send'),
  route('POST', `/mail/outbound/${ID_SEGMENT}/link`, 'send', 'mail.link'),
  route('GET', `/mail/outbound(/${ID_SEGMENT})?`, 'read'),
  // Delegations (decision record 0055) are public metadata any reader sees, with what was done in the insurer's name;
  // giving or revoking one is the organisation's word for it, like its signature profile: its admin's alone.
  route('GET', `/delegations(/${ID_SEGMENT}/${ID_SEGMENT}/history)?`, 'read'),
  route('GET', '/on-behalf', 'read'),
  route('POST', '/delegations', 'delegations', 'delegation'),
  route('POST', `/delegations/${ID_SEGMENT}/revoke`, 'delegations', 'delegation'),
  route('GET', '/users', 'users'),
  route('POST', '/users(/.+)?', 'users', 'users'),
];

export function routeOf(method: string, path: string): Route | undefined {
  return ROUTES.find(
    (x) => (typeof x.method === 'string' ? x.method === method : x.method.test(method)) && x.path.test(path),
  );
}
