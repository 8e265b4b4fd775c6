// `dmsnet-node import` and `dmsnet-node mappings`: a clinic's or an insurer's IT person checks a file against a mapping
// without a node, a network or a send — every error at its row and column, in Russian and English.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { wireCode } from '@dmsnet/formats/error-codes';
import { DmsnetError } from '@dmsnet/formats/errors';
import { SAMPLE_PARTIES, type PartyRef } from '@dmsnet/formats';
import {
  buildReport,
  importTable,
  type ErrorReport,
  type TableMapping,
} from '../../gateway/src/adapters/index.js';
import { loadConfig, readToken } from './config.js';

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

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new DmsnetError(
      'FILE_UNREADABLE',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      [{ pointer: '/file', code: 'FILE_UNREADABLE', message: `cannot read ${file}` }],
    );
  }
}

/**
 * The node's own conversion of a file (`--node DIR`): the running node converts it exactly as its console and folder
 * drop do — the addressee the file names, header fields, a register completed from the roster — and sends nothing.
 */
export async function checkImportAtNode(
  file: string,
  o: { mapping: string; node: string; to?: string; fields?: Record<string, string> },
): Promise<ImportCheck & { addressee?: { ogrn: string; name: string; source: string } }> {
  const bytes = await readInput(file);
  const config = await loadConfig(o.node);
  const token = await readToken(o.node, config);
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${config.api.port}/v1/imports/preview`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        mapping: o.mapping,
        fileName: path.basename(file),
        content: Buffer.from(bytes).toString('base64'),
        ...(o.to ? { addressee: o.to } : {}),
        ...(o.fields && Object.keys(o.fields).length ? { fields: o.fields } : {}),
      }),
    });
  } catch (err) {
    throw new DmsnetError(
      'NODE_UNREACHABLE',
      `the node at ${url} does not answer (is \`dmsnet-node start ${o.node}\` running?): ${(err as Error).message}`,
    );
  }
  const body = (await res.json()) as {
    code?: string;
    message?: string;
    errors?: Array<{ pointer: string; code: string; message: string }>;
    rows?: number;
    report?: ErrorReport;
    document?: unknown;
    addressee?: { ogrn: string; name: string; source: string };
  };
  if (res.status !== 200) {
    throw new DmsnetError(
      body.code ? wireCode(body.code) : 'NODE_UNREACHABLE',
      body.message ?? `the node answered ${res.status}`,
      body.errors ?? [],
    );
  }
  return {
    report: body.report as ErrorReport,
    rows: body.rows ?? 0,
    document: body.document,
    ...(body.addressee ? { addressee: body.addressee } : {}),
  };
}

/**
 * Converts a file with a mapping and validates the document, sending nothing. Without parties the sample insurer and
 * clinic stand in (the addressee's ОГРН from `--to`), so only the file's own content is judged.
 */
export async function checkImport(
  file: string,
  mapping: TableMapping,
  o: { sender?: PartyRef; addresseeOgrn?: string; fields?: Record<string, string> } = {},
): Promise<ImportCheck> {
  const bytes = await readInput(file);
  const fromInsurer = mapping.type === 'insured-list' || mapping.type === 'guarantee-letter';
  const sender = o.sender ?? (fromInsurer ? SAMPLE_PARTIES.insurer : SAMPLE_PARTIES.clinic);
  const base = fromInsurer ? SAMPLE_PARTIES.clinic : SAMPLE_PARTIES.insurer;
  const addressee = o.addresseeOgrn ? { ...base, ogrn: o.addresseeOgrn } : base;
  // The import validates the document too, and places each error at its row and column.
  const result = await importTable(bytes, mapping, {
    sender,
    addressee,
    ...(o.fields && Object.keys(o.fields).length ? { fields: o.fields } : {}),
  });
  const errors = [...result.errors];
  const rows =
    ((result.document.body as Record<string, unknown>)[mapping.rowsField] as unknown[] | undefined)?.length ??
    0;
  return { report: buildReport(path.basename(file), errors), rows, document: result.document };
}
