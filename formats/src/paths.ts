import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The repository root, found by walking up from this module to the folder that holds package.json and formats/.
 * Walking up (rather than a fixed "../../..") keeps data files findable whatever directory tsc compiled into.
 */
export function repoRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'formats', 'schemas'))) {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the dmsnet repository root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** An absolute path to a file of the repository, e.g. repoPath('formats', 'schemas', 'v1'). */
export function repoPath(...segments: string[]): string {
  return path.join(repoRoot(), ...segments);
}

/** dmsnet's version, from the repository's package.json (every CLI answers it to --version). */
export function dmsnetVersion(): string {
  return (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
}
