// `dmsnet-node export ID --dir D`: asks the running node (its API, with the node's own token) for a GOST-signed
// document's export and writes the files e-document tools check. The node keeps its store open, so the export goes
// through its API rather than the store.
import { wireCode } from '@dmsnet/formats/error-codes';
import { DmsnetError } from '@dmsnet/formats/errors';
import {
  exportFromJson,
  writeSignatureExport,
  type ExportedFiles,
  type SignatureExportJson,
} from '../../gateway/src/node/signature-export.js';
import { loadConfig, readToken } from './config.js';

export async function exportDocument(o: { id: string; out: string; node: string }): Promise<ExportedFiles> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(o.id)) {
    throw new DmsnetError('ID_INVALID', `"${o.id}" is not a document id`, [
      { pointer: '/id', code: 'ID_INVALID', message: 'letters, digits, . _ : - (at most 128)' },
    ]);
  }
  const config = await loadConfig(o.node);
  const token = await readToken(o.node, config);
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${config.api.port}/v1/documents/${encodeURIComponent(o.id)}/signature/export`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new DmsnetError(
      'NODE_UNREACHABLE',
      `the node at ${url} does not answer (is \`dmsnet-node start ${o.node}\` running?): ${(err as Error).message}`,
    );
  }
  const body = (await res.json()) as SignatureExportJson & { code?: string; message?: string };
  if (res.status !== 200) {
    throw new DmsnetError(
      body.code ? wireCode(body.code) : 'EXPORT_FAILED',
      body.message ?? `the node answered ${res.status}`,
    );
  }
  return writeSignatureExport(exportFromJson(body), o.out);
}
