// `dmsnet-node evidence ID`: asks the running node (its API, with the node's own token) for a document's evidence
// bundle and writes the zip. The node keeps its store and its ledger connection, so the bundle is made there.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { wireCode } from '@dmsnet/formats/error-codes';
import { DmsnetError } from '@dmsnet/formats/errors';
import { bundleFileName } from '../../gateway/src/evidence/bundle.js';
import { loadConfig, readToken } from './config.js';

export async function writeEvidence(o: {
  id: string;
  node: string;
  out?: string;
  say?: (m: string) => void;
}): Promise<{ file: string; bytes: number }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,143}$/.test(o.id)) {
    throw new DmsnetError('ID_INVALID', `"${o.id}" is not a document id`, [
      {
        pointer: '/id',
        code: 'ID_INVALID',
        message: 'letters, digits, . _ : - (a ledger id or a document id)',
      },
    ]);
  }
  const config = await loadConfig(o.node);
  const token = await readToken(o.node, config);
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${config.api.port}/v1/documents/${encodeURIComponent(o.id)}/evidence`;
  // On Fabric the node reads blocks from its peer: that can take seconds, so the operator sees it is under way.
  o.say?.(
    `собираю пакет доказательств ${o.id} (блоки реестра, квитанции, справочник) / building the bundle…`,
  );
  let res: Response;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new DmsnetError(
      'NODE_UNREACHABLE',
      `the node at ${url} does not answer (is \`dmsnet-node start ${o.node}\` running?): ${(err as Error).message}`,
    );
  }
  if (res.status !== 200) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new DmsnetError(
      body.code ? wireCode(body.code) : 'EXPORT_FAILED',
      body.message ?? `the node answered ${res.status}`,
    );
  }
  const zip = new Uint8Array(await res.arrayBuffer());
  const messageId = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const file = path.resolve(o.out ?? messageId ?? bundleFileName(o.id));
  await writeFile(file, zip);
  return { file, bytes: zip.byteLength };
}
