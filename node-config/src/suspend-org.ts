// The directory half of removing an organisation: every participant whose identities all belong to its MSP is
// suspended (directory:suspend, by the association's node), so nobody sends to it or accepts from it while the
// channel update that removes the organisation collects its signatures. Suspended, not deleted: the entries keep the
// keys and certificates that verify what those participants signed before.
import type { LedgerClient } from '../../gateway/src/ledger/types.js';
import { loadConfig, NodeConfigError } from './config.js';
import { connectFabric } from './node.js';

export interface DirectoryEntry {
  id: string;
  name: string;
  role: string;
  status: 'ACTIVE' | 'SUSPENDED';
  identities: Array<{ mspId: string }>;
}

export interface StatusChange {
  /** Participants whose status this call changed. */
  changed: string[];
  /** Participants already in the wanted status. */
  unchanged: string[];
  /** Participants with identities in this and other organisations: left active, named for the operator. */
  alsoElsewhere: string[];
}

export function suspendOrganisation(
  ledger: LedgerClient,
  mspId: string,
  say: (m: string) => void = () => undefined,
): Promise<StatusChange> {
  return setOrganisationStatus(ledger, mspId, 'SUSPENDED', say);
}

/** Suspends, or reinstates (while the organisation is still in the channel), every participant of `mspId`. */
export async function setOrganisationStatus(
  ledger: LedgerClient,
  mspId: string,
  status: DirectoryEntry['status'],
  say: (m: string) => void = () => undefined,
): Promise<StatusChange> {
  const entries: DirectoryEntry[] = [];
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(await ledger.evaluate('directory:list', ['200', bookmark])).toString('utf8'),
    ) as { items: DirectoryEntry[]; bookmark?: string };
    entries.push(...page.items);
    bookmark = page.items.length ? (page.bookmark ?? '') : '';
  } while (bookmark);
  const out: StatusChange = { changed: [], unchanged: [], alsoElsewhere: [] };
  const of = entries.filter((p) => p.identities.some((i) => i.mspId === mspId));
  say(`${of.length} participant(s) of ${mspId} in a directory of ${entries.length}`);
  for (const p of of) {
    if (p.identities.some((i) => i.mspId !== mspId)) out.alsoElsewhere.push(p.id);
    else if (p.status === status) out.unchanged.push(p.id);
    else {
      say(`${status === 'SUSPENDED' ? 'suspending' : 'reinstating'} ${p.id} (${p.name})`);
      await ledger.submit(status === 'SUSPENDED' ? 'directory:suspend' : 'directory:reinstate', [p.id]);
      out.changed.push(p.id);
    }
  }
  return out;
}

/** `dmsnet-node suspend-org|reinstate-org`: run on the association's own node directory, as the association. */
export async function setStatusFromNode(
  dir: string,
  mspId: string,
  status: DirectoryEntry['status'],
  say: (m: string) => void,
): Promise<StatusChange> {
  const config = await loadConfig(dir);
  if (config.ledger.mode !== 'fabric')
    throw new NodeConfigError(
      'CONFIG_INVALID',
      `${dir} runs the embedded ledger; organisations are suspended on a Fabric network`,
      [
        {
          pointer: '/ledger/mode',
          code: 'CONFIG_INVALID',
          message: 'must be fabric to suspend an organisation',
        },
      ],
    );
  const ledger = await connectFabric(dir, config);
  try {
    return await setOrganisationStatus(ledger, mspId, status, say);
  } finally {
    await ledger.close();
  }
}
