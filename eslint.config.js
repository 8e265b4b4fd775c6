// Dependency direction is enforced here (docs/architecture.md, "Folders"): formats is the leaf, chaincode never
// imports gateway or node-config, nothing production imports the development sandbox, and nothing imports the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// The gateway's rooms and what each may import besides itself and the packages. `http` is the leaf every router
// uses; `api` assembles the node's API from the routers. The sandbox (local network, demo) is not a
// room: it lives in sandbox/, above every production folder, which never imports it.
const GATEWAY_ROOMS = {
  http: [],
  shapes: [],
  crypto: [],
  ledger: [],
  store: ['crypto'],
  receipts: ['crypto'],
  evidence: ['crypto', 'ledger', 'receipts'],
  node: ['crypto', 'ledger', 'store', 'receipts', 'evidence', 'shapes'],
  webhooks: ['node', 'http', 'shapes'],
  adapters: ['node', 'http'],
  access: ['crypto', 'store', 'http'],
  governance: ['ledger', 'node', 'http', 'shapes'],
  figures: ['node', 'store', 'http', 'shapes'],
  workflows: ['adapters', 'node', 'store', 'crypto', 'http', 'shapes', 'figures'],
  mail: ['adapters', 'node', 'store', 'http', 'shapes'],
  api: [
    'access',
    'adapters',
    'crypto',
    'governance',
    'http',
    'ledger',
    'node',
    'store',
    'webhooks',
    'workflows',
    'evidence',
    'receipts',
    'shapes',
    'mail',
    'figures',
  ],
};

// The npm workspaces (decision 0037): each is a package of its own, imported by its name through its `exports` map.
const PACKAGES = ['formats', 'gost', 'tables', 'chaincode'];

// The development tools (the local network of nodes, the demo story) sit above everything production: only the
// tests and the benchmarks import them (decision 0043). Every rule below forbids them, so no later, narrower entry
// for a folder can let them back in.
const DEVELOPMENT = 'sandbox';

const forbid = (folders, allowed = []) => restrict([...new Set([...folders, DEVELOPMENT])], allowed);

const restrict = (folders, allowed = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...folders.map((f) => {
          const open = allowed.filter((a) => a.startsWith(`${f}/`)).map((a) => a.slice(f.length + 1));
          const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          return {
            ...(open.length
              ? { regex: `(^|/)${f}/(?!(${open.map(esc).join('|')})$)` }
              : { group: [`**/${f}/**`] }),
            message: `this folder may not depend on ${f}/`,
          };
        }),
        // A workspace package is imported by its name, so the direction is held for names too.
        ...folders
          .filter((f) => PACKAGES.includes(f))
          .map((f) => ({
            regex: `^@dmsnet/${f}(/|$)`,
            message: `this folder may not depend on @dmsnet/${f}`,
          })),
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.run/**', '.build/**'] },
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
  // No file cycle anywhere: a cycle makes two modules one in all but name, and ES modules load it half-initialised.
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'console/tsconfig.json', ...PACKAGES.map((p) => `${p}/tsconfig.json`)],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A package imports only what its own package.json declares (the nearest one above the file), so a package
      // installed alone, as the chaincode is in its image, has everything it imports; and no package reaches into
      // another's folder by a relative path.
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, includeInternal: true }],
      'import-x/no-relative-packages': 'error',
    },
  },
  // Whatever no entry below names (the fuzzer, the scripts, a folder yet to come) stays off the sandbox too.
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['sandbox/**', 'test/**', 'bench/**'],
    rules: forbid([]),
  },
  // Tests, benchmarks, the fuzzer and the console's bundle may use the development dependencies.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'fuzz/**/*.ts', 'console/**/*.{ts,tsx}'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeInternal: true }],
    },
  },
  {
    files: ['formats/**/*.ts'],
    rules: forbid([
      'gost',
      'tables',
      'chaincode',
      'gateway',
      'embedded-ledger',
      'node-config',
      'network',
      'test',
    ]),
  },
  {
    files: ['gost/**/*.ts'],
    rules: forbid(['chaincode', 'gateway', 'embedded-ledger', 'node-config', 'network', 'test']),
  },
  {
    files: ['tables/**/*.ts'],
    rules: forbid(['gost', 'chaincode', 'gateway', 'embedded-ledger', 'node-config', 'network', 'test']),
  },
  {
    files: ['chaincode/**/*.ts'],
    rules: forbid(['gateway', 'embedded-ledger', 'node-config', 'network', 'test']),
  },
  { files: ['gateway/**/*.ts'], rules: forbid(['embedded-ledger', 'node-config', 'network', 'test']) },
  // The single-machine ledger of dmsnet-node's embedded mode: the contracts over LevelDB, behind the gateway's
  // LedgerClient, below the operator tools that open it.
  { files: ['embedded-ledger/**/*.ts'], rules: forbid(['node-config', 'network', 'test']) },
  { files: ['fuzz/**/*.ts'], rules: forbid([]) },
  // Rooms inside the gateway, each with the rooms it may import (docs/architecture.md, "Rooms of the gateway"). Later
  // entries replace the rule above for their files, so each keeps the top-level folders forbidden too.
  ...Object.entries(GATEWAY_ROOMS).map(([room, allowed]) => ({
    files: [`gateway/src/${room}/**/*.ts`],
    rules: forbid([
      'embedded-ledger',
      'node-config',
      'network',
      'test',
      ...Object.keys(GATEWAY_ROOMS).filter((r) => r !== room && !allowed.includes(r)),
    ]),
  })),
  { files: ['node-config/**/*.ts'], rules: forbid(['network', 'test']) },
  { files: ['network/**/*.ts'], rules: forbid(['test']) },
  // The development tools sit above everything production: they start nodes, networks and the story.
  { files: ['sandbox/**/*.ts'], rules: restrict(['test']) },
  // The console runs in a browser and knows the gateway only through its REST API; it bundles only the words of
  // the error code registry and the pointer-to-place wording, which import nothing (decision 0033).
  {
    files: ['console/**/*.{ts,tsx}'],
    // The bundler compiles those files from formats' sources, so the console needs formats neither built nor linked.
    rules: { 'import-x/no-relative-packages': 'off' },
  },
  {
    files: ['console/**/*.{ts,tsx}'],
    rules: forbid(
      [
        'formats',
        'gost',
        'tables',
        'chaincode',
        'gateway',
        'embedded-ledger',
        'node-config',
        'network',
        'test',
      ],
      [
        'formats/src/error-codes.js',
        'formats/src/field-places.js',
        'formats/src/summary.js',
        // Pure: which types go between an insurer and a clinic, and what a delegation is (decision record 0055).
        'formats/src/routes.js',
        'formats/src/delegation.js',
      ],
    ),
  },
);
