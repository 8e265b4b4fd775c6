// An organisation leaving the channel, or removed from it: its group taken out of the Application group, so its peers
// no longer endorse (their signatures no longer deserialize under the channel's MSPs) nor receive blocks (the
// orderers' Readers policy no longer names it). What it sent and received stays on the ledger, readable by the others.
import type { FabricInstall } from './binaries.js';
import { applicationOrgs, proposeChange, type PolicyCheck } from './channel-update.js';
import { readCouncil } from './council.js';
import { NetworkError } from './errors.js';
import type { OrgContext } from './org.js';

/**
 * The update file that removes `mspId` from the channel's application organisations. Refuses the council's chair and
 * a sitting member: the council's policies name them, so they leave the council first (a separate, visible update).
 */
export function proposeRemoveOrg(
  ctx: OrgContext,
  fabric: FabricInstall,
  mspId: string,
  out: string,
): Promise<PolicyCheck> {
  return proposeChange(ctx, fabric, out, (config) => {
    const orgs = applicationOrgs(config);
    if (!orgs.includes(mspId))
      throw new NetworkError(
        'ORG_REMOVAL_REFUSED',
        `${mspId} is not in channel ${ctx.t.channel} (${orgs.join(', ')})`,
      );
    const council = readCouncil(config);
    if (council?.chair === mspId || council?.members.includes(mspId))
      throw new NetworkError(
        'ORG_REMOVAL_REFUSED',
        `${mspId} ${council.chair === mspId ? 'chairs' : 'sits on'} the council: ` +
          (council.chair === mspId
            ? 'the chair cannot be removed this way'
            : `remove it from the council first ("council propose-remove --member ${mspId}")`),
      );
    if (orgs.length <= 2)
      throw new NetworkError(
        'ORG_REMOVAL_REFUSED',
        `${mspId} is one of the last two organisations; the endorsement policy needs two`,
      );
    delete config.channel_group.groups!.Application!.groups![mspId];
  });
}
