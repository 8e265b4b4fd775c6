// Documents on an insurer's behalf at the gateway (decision record 0055). The ledger already refuses an envelope whose
// `onBehalfOf` no delegation covers; the gateway refuses it before sending (so the caller hears why at once) and again
// on arrival (against an older chaincode or a forged envelope), and only it can hold the document's programme and
// policy to the delegation's scope, since only it reads the document.
import { coveringDelegation, inForce, scopeFault, type Delegation } from '@dmsnet/formats/delegation';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { defaultRoutes, routeAllowed } from '@dmsnet/formats/routes';
import type { DirectoryView } from './directory.js';

export interface BehalfCase {
  principal: string;
  sender: { id: string; role: string };
  addressee: { id: string; role: string };
  documentType: string;
  body: unknown;
  /** The moment the delegation must be in force: now when sending, the ledger's sentAt on arrival. */
  at: string;
}

const POINTER = '/header/onBehalfOf';

/** The field error that refuses a document on an insurer's behalf, or undefined when a delegation covers it. */
export async function behalfFault(directory: DirectoryView, c: BehalfCase): Promise<FieldError | undefined> {
  if (c.principal === c.sender.id || c.principal === c.addressee.id)
    return {
      pointer: POINTER,
      code: 'DELEGATION_NOT_IN_FORCE',
      message: 'names the sender or the addressee; it names the insurer an assistance company acts for',
    };
  const agent =
    c.sender.role === 'assistance' ? c.sender : c.addressee.role === 'assistance' ? c.addressee : null;
  if (!agent)
    return {
      pointer: POINTER,
      code: 'DELEGATION_NOT_IN_FORCE',
      message: 'only an assistance company acts for an insurer, as the sender or the addressee',
    };
  const direction = agent === c.sender ? 'sends' : 'receives';
  const all = (await directory.delegations(agent.id)).filter((d) => d.principal === c.principal);
  if (!all.some((d) => inForce(d, c.at)))
    return {
      pointer: POINTER,
      code: 'DELEGATION_NOT_IN_FORCE',
      message: `${agent.id} holds no delegation of ${c.principal} in force at ${c.at}`,
    };
  const covering = coveringDelegation(all, { ...c, agent: agent.id, direction });
  if (!covering)
    return {
      pointer: POINTER,
      code: 'DELEGATION_NOT_COVERED',
      message: `the delegations of ${c.principal} to ${agent.id} do not cover ${c.documentType} (${direction})`,
    };
  const scope = scopeFault(covering, c.body);
  return scope ? { ...scope, code: 'DELEGATION_OUT_OF_SCOPE' } : undefined;
}

/**
 * Where a clinic's document addressed to an insurer goes when that insurer has delegated receiving its type: the one
 * assistance company whose delegation in force covers it (and the document's programme and policy), or undefined —
 * no such delegation, or several (the clinic then addresses one itself; the ledger does not guess).
 */
export async function delegatedAddressee(
  directory: DirectoryView,
  c: { insurer: string; documentType: string; body: unknown; at: string },
): Promise<Delegation | undefined> {
  if (!routeAllowed(defaultRoutes(c.documentType), 'clinic', 'insurer')) return undefined;
  let all: Delegation[];
  try {
    all = await directory.delegations(c.insurer);
  } catch {
    // A ledger without the delegations contract (an older chaincode) has no delegations: the insurer receives it.
    return undefined;
  }
  const fits = all.filter(
    (d) =>
      d.principal === c.insurer &&
      inForce(d, c.at) &&
      d.receives.includes(c.documentType) &&
      scopeFault(d, c.body) === undefined,
  );
  const agents = new Set(fits.map((d) => d.agent));
  return agents.size === 1 ? fits[0] : undefined;
}

/**
 * The insurer an assistance company sends a document for, when the caller did not say (decision record 0062): the one
 * principal of the delegations it holds in force that let it send this type, with the document's programme and
 * policy in scope. `named` (the patient's insurer, when the caller gave it) narrows the choice to that insurer. None:
 * undefined (the company sends as itself); two or more: a refusal naming `field`, where the caller chooses.
 */
export async function impliedPrincipal(
  directory: DirectoryView,
  c: { agent: string; documentType: string; body: unknown; at: string; named?: string; field: string },
): Promise<string | undefined> {
  let held: Delegation[];
  try {
    held = await directory.delegations(c.agent);
  } catch {
    return undefined; // a ledger without the delegations contract: nobody acts for anyone
  }
  const principals = [
    ...new Set(
      held
        .filter(
          (d) =>
            d.agent === c.agent &&
            (c.named === undefined || d.principal === c.named) &&
            inForce(d, c.at) &&
            d.sends.includes(c.documentType) &&
            scopeFault(d, c.body) === undefined,
        )
        .map((d) => d.principal),
    ),
  ].sort();
  if (principals.length <= 1) return principals[0];
  throw new DmsnetError(
    'DELEGATION_AMBIGUOUS',
    `delegations of ${principals.join(', ')} all cover this ${c.documentType}; say for which insurer it is sent`,
    [
      {
        pointer: c.field,
        code: 'DELEGATION_AMBIGUOUS',
        message: `several insurers' delegations cover it (${principals.join(', ')}); name one`,
      },
    ],
  );
}
