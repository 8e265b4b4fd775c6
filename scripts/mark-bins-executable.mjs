// tsc writes the CLI entry points without the executable bit; npm exec (npx) runs the package's own bins
// directly, so every "bin" of package.json is marked executable after each build.
import { chmodSync, readFileSync } from 'node:fs';
import { URL } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(pkg.bin ?? {})) chmodSync(new URL(`../${file}`, import.meta.url), 0o755);
