// Lint rules, including the layering rules from DESIGN.md: a folder is a process.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'Only the Electron shell (main/shell/) may import electron.' };
const noPty = { name: 'node-pty', message: 'node-pty lives only in agent/: PTYs run in agents.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.bench/**', '.demo/**', '.example/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron, noPty] }],
    },
  },
  {
    files: ['agent/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['main/shell/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noPty] }] },
  },
  {
    // The platform-neutral core: no Node built-ins, no Node-only helpers.
    files: ['shared/**/*.ts'],
    ignores: ['shared/node/**', 'shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, noPty],
        patterns: [
          { group: ['node:*'], message: 'shared/ is platform-neutral; Node code goes in shared/node/ or agent/ and main/.' },
          { group: ['**/node/*', './node/*'], message: 'shared/ core may not import shared/node/.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // Unit tests of the renderer's pure logic run under Node's test runner (node:test, node:assert).
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, noPty],
        patterns: [
          { group: ['node:*'], message: 'The renderer never sees Node; use BridgeApi.' },
          { group: ['**/shared/node/*', '**/agent/*', '**/main/*'], message: 'The renderer reaches the driver only through BridgeApi.' },
        ],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
