import { readFileSync } from 'node:fs';
import { repoPath } from '@dmsnet/formats/paths';

export interface DefectCode {
  code: string;
  stage: 'AUTO_CHECK' | 'MEE' | 'EKMP';
  effect: 'DENY_LINE' | 'REDUCE_PCT' | 'FINE';
  title_ru: string;
  title_en: string;
}

export interface DefectDictionary {
  version: string;
  validFrom: string;
  codes: DefectCode[];
}

let cached: DefectDictionary | undefined;

/** The versioned dictionary shipped as data beside this module's source. */
export function defectDictionary(): DefectDictionary {
  cached ??= JSON.parse(
    readFileSync(repoPath('gateway', 'src', 'workflows', 'defects', 'defects-v1.json'), 'utf8'),
  ) as DefectDictionary;
  return cached;
}

export function defect(code: string): DefectCode {
  const d = defectDictionary().codes.find((c) => c.code === code);
  if (!d) throw new Error(`defect code ${code} is not in dictionary v${defectDictionary().version}`);
  return d;
}
