// tsc writes the CLI entry points without the executable bit; npm exec (npx) runs the package's own bins
// directly, so every "bin" of package.json is marked executable after each build. A workspace's bins are linked
// into node_modules/.bin by `npm ci` only when their file exists, which on a clean clone it does not until the first
// build: they are linked here, as npm would have.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const read = (dir) => JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
const pkg = read('.');
for (const file of Object.values(pkg.bin ?? {})) chmodSync(path.join(root, file), 0o755);
const binDir = path.join(root, 'node_modules', '.bin');
for (const ws of pkg.workspaces ?? []) {
  for (const [name, file] of Object.entries(read(ws).bin ?? {})) {
    const target = path.join(root, ws, file);
    if (!existsSync(target)) continue;
    chmodSync(target, 0o755);
    const link = path.join(binDir, name);
    mkdirSync(binDir, { recursive: true });
    let stat;
    try {
      stat = lstatSync(link);
    } catch {
      stat = undefined;
    }
    if (stat && existsSync(link)) continue; // linked already (a dangling link is replaced)
    if (stat) unlinkSync(link);
    symlinkSync(path.relative(binDir, target), link);
  }
}
