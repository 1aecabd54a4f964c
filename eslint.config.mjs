// ESLint makes two boundaries facts rather than habits:
// - workflows/ may import only what is safe inside Temporal's deterministic sandbox;
// - no promise is left floating, anywhere (a forgotten await loses errors and ordering).
import tseslint from 'typescript-eslint';

/** What a workflow may import at run time; type-only imports are free (they vanish when compiled). */
const SAFE_SOURCES = [
  'src/conversations/', // the workflow-safe vocabulary: pure, no I/O
  'src/platforms/platform-rules',
  'src/notifications/notification-event',
];
const WORKFLOW_SAFE = [
  '@temporalio/workflow',
  '@temporalio/common', // pure definitions the SDK itself loads into the sandbox (search attribute keys)
  './', // the workflows' own modules
  ...SAFE_SOURCES.map((path) => `../${path}`),
  // From workflows/legacy/: the workflows' modules one level up, and the same vocabulary.
  '../conversation-state',
  '../deadline-timer',
  '../definitions',
  '../notification-workflow',
  '../search-attributes',
  ...SAFE_SOURCES.map((path) => `../../${path}`),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.tools/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?!(${WORKFLOW_SAFE.map((path) => path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}))`,
              allowTypeImports: true,
              message:
                'Workflows run in a deterministic sandbox: import only @temporalio/workflow, other workflows/ modules and the ' +
                'workflow-safe vocabulary (src/conversations/, platform rules, @temporalio/common). Put I/O in an activity; use `import type` for types.',
            },
          ],
        },
      ],
    },
  },
);
