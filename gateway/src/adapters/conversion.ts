// The one way a file becomes a document at a node: the console's preview, `POST /v1/imports/preview`, the folder drop
// and `dmsnet-node import` all call convertFile, so a file that converts in one converts the same in the others
// (the invoice register once passed only the preview, which alone filled birth dates from the roster). The addressee
// comes from the file where the mapping says where it is written, and is held to the directory.
import { DmsnetError } from '@dmsnet/formats/errors';
import type { DmsDocument, PartyRef } from '@dmsnet/formats';
import { defaultRoutes } from '@dmsnet/formats/routes';
import { normaliseName, sameName } from '../node/parties.js';
import { importTable, locate, type ImportResult, type RowError } from './convert.js';
import type { HeaderValue } from './header-block.js';
import type { TableMapping } from './mapping.js';

/** Something worth showing at a row that is not a format error (e.g. a policy not in the roster). */
export interface RowNote {
  /** Relative to the row, e.g. `/patient/policyNumber`. */
  field: string;
  code: string;
  message: string;
}

/**
 * Local data that completes a file before validation, by document type: a clinic's register that names a patient by
 * name and policy only gets birth date and sex from the clinic's roster, and its contract from the list that attached
 * those patients. Undefined: nothing to complete.
 */
export type ImportCompletion = (
  type: string,
  addressee: string,
) =>
  | {
      row?: (row: Record<string, unknown>) => Promise<RowNote | undefined>;
      /** After every row: fields of the body the file does not hold (called before validation). */
      body?: (body: Record<string, unknown>) => Promise<void>;
    }
  | undefined;

/** What the conversion needs of the node: who it is and the directory. */
export interface ConversionNode {
  readonly participantId: string;
  participant(
    ogrn: string,
  ): Promise<{ id: string; name: string; role: string; inn?: string; status: string }>;
  participants(q: { limit?: number; cursor?: string }): Promise<{
    items: Array<{ id: string; name: string; role: string; inn?: string; status: string }>;
    nextCursor?: string;
  }>;
  /** The format version to write, as the registry holds it (the newest active); without it, version 1. */
  sendingFormat?(type: string): Promise<{ version: string; schemaText: string } | undefined>;
}

export interface ConvertRequest {
  bytes: Uint8Array;
  mapping: TableMapping;
  /** The addressee the person chose or the configuration names (ОГРН); the file's, when it names one, must agree. */
  addressee?: string;
  /** Header fields typed by the sender, by field path. */
  fields?: Record<string, unknown>;
  /** Body fields the configuration gives every file of a folder-drop route. */
  body?: Record<string, unknown>;
}

export interface Conversion {
  type: string;
  rows: number;
  document: DmsDocument;
  errors: RowError[];
  notes: Array<RowNote & { index: number; pointer: string }>;
  /** One numbering everywhere: the file row each document row came from (null where none). */
  fileRows: Array<number | null>;
  header: HeaderValue[];
  /** Who the document goes to, and whether the file named it. */
  addressee: { ogrn: string; name: string; source: 'file' | 'form' };
  addresseeInFile?: string;
}

const party = (p: { id: string; name: string; inn?: string }): PartyRef => ({
  ogrn: p.id,
  ...(p.inn ? { inn: p.inn } : {}),
  name: p.name,
});

/** The roles a document of this type goes to from a sender of `role` (the default routes). */
function addresseeRoles(type: string, role: string): Set<string> {
  return new Set(
    defaultRoutes(type)
      .filter(([from]) => from === role)
      .map(([, to]) => to),
  );
}

