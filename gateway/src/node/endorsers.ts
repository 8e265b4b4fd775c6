// Which organisations endorse a send on Fabric: the sender's and the addressee's (see the endorsement policy and the
// private data flow in the README). The ciphertext then reaches only their peers as transient data, and the
// addressee's organisation endorses the write into its own implicit collection.
import type { DirectoryView } from './directory.js';
import type { Participant } from './types.js';

const home = (p: Participant) => p.identities?.[0]?.mspId;

export async function sendEndorsers(
  directory: DirectoryView,
  senderId: string,
  addresseeId: string,
): Promise<string[] | undefined> {
  const [sender, addressee] = await Promise.all([
    directory.participant(senderId),
    directory.participant(addresseeId),
  ]);
  const orgs = [...new Set([home(sender), home(addressee)].filter((m): m is string => !!m))];
  if (orgs.length < 2) {
    // Sender and addressee under one organisation: the policy wants a second one; the association's is neutral.
    const page = await directory.list(200);
    const assoc = page.items.find(
      (p) => p.role === 'association' && home(p) && !orgs.includes(home(p) as string),
    );
    if (assoc) orgs.push(home(assoc) as string);
  }
  return orgs.length >= 2 ? orgs : undefined;
}
