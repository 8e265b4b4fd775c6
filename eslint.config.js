// Dependency direction is enforced here (design.md §6): formats is the leaf, chaincode never
// imports gateway or node-config, and nothing imports the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (folders, allowed = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: folders.map((f) => {
        const open = allowed.filter((a) => a.startsWith(`${f}/`)).map((a) => a.slice(f.length + 1));
        const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return {
          ...(open.length
            ? { regex: `(^|/)${f}/(?!(${open.map(esc).join('|')})$)` }
            : { group: [`**/${f}/**`] }),
          message: `this folder may not depend on ${f}/`,
        };
      }),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.run/**', '.build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Operator scripts run under Node.
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  // chai's property assertions (`.to.be.true`) are expressions by design.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
  { files: ['formats/**/*.ts'], rules: forbid(['chaincode', 'gateway', 'node-config', 'network', 'test']) },
  { files: ['chaincode/**/*.ts'], rules: forbid(['gateway', 'node-config', 'network', 'test']) },
  { files: ['gateway/**/*.ts'], rules: forbid(['node-config', 'network', 'test']) },
  { files: ['node-config/**/*.ts'], rules: forbid(['network', 'test']) },
  // The console runs in a browser and knows the gateway only through its REST API; it bundles only the words of
  // the error code registry and the pointer-to-place wording, which import nothing (decision 0033).
  {
    files: ['console/**/*.{ts,tsx}'],
    rules: forbid(
      ['formats', 'chaincode', 'gateway', 'node-config', 'network', 'test'],
      ['formats/src/error-codes.js', 'formats/src/field-places.js', 'formats/src/summary.js'],
    ),
  },
);
