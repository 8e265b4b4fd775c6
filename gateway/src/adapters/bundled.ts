// The mappings shipped with dmsnet (gateway/mappings/*.yaml), by name: `dmsnet-node mappings` and the console's
// import screen offer the same list.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DmsnetError } from '@dmsnet/formats/errors';
import { repoPath } from '@dmsnet/formats/paths';
import { loadMapping, type TableMapping } from './mapping.js';

/** The mappings shipped with dmsnet (gateway/mappings/*.yaml). */
export const BUNDLED_MAPPINGS_DIR = repoPath('gateway', 'mappings');

export interface MappingInfo {
  name: string;
  file: string;
  type: string;
  format: string;
  headers: Array<{ header: string; optional: boolean }>;
}

export async function listMappings(dir = BUNDLED_MAPPINGS_DIR): Promise<MappingInfo[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  return files.map((f) => {
    const m = loadMapping(path.join(dir, f));
    return {
      name: f.replace(/\.ya?ml$/, ''),
      file: path.join(dir, f),
      type: m.type,
      format: m.format,
      headers: m.columns.map((c) => ({ header: c.headers[0] as string, optional: !!c.optional })),
    };
  });
}

/** A mapping by bundled name, or a mapping file's path. */
export async function findMapping(nameOrPath: string, dir = BUNDLED_MAPPINGS_DIR): Promise<TableMapping> {
  if (nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.includes('/'))
    return loadMapping(nameOrPath);
  const all = await listMappings(dir);
  const hit = all.find((m) => m.name === nameOrPath);
  if (!hit) {
    throw new DmsnetError(
      'MAPPING_UNKNOWN',
      `no mapping ${nameOrPath}; known: ${all.map((m) => m.name).join(', ')}`,
      [
        {
          pointer: '/mapping',
          code: 'MAPPING_UNKNOWN',
          message: `known: ${all.map((m) => m.name).join(', ')}`,
        },
      ],
    );
  }
  return loadMapping(hit.file);
}
