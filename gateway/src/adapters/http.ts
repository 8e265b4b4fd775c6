// The import preview over HTTP: a person uploads a CSV/XLSX file in the console, the gateway converts it with a
// bundled mapping (convertFile, as the folder drop and the CLI do) and validates the document, and answers every
// error at its row and column, the header fields it read and the addressee the file names. Nothing is sent: the
// console shows a summary and sends the previewed document with POST /v1/documents once the person confirmed it.
import { Router } from 'express';
import { DmsnetError } from '@dmsnet/formats/errors';
import { wrap } from '../http/wrap.js';
import type { GatewayNode } from '../node/index.js';
import { findMapping, listMappings } from './bundled.js';
import { convertFile, type ImportCompletion } from './conversion.js';
import { buildReport } from './report.js';
import { validateDocument } from '@dmsnet/formats';
import { filePointer, importKnd1110388 } from './knd1110388/import.js';
import { MAX_XML_BYTES } from './knd1110388/xml-read.js';
import { partyByInnIn } from './knd1110388/parties.js';
import { NOT_CARRIED } from './knd1110388/layout.js';

export type { ImportCompletion, RowNote } from './conversion.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function importRouter(node: GatewayNode, completion?: ImportCompletion): Router {
  const r = Router();
  r.get(
    '/imports/mappings',
    wrap(async (_req, res) => {
      res.json({
        items: (await listMappings()).map(({ file: _f, ...m }) => m),
      });
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
        fields?: unknown;
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
      if (
        b.addressee !== undefined &&
        (typeof b.addressee !== 'string' || !/^[0-9]{13}([0-9]{2})?$/.test(b.addressee))
      )
        errors.push({ pointer: '/body/addressee', code: 'REQUEST_PATTERN', message: 'the addressee’s ОГРН' });
      const fields = b.fields ?? {};
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
        errors.push({
          pointer: '/body/fields',
          code: 'REQUEST_TYPE',
          message: 'an object: field path → value',
        });
      else
        for (const [k, v] of Object.entries(fields)) {
          const ok =
            typeof v === 'string' ||
            (typeof v === 'object' && v !== null && typeof (v as { from?: unknown }).from === 'string');
          if (!ok || (typeof v === 'string' && v.length > 200))
            errors.push({
              pointer: `/body/fields/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
              code: 'REQUEST_TYPE',
              message: 'a text of at most 200 characters (or a period {from, to})',
            });
        }
      if (errors.length)
        throw new DmsnetError('REQUEST_INVALID', 'the preview needs mapping and content', errors);
      const bytes = new Uint8Array(Buffer.from(b.content as string, 'base64'));
      if (bytes.length > MAX_FILE_BYTES) {
        throw new DmsnetError('REQUEST_INVALID', 'the file is larger than 20 MB', [
          { pointer: '/body/content', code: 'REQUEST_MAX_LENGTH', message: 'at most 20 MB' },
        ]);
      }
      const mapping = await findMapping(b.mapping as string);
      const given = Object.fromEntries(
        Object.entries(fields as Record<string, unknown>).filter(([, v]) => v !== ''),
      );
      const c = await convertFile(
        node,
        {
          bytes,
          mapping,
          ...(typeof b.addressee === 'string' ? { addressee: b.addressee } : {}),
          ...(Object.keys(given).length ? { fields: given } : {}),
        },
        completion,
      );
      const fileName = typeof b.fileName === 'string' ? b.fileName.slice(0, 200) : 'file';
      res.json({
        type: c.type,
        rows: c.rows,
        fileRows: c.fileRows,
        report: buildReport(fileName, [...c.errors]),
        notes: c.notes,
        header: c.header,
        addressee: c.addressee,
        ...(c.addresseeInFile !== undefined ? { addresseeInFile: c.addresseeInFile } : {}),
        document: c.document,
      });
    }),
  );
  // A КНД 1110388 register from an ЭДО operator or a clinic's system → the invoice it describes, validated; nothing
  // is sent (the caller sends the document with POST /v1/documents), like the preview above.
  r.post(
    '/imports/knd1110388',
    wrap(async (req, res) => {
      const b = (req.body ?? {}) as { content?: unknown };
      if (typeof b.content !== 'string' || !b.content || !/^[A-Za-z0-9+/=\s]+$/.test(b.content))
        throw new DmsnetError('REQUEST_INVALID', 'the import needs the file', [
          { pointer: '/body/content', code: 'REQUEST_REQUIRED', message: 'the XML file, base64' },
        ]);
      const bytes = new Uint8Array(Buffer.from(b.content, 'base64'));
      if (bytes.length > MAX_XML_BYTES)
        throw new DmsnetError('REQUEST_INVALID', 'the file is too large', [
          { pointer: '/body/content', code: 'REQUEST_MAX_LENGTH', message: `at most ${MAX_XML_BYTES} bytes` },
        ]);
      const { document, fileId } = await importKnd1110388(bytes, partyByInnIn(node.directory));
      // Each error the validator finds also names where it stands in the file, for whoever fixes the file.
      const errors = validateDocument(document).map((e) => {
        const element = filePointer(e.pointer);
        return element ? { ...e, element } : e;
      });
      res.json({ fileId, document, errors, notCarried: NOT_CARRIED });
    }),
  );
  return r;
}
