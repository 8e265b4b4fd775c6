// Finds every error code the sources can throw, and renders docs/error-codes.md from the registry. Shared by
// test/formats/error-codes.test.ts and scripts/error-codes-doc.mjs, so the check and the generated page agree.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, type ErrorCodeEntry } from '@dmsnet/formats/error-codes';

/** The component source trees whose thrown codes a caller can meet. */
export const SOURCE_ROOTS = [
  'formats/src',
  'gost/src',
  'tables/src',
  'chaincode/src',
  'gateway/src',
  'node-config/src',
  'network/src',
];

/**
 * How a code is written where it is thrown: a typed error's first argument (after an ApiError's status), the helpers
 * that build one from a literal, and the error bodies and rejections built as objects whose first key is the code
 * (a field error's first key is its pointer, so field codes — formats/RULES.md's — are not picked up).
 */
const PATTERNS = [
  /new\s+\w*Error\(\s*(?:(\d{3})\s*,\s*)?'([A-Z][A-Z0-9_]+)'/g,
  /\b(?:fail|refuse|invalid|super)\(\s*()'([A-Z][A-Z0-9_]+)'/g,
  /\{\s*code:\s*()'([A-Z][A-Z0-9_]+)',\s*message\b/g,
];

export interface ThrowSite {
  file: string;
  line: number;
  /** The HTTP status written beside the code (ApiError), if any. */
  status?: number;
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(root, rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

export function scanThrownCodes(root: string): Map<string, ThrowSite[]> {
  const found = new Map<string, ThrowSite[]>();
  for (const file of SOURCE_ROOTS.flatMap((r) => sourceFiles(root, r))) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const re of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const line = text.slice(0, m.index).split('\n').length;
        const site: ThrowSite = { file, line, ...(m[1] ? { status: Number(m[1]) } : {}) };
        found.set(m[2], [...(found.get(m[2]) ?? []), site]);
      }
    }
  }
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens (letters of any script stay). */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading anchor of a markdown text, numbered as GitHub numbers repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m || fence) continue;
    const s = slugOf(m[1]);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    anchors.add(n === 0 ? s : `${s}-${n}`);
  }
  return anchors;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** docs/error-codes.md: one section per code, so that `#CODE` (lower case) is the code's anchor. */
export function renderErrorCodesDoc(thrown: Map<string, ThrowSite[]>): string {
  const out = [
    '# Error codes',
    '',
    'Generated from `formats/src/error-codes.ts` by `node scripts/error-codes-doc.mjs` (after `npx tsc -p',
    'tsconfig.json`); `test/formats/error-codes.test.ts` fails when this page, the registry or the sources disagree.',
    'Every code a component throws is registered there with the HTTP status the API answers with and its retry class:',
    '**final** — the same request is refused again, so the outbox marks a send FAILED instead of retrying it;',
    '**transient** — it may succeed later. Field errors inside a `DOCUMENT_INVALID` have their own codes, listed in',
    '[formats/RULES.md](../formats/RULES.md); a request refused by the API schema carries `REQUEST_<KEYWORD>` field',
    'codes inside `REQUEST_INVALID`.',
    '',
    '| Code | HTTP | Retry | Meaning |',
    '| --- | --- | --- | --- |',
  ];
  const codes = Object.keys(ERROR_CODES).sort();
  const entries = ERROR_CODES as Record<string, ErrorCodeEntry>;
  for (const code of codes) {
    const e = entries[code];
    out.push(`| [${code}](#${code.toLowerCase()}) | ${e.status} | ${e.retry} | ${cell(e.en)} |`);
  }
  for (const code of codes) {
    const e = entries[code];
    out.push('', `## ${code}`, '', `HTTP ${e.status}, ${e.retry}.`, '', `- en: ${e.en}`, `- ru: ${e.ru}`);
    if (e.doc) out.push(`- rule: [${e.doc}](../${e.doc})`);
    const sites = [...new Set((thrown.get(code) ?? []).map((s) => s.file))].sort();
    if (sites.length) out.push(`- thrown in: ${sites.map((f) => `\`${f}\``).join(', ')}`);
  }
  return out.join('\n') + '\n';
}
