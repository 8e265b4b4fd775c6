// The directory half of removing an organisation: every participant whose identities all belong to its MSP is
// suspended (directory:suspend, by the association's node), so nobody sends to it or accepts from it while the
// channel update that removes the organisation collects its signatures. Suspended, not deleted: the entries keep the
// keys and certificates that verify what those participants signed before.
import type { LedgerClient } from '../../gateway/src/ledger/types.js';
import { loadConfig, NodeConfigError } from './config.js';
import { connectFabric } from './node.js';

interface DirectoryEntry {
  id: string;
  name: string;
  role: string;
  status: 'ACTIVE' | 'SUSPENDED';
  identities: Array<{ mspId: string }>;
}

export interface Suspension {
  suspended: string[];
  alreadySuspended: string[];
  /** Participants with identities in this and other organisations: left active, named for the operator. */
  alsoElsewhere: string[];
}

export async function suspendOrganisation(
  ledger: LedgerClient,
  mspId: string,
  say: (m: string) => void = () => undefined,
): Promise<Suspension> {
  const entries: DirectoryEntry[] = [];
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(await ledger.evaluate('directory:list', ['200', bookmark])).toString('utf8'),
    ) as { items: DirectoryEntry[]; bookmark?: string };
    entries.push(...page.items);
    bookmark = page.items.length ? (page.bookmark ?? '') : '';
  } while (bookmark);
  const out: Suspension = { suspended: [], alreadySuspended: [], alsoElsewhere: [] };
  const of = entries.filter((p) => p.identities.some((i) => i.mspId === mspId));
  say(`${of.length} participant(s) of ${mspId} in a directory of ${entries.length}`);
  for (const p of of) {
    if (p.identities.some((i) => i.mspId !== mspId)) out.alsoElsewhere.push(p.id);
    else if (p.status === 'SUSPENDED') out.alreadySuspended.push(p.id);
    else {
      say(`suspending ${p.id} (${p.name})`);
      await ledger.submit('directory:suspend', [p.id]);
      out.suspended.push(p.id);
    }
  }
  return out;
}

/** `dmsnet-node suspend-org`: run on the association's own node directory, with the association's identity. */
export async function suspendFromNode(
  dir: string,
  mspId: string,
  say: (m: string) => void,
): Promise<Suspension> {
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
    return await suspendOrganisation(ledger, mspId, say);
  } finally {
    await ledger.close();
  }
}
