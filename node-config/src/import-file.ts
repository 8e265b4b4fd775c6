// `dmsnet-node import` and `dmsnet-node mappings`: a clinic's or an insurer's IT person checks a file against a mapping
// without a node, a network or a send — every error at its row and column, in Russian and English.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DmsnetError } from '../../formats/src/errors.js';
import { SAMPLE_PARTIES, type PartyRef } from '../../formats/src/index.js';
import {
  buildReport,
  importTable,
  type ErrorReport,
  type TableMapping,
} from '../../gateway/src/adapters/index.js';

export {
  BUNDLED_MAPPINGS_DIR,
  findMapping,
  listMappings,
  type MappingInfo,
} from '../../gateway/src/adapters/index.js';

export interface ImportCheck {
  report: ErrorReport;
  rows: number;
  document: unknown;
}

/**
 * Converts a file with a mapping and validates the document, sending nothing. Without parties the sample insurer and
 * clinic stand in (the addressee's ОГРН from `--to`), so only the file's own content is judged.
 */
export async function checkImport(
  file: string,
  mapping: TableMapping,
  o: { sender?: PartyRef; addresseeOgrn?: string } = {},
): Promise<ImportCheck> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    throw new DmsnetError(
      'FILE_UNREADABLE',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      [{ pointer: '/file', code: 'FILE_UNREADABLE', message: `cannot read ${file}` }],
    );
  }
  const fromInsurer = mapping.type === 'insured-list' || mapping.type === 'guarantee-letter';
  const sender = o.sender ?? (fromInsurer ? SAMPLE_PARTIES.insurer : SAMPLE_PARTIES.clinic);
  const base = fromInsurer ? SAMPLE_PARTIES.clinic : SAMPLE_PARTIES.insurer;
  const addressee = o.addresseeOgrn ? { ...base, ogrn: o.addresseeOgrn } : base;
  // The import validates the document too, and places each error at its row and column.
  const result = await importTable(bytes, mapping, { sender, addressee });
  const errors = [...result.errors];
  const rows =
    ((result.document.body as Record<string, unknown>)[mapping.rowsField] as unknown[] | undefined)?.length ??
    0;
  return { report: buildReport(path.basename(file), errors), rows, document: result.document };
}
