import { readFileSync } from 'node:fs';
import { repoPath } from '@dmsnet/formats';
import { loadMapping, type TableMapping } from '../../../gateway/src/adapters/index.js';

export const INSURER = { ogrn: '1027739820921', name: 'АО «СК Тест»' };
export const CLINIC = { ogrn: '1027700132195', name: 'ООО «Клиника Тест»' };
export const CREATED_AT = '2026-12-01T10:00:00Z';

export function mapping(name: string): TableMapping {
  return loadMapping(repoPath('gateway', 'mappings', `${name}.yaml`));
}

export function sample(name: string): Uint8Array {
  return readFileSync(repoPath('gateway', 'mappings', 'samples', name));
}
