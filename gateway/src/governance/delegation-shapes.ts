// An insurer's delegations to assistance companies as the API takes and shows them (decision record 0055);
// governance/delegation-openapi.ts publishes them, governance/delegation-http.ts serves them.
import { DEFAULT_ROUTES, routeAllowed } from '@dmsnet/formats/routes';
import { component, DateTime, IsoDate, Items, Ogrn, OpenObject, Type } from '../shapes/kit.js';

/**
 * The document types that go from one role to the other: the only ones the ledger lets an insurer delegate that way,
 * named here so that a misspelt type is refused at its index before anything is submitted.
 */
const typesBetween = (from: string, to: string) =>
  Object.entries(DEFAULT_ROUTES)
    .filter(([, routes]) => routeAllowed(routes, from, to))
    .map(([type]) => type);

const DocumentTypes = (types: string[], description: string) =>
  Type.Array(Type.Enum(types), { maxItems: 64, uniqueItems: true, description });
const Scope = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, description });

const termProperties = {
  id: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    maxLength: 64,
    description: 'the insurer’s own number for the delegation (поручение)',
  }),
  agent: Ogrn({ description: 'the assistance company that acts for the insurer' }),
  sends: DocumentTypes(
    typesBetween('insurer', 'clinic'),
    'document types it sends on the insurer’s behalf: care-request, guarantee-letter, expertise-act…',
  ),
  receives: DocumentTypes(
    typesBetween('clinic', 'insurer'),
    'document types it receives for the insurer: invoice…',
  ),
  programmes: Type.Optional(Scope('programme codes it is limited to; absent: every programme')),
  policies: Type.Optional(Scope('policy numbers it is limited to; absent: every policy')),
  validFrom: IsoDate({ description: 'first day in force (Moscow date)' }),
  validUntil: Type.Optional(IsoDate({ description: 'last day in force, inclusive; absent: until revoked' })),
};

export const DelegationTerms = component(
  'DelegationTerms',
  Type.Object(termProperties, {
    description:
      'What an insurer delegates; the same id again changes the terms (a new version in the trail).',
    additionalProperties: false,
  }),
);

export const Delegation = component(
  'Delegation',
  Type.Object(
    {
      ...termProperties,
      principal: Ogrn({ description: 'the insurer that delegated' }),
      status: Type.Enum(['ACTIVE', 'REVOKED']),
      recordedAt: DateTime(),
      txId: Type.String({ description: 'the ledger transaction of this version' }),
      revokedAt: Type.Optional(DateTime()),
      revokedTxId: Type.Optional(Type.String()),
      revokeReason: Type.Optional(Type.String()),
    },
    { description: 'A delegation as the ledger keeps it (one version of it, in a trail).' },
  ),
);

export const DelegationList = component('DelegationList', Items(Delegation, 'delegations'));

export const RevokeDelegation = component(
  'RevokeDelegation',
  Type.Object(
    { reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the delegation ends' }) },
    { additionalProperties: false },
  ),
);

export const DelegationQuery = Type.Object({
  party: Type.Optional(
    Ogrn({ description: 'whose delegations (given or held); default: this node’s participant' }),
  ),
  inForce: Type.Optional(
    Type.Enum(['true', 'false'], { description: 'only those in force now (default true)' }),
  ),
});

export const OnBehalfQuery = Type.Object({
  pageSize: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: '1 to 1000, default 100' })),
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
});

export const OnBehalfPage = component(
  'OnBehalfPage',
  Type.Object(
    {
      items: Type.Array(
        OpenObject({
          description:
            'a ledger envelope: messageId, sender, addressee, documentType, status, sentAt, onBehalfOf (no content)',
        }),
      ),
      nextCursor: Type.Optional(Type.String({ description: 'absent on the last page' })),
    },
    {
      description: 'The documents an assistance company sent or received on this insurer’s behalf',
      additionalProperties: false,
    },
  ),
);

export const delegationComponents = [
  DelegationTerms,
  Delegation,
  DelegationList,
  RevokeDelegation,
  OnBehalfPage,
];
