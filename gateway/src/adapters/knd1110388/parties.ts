// The parties a КНД 1110388 file names, from the ledger's directory: the format names an organisation by ИНН and
// name (not by ОГРН, dmsnet's participant id), so an export reads them from the directory entry of each ОГРН, and an
// import finds the participant whose ИНН the file gives. The КПП is not in the directory: it is the header's.
import type { DmsDocument, PartyRef } from '@dmsnet/formats/types';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { DirectoryView } from '../../node/directory.js';
import type { KndParty } from './export.js';
import type { PartyByInn } from './import.js';

async function fromDirectory(directory: DirectoryView, ref: PartyRef): Promise<KndParty> {
  let entry: { name?: string; inn?: string } | undefined;
  try {
    entry = await directory.participant(ref.ogrn);
  } catch (e) {
    // A party that left the directory still has the name and ИНН its document's header gave.
    if (!(e instanceof DmsnetError && e.code === 'NOT_FOUND')) throw e;
  }
  return {
    ogrn: ref.ogrn,
    name: entry?.name ?? ref.name ?? ref.ogrn,
    inn: entry?.inn ?? ref.inn ?? '',
    ...(ref.kpp ? { kpp: ref.kpp } : {}),
  };
}

export async function kndPartiesOf(
  directory: DirectoryView,
  doc: DmsDocument,
): Promise<{ sender: KndParty; addressee: KndParty }> {
  return {
    sender: await fromDirectory(directory, doc.header.sender),
    addressee: await fromDirectory(directory, doc.header.addressee),
  };
}

/** Finds a participant by ИНН, paging through the directory once per import (a network has hundreds, not millions). */
export function partyByInnIn(directory: DirectoryView): PartyByInn {
  let all: Array<{ id: string; name: string; inn?: string }> | undefined;
  return async (inn) => {
    if (!all) {
      all = [];
      let cursor: string | undefined;
      do {
        const page = await directory.list(200, cursor);
        all.push(...page.items);
        cursor = page.bookmark && page.items.length ? page.bookmark : undefined;
      } while (cursor);
    }
    const p = all.find((x) => x.inn === inn);
    return p ? { ogrn: p.id, name: p.name } : undefined;
  };
}
