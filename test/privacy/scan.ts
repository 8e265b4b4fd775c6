// The privacy scan: every file under a set of folders, searched for the personal data a story used. LevelDB folders
// are also read entry by entry, since their blocks may be compressed and a raw search could miss what they hold.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Level } from 'level';

const PERSONAL_FIELDS = new Set(['lastName', 'snils', 'policyNumber', 'birthDate']);

/** Surnames, СНИЛС, policy numbers and birth dates as written, from every body the story sent or received. */
export function personalData(bodies: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (PERSONAL_FIELDS.has(k) && typeof x === 'string' && x.trim().length >= 4) out.add(x.trim());
        else walk(x);
      }
    }
  };
  bodies.forEach(walk);
  return out;
}

export interface ScanResult {
  files: number;
  bytes: number;
  levelDbEntries: number;
  hits: Array<{ file: string; needle: string }>;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function scan(
  dirs: readonly string[],
  needles: ReadonlySet<string> | readonly Buffer[],
): Promise<ScanResult> {
  const patterns = [...needles].map((n) => (Buffer.isBuffer(n) ? n : Buffer.from(n, 'utf8')));
  const label = (b: Buffer) => (b.length <= 64 ? b.toString('utf8') : `${b.length} bytes`);
  const result: ScanResult = { files: 0, bytes: 0, levelDbEntries: 0, hits: [] };
  const levelDirs = new Set<string>();
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      if (path.basename(file) === 'CURRENT') levelDirs.add(path.dirname(file));
      const buf = await readFile(file);
      result.files++;
      result.bytes += (await stat(file)).size;
      for (const p of patterns) if (buf.includes(p)) result.hits.push({ file, needle: label(p) });
    }
  }
  for (const dir of levelDirs) {
    const db = new Level<Buffer, Buffer>(dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      createIfMissing: false,
    });
    try {
      await db.open();
    } catch {
      continue; // not a LevelDB after all, or still held by a process: its raw bytes were searched above
    }
    try {
      for await (const [k, v] of db.iterator()) {
        result.levelDbEntries++;
        for (const p of patterns) {
          if (k.includes(p) || v.includes(p))
            result.hits.push({ file: `${dir} (LevelDB entry)`, needle: label(p) });
        }
      }
    } finally {
      await db.close();
    }
  }
  return result;
}

export function report(what: string, r: ScanResult, needles: number): string {
  return `${what}: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.levelDbEntries} LevelDB entries read for ${needles} personal values: ${r.hits.length} hits`;
}