async function directory(node: ConversionNode) {
  const all: Array<{ id: string; name: string; role: string; inn?: string; status: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await node.participants({ limit: 500, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/**
 * The participants the file's name can mean: the same name (legal form and quotes aside), or, when none has it, the
 * one whose name holds the file's words in order («Северная» for АО «СК «Северная»»).
 */
export function matchByName<T extends { name: string }>(candidates: readonly T[], written: string): T[] {
  const exact = candidates.filter((p) => sameName(p.name, written));
  if (exact.length) return exact;
  const words = normaliseName(written).words;
  if (!words) return [];
  return candidates.filter((p) => ` ${normaliseName(p.name).words} `.includes(` ${words} `));
}

export async function convertFile(
  node: ConversionNode,
  req: ConvertRequest,
  completion?: ImportCompletion,
): Promise<Conversion> {
  const me = await node.participant(node.participantId);
  let resolved: Conversion['addressee'] | undefined;
  const notes: Conversion['notes'] = [];
  const rowsPtr = `/body/${req.mapping.rowsField}`;
  let complete: ReturnType<ImportCompletion>;
  let index = 0;
  const resolve = async (nameInFile: string | undefined): Promise<PartyRef> => {
    const chosen = req.addressee;
    if (nameInFile !== undefined) {
      const roles = addresseeRoles(req.mapping.type, me.role);
      const hits = matchByName(
        (await directory(node)).filter((p) => roles.has(p.role) && p.status === 'ACTIVE'),
        nameInFile,
      );
      if (hits.length === 1) {
        const p = hits[0]!;
        if (chosen !== undefined && chosen !== p.id) {
          const other = await node.participant(chosen).catch(() => undefined);
          throw new DmsnetError(
            'ADDRESSEE_DIFFERS_FROM_FILE',
            `the file names «${nameInFile}» (${p.name}, ${p.id}) as its addressee, not ${other?.name ?? chosen}`,
            [
              {
                pointer: '/header/addressee',
                code: 'ADDRESSEE_DIFFERS_FROM_FILE',
                message: `the file names ${p.name} (${p.id})`,
              },
            ],
          );
        }
        resolved = { ogrn: p.id, name: p.name, source: 'file' };
        return party(p);
      }
      if (chosen === undefined) {
        throw new DmsnetError(
          'ADDRESSEE_NAME_UNKNOWN',
          hits.length
            ? `«${nameInFile}» in the file may be ${hits.map((h) => h.name).join(' or ')}: choose the addressee`
            : `no participant the file may go to is called «${nameInFile}»: choose the addressee`,
          [
            {
              pointer: '/header/addressee',
              code: 'ADDRESSEE_NAME_UNKNOWN',
              message: `«${nameInFile}» names ${hits.length ? 'several participants' : 'no participant'}`,
            },
          ],
        );
      }
    }
    if (chosen === undefined) {
      throw new DmsnetError('ADDRESSEE_REQUIRED', 'the file does not name its addressee: choose one', [
        { pointer: '/body/addressee', code: 'ADDRESSEE_REQUIRED', message: 'the addressee’s ОГРН' },
      ]);
    }
    let p;
    try {
      p = await node.participant(chosen);
    } catch {
      throw new DmsnetError('ADDRESSEE_UNKNOWN', `no participant ${chosen} in the directory`, [
        { pointer: '/body/addressee', code: 'ADDRESSEE_UNKNOWN', message: 'not in the directory' },
      ]);
    }
    resolved = { ogrn: p.id, name: p.name, source: 'form' };
    return party(p);
  };
  const result = await importTable(req.bytes, req.mapping, {
    sender: party(me),
    addressee: async (name) => {
      const p = await resolve(name);
      complete = completion?.(req.mapping.type, p.ogrn);
      return p;
    },
    ...(req.body ? { body: req.body } : {}),
    ...(req.fields ? { fields: req.fields } : {}),
    format: await node.sendingFormat?.(req.mapping.type),
    // Called once per data row, in order: the count is the row's index in the document.
    completeRow: async (row) => {
      const note = await complete?.row?.(row);
      if (note) notes.push({ ...note, index, pointer: `${rowsPtr}/${index}${note.field}` });
      index++;
    },
    completeBody: async (body) => {
      await complete?.body?.(body);
    },
  });
  const rows = result.document.body[req.mapping.rowsField];
  const count = Array.isArray(rows) ? rows.length : 0;
  return {
    type: req.mapping.type,
    rows: count,
    document: result.document,
    errors: realCauses(result, rowsPtr, notes),
    notes,
    fileRows: Array.from({ length: count }, (_, i) => result.sourceMap.fileRowOf(`${rowsPtr}/${i}`) ?? null),
    header: result.header,
    addressee: resolved!,
    ...(result.addresseeInFile !== undefined ? { addresseeInFile: result.addresseeInFile } : {}),
  };
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
