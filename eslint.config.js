// Flat config. Typed linting stays off: `tsc --noEmit` in `npm run lint` already type-checks, and
// typed rules would make eslint as slow as a second compile.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The house's walls (docs/architecture.md): a lib is reached only through its face (`#name`, its
// src/index.ts, mapped in package.json `imports`), never by a relative path into it; apps never reach
// into each other; the protocol libs stay pure.
const intoAnotherUnit = {
  regex: '^(\\.\\./)+(libs/|apps/)?[a-z0-9-]+/src(/|$)',
  message: "Import another lib through its face ('#name'), not by a path into it.",
};
const appFaces = {
  regex: '^#(api|gateway|worker)(/|$)',
  message: 'An app never imports another app; shared code belongs in a lib.',
};
const testingFaces = {
  regex: '^#[a-z0-9-]+/testing$',
  message: 'Testing faces are for specs, test/ and bench/ only.',
};
const NO_IO = [
  '@nestjs/*',
  'ioredis',
  'pg',
  '@prisma/*',
  'ws',
  'bullmq',
  'node:fs',
  'node:net',
  'node:http',
  'node:https',
];

export default defineConfig(
  globalIgnores([
    'dist/',
    'libs/cem-client/dist/',
    'node_modules/',
    'coverage/',
    'libs/db/src/generated/',
    'libs/s2-json/src/generated/',
    'libs/s2-connect/src/generated/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A leading underscore marks an argument that a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [intoAnotherUnit] }],
    },
  },
  {
    files: ['apps/api/**', 'apps/gateway/**', 'apps/worker/**', 'libs/**'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [intoAnotherUnit, appFaces, testingFaces] }] },
  },
  {
    // The CEM channel client is published on its own (@s2-broker/cem-client): its files reach nothing
    // outside its folder, neither another lib's face nor a relative path up and out.
    files: ['libs/cem-client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^#', message: 'The CEM client package imports nothing of this repository (no # faces).' },
            { regex: '^(\\.\\./){2,}', message: 'The CEM client package imports nothing from outside its folder.' },
          ],
        },
      ],
    },
  },
  {
    // The console runs in the browser and reaches the broker over HTTP only.
    files: ['apps/console/src/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^#', message: 'The console calls the API; it imports no broker code.' }] },
      ],
    },
  },
  {
    // Protocol code: what the specifications name, no framework, no I/O, small enough to fuzz.
    files: ['libs/s2-json/src/**', 'libs/s2-connect/src/**'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            intoAnotherUnit,
            testingFaces,
            { group: NO_IO, message: 'Protocol libs are pure: no framework, no I/O.' },
            { regex: '^#(?!s2-json$)', message: 'Protocol libs import no other lib but #s2-json.' },
          ],
        },
      ],
    },
  },
);
