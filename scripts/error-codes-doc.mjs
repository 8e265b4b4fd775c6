// Writes docs/error-codes.md from the error code registry (build first: npx tsc -p tsconfig.json).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorCodesDoc, scanThrownCodes } from '../dist/test/formats/error-codes-scan.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(path.join(root, 'docs', 'error-codes.md'), renderErrorCodesDoc(scanThrownCodes(root)));
