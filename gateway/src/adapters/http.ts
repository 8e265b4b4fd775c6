// The import preview over HTTP: a person uploads a CSV/XLSX file in the console, the gateway converts it with a
// bundled mapping and validates the document, and answers every error at its row and column. Nothing is sent: the
// console sends the previewed document with POST /v1/documents once the person has seen it is clean.
import { Router } from 'express';
import { DmsnetError } from '../../../formats/src/errors.js';
import type { PartyRef } from '../../../formats/src/index.js';
import { wrap } from '../api/wrap.js';
import type { GatewayNode } from '../node/index.js';
import { findMapping, listMappings } from './bundled.js';
import { importTable, locate, type ImportResult, type RowError } from './convert.js';
import { buildReport } from './report.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Something worth showing at a previewed row that is not a format error (e.g. a policy not in the roster). */
export interface RowNote {
  /** Relative to the row, e.g. `/patient/policyNumber`. */
  field: string;
  code: string;
  message: string;
}

/**
 * Local data that completes a previewed file before validation, by document type: a clinic's register that names a
 * patient by name and policy only gets birth date and sex from the clinic's roster. Undefined: nothing to complete.
 */
export type ImportCompletion = (
  type: string,
  addressee: string,
) => ((row: Record<string, unknown>) => Promise<RowNote | undefined>) | undefined;

export function importRouter(node: GatewayNode, completion?: ImportCompletion): Router {
  const r = Router();
  const party = async (ogrn: string, pointer: string): Promise<PartyRef> => {
    try {
      const p = await node.participant(ogrn);
      return { ogrn: p.id, ...(p.inn ? { inn: p.inn } : {}), name: p.name };
    } catch {
      throw new DmsnetError('ADDRESSEE_UNKNOWN', `no participant ${ogrn} in the directory`, [
        { pointer, code: 'ADDRESSEE_UNKNOWN', message: 'not in the directory' },
      ]);
    }
  };
  r.get(
    '/imports/mappings',
    wrap(async (_req, res) => {
      res.json({ items: (await listMappings()).map(({ file: _f, ...m }) => m) });
    }),
  );
  r.post(
    '/imports/preview',
    wrap(async (req, res) => {
      const b = (req.body ?? {}) as {
        mapping?: unknown;
        fileName?: unknown;
        content?: unknown;
        addressee?: unknown;
      };
      const errors = [];
      if (typeof b.mapping !== 'string' || !/^[a-z0-9.-]{1,100}$/.test(b.mapping))
        errors.push({
          pointer: '/body/mapping',
          code: 'REQUEST_REQUIRED',
          message: 'a bundled mapping name',
        });
      if (typeof b.content !== 'string' || !b.content)
        errors.push({ pointer: '/body/content', code: 'REQUEST_REQUIRED', message: 'the file, base64' });
      if (typeof b.addressee !== 'string' || !/^[0-9]{13}([0-9]{2})?$/.test(b.addressee))
        errors.push({ pointer: '/body/addressee', code: 'REQUEST_PATTERN', message: 'the addressee’s ОГРН' });
      if (errors.length)
        throw new DmsnetError('REQUEST_INVALID', 'the preview needs mapping, content, addressee', errors);
      const bytes = new Uint8Array(Buffer.from(b.content as string, 'base64'));
      if (bytes.length > MAX_FILE_BYTES) {
        throw new DmsnetError('REQUEST_INVALID', 'the file is larger than 20 MB', [
          { pointer: '/body/content', code: 'REQUEST_MAX_LENGTH', message: 'at most 20 MB' },
        ]);
      }
      const mapping = await findMapping(b.mapping as string);
      const sender = await party(node.participantId, '/header/sender');
      const addressee = await party(b.addressee as string, '/body/addressee');
      const complete = completion?.(mapping.type, addressee.ogrn);
      const notes: Array<RowNote & { index: number }> = [];
      let index = 0;
      const result = await importTable(bytes, mapping, {
        sender,
        addressee,
        // Called once per data row, in order: the count is the row's index in the document.
        ...(complete
          ? {
              completeRow: async (row: Record<string, unknown>) => {
                const note = await complete(row);
                if (note) notes.push({ ...note, index });
                index++;
              },
            }
          : {}),
      });
      const rows = (result.document.body as Record<string, unknown>)[mapping.rowsField];
      const rowsPtr = `/body/${mapping.rowsField}`;
      const fileName = typeof b.fileName === 'string' ? b.fileName.slice(0, 200) : 'file';
      const count = Array.isArray(rows) ? rows.length : 0;
      res.json({
        type: mapping.type,
        rows: count,
        // One numbering everywhere: the preview shows each document row by the file row it came from.
        fileRows: Array.from(
          { length: count },
          (_, i) => result.sourceMap.fileRowOf(`${rowsPtr}/${i}`) ?? null,
        ),
        report: buildReport(fileName, realCauses(result, rowsPtr, notes)),
        notes: notes.map((n) => ({
          index: n.index,
          pointer: `${rowsPtr}/${n.index}${n.field}`,
          code: n.code,
          message: n.message,
        })),
        document: result.document,
      });
    }),
  );
  return r;
}

/** What the roster fills in a register row; missing, it only echoes that the roster does not know the policy. */
const FILLED_FROM_ROSTER = ['/patient/birthDate', '/patient/sex'];

/**
 * The row errors a person can act on, by file row and column. A register's policy the roster does not know left
 * birth date and sex empty — columns the file never had — so that row says the real cause, at the policy's cell;
 * the empty fields' errors are its consequence and are not repeated.
 */
function realCauses(
  result: ImportResult,
  rowsPtr: string,
  notes: ReadonlyArray<RowNote & { index: number }>,
): RowError[] {
  const unknown = new Map(
    notes.filter((n) => n.code === 'ROSTER_POLICY_UNKNOWN').map((n) => [`${rowsPtr}/${n.index}`, n]),
  );
  const echoes = (pointer: string) =>
    FILLED_FROM_ROSTER.some(
      (f) => unknown.has(pointer.slice(0, pointer.length - f.length)) && pointer.endsWith(f),
    );
  const errors = result.errors.filter((e) => !echoes(e.pointer));
  for (const [row, n] of unknown) {
    const hidden = result.errors.some((e) => echoes(e.pointer) && e.pointer.startsWith(row + '/'));
    if (hidden)
      errors.push(
        locate({ pointer: `${row}${n.field}`, code: n.code, message: n.message }, result.sourceMap),
      );
  }
  // Spreadsheet columns in their order: A … Z, AA, AB …
  const col = (c?: string) => [...(c ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.row ?? 0) - (b.e.row ?? 0) || col(a.e.column) - col(b.e.column) || a.i - b.i)
    .map((x) => x.e);
}
