import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import i18next from 'eslint-plugin-i18next';
import globals from 'globals';
import huella from './tools/eslint-plugin-huella/index.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-output/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { huella },
    rules: {
      'huella/layering': 'error',
      'huella/sql-in-db-only': 'error',
      'huella/no-focused-or-skipped-tests': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, i18next },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // No string a person reads is written in a component: JSX text and the attributes people read (labels,
      // titles, alt text, placeholders) must come from shared/i18n through t(). Other attributes (className,
      // ids, roles, input types…) are code, not prose.
      'i18next/no-literal-string': ['error', {
        mode: 'jsx-only',
        'jsx-attributes': { include: ['aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription', 'title', 'alt', 'placeholder', 'label'], exclude: ['.*'] },
        words: { exclude: ['[0-9!-/:-@[-`{-~\\s]+', '[✕⚠]'] },
      }],
      // The renderer has no network: fetch/XHR/WebSocket are never used (DESIGN §1 A5, §7).
      'no-restricted-globals': ['error',
        { name: 'fetch', message: 'The renderer talks only through window.huella.' },
        { name: 'XMLHttpRequest', message: 'The renderer talks only through window.huella.' },
        { name: 'WebSocket', message: 'The renderer talks only through window.huella.' },
      ],
    },
  },
);
