// Local ESLint rules for Huella. Tested in test/unit/tools/eslint-plugin-huella.test.ts.
import path from 'node:path';
import { layerOf, forbiddenImport } from './layers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function relToRoot(file) {
  return path.relative(ROOT, file);
}

const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layering of DESIGN §2 (renderer → shared ← main/ipc → main/archive).' },
    schema: [],
    messages: { forbidden: '{{reason}}' },
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const layer = layerOf(relToRoot(file));
    function check(node, source, isTypeOnly) {
      if (typeof source !== 'string') return;
      let resolvedLayer = null;
      if (source.startsWith('.')) {
        resolvedLayer = layerOf(relToRoot(path.resolve(path.dirname(file), source)));
      }
      const reason = forbiddenImport(layer, source, resolvedLayer, isTypeOnly);
      if (reason) context.report({ node, messageId: 'forbidden', data: { reason } });
    }
    return {
      ImportDeclaration(node) { check(node, node.source.value, node.importKind === 'type'); },
      ExportNamedDeclaration(node) { if (node.source) check(node, node.source.value, node.exportKind === 'type'); },
      ExportAllDeclaration(node) { check(node, node.source.value, node.exportKind === 'type'); },
      ImportExpression(node) { if (node.source.type === 'Literal') check(node, node.source.value, false); },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value, false);
        }
      },
    };
  },
};

const TEST_FNS = new Set(['it', 'test', 'describe', 'suite', 'bench']);
const noFocusedOrSkippedTests = {
  meta: {
    type: 'problem',
    docs: { description: 'A focused test hides the others; a skipped one is not a passing check.' },
    schema: [],
    messages: {
      focused: '.only leaves the rest of the suite unrun',
      skipped: '.{{kind}} needs a reason: write `// skip-reason: …` on the line above',
    },
  },
  create(context) {
    const source = context.sourceCode ?? context.getSourceCode();
    return {
      MemberExpression(node) {
        if (node.object.type !== 'Identifier' || !TEST_FNS.has(node.object.name)) return;
        if (node.property.type !== 'Identifier') return;
        const kind = node.property.name;
        if (kind === 'only') context.report({ node, messageId: 'focused' });
        if (kind === 'skip' || kind === 'todo' || kind === 'skipIf') {
          const comments = source.getCommentsBefore(node.parent?.type === 'CallExpression' ? node.parent : node);
          const line = node.loc.start.line;
          const explained = source.getAllComments().some(
            (c) => /skip-reason:\s*\S/.test(c.value) && (c.loc.end.line === line - 1 || c.loc.end.line === line),
          ) || comments.some((c) => /skip-reason:\s*\S/.test(c.value));
          if (!explained) context.report({ node, messageId: 'skipped', data: { kind } });
        }
      },
    };
  },
};

export default {
  meta: { name: 'eslint-plugin-huella' },
  rules: { layering, 'no-focused-or-skipped-tests': noFocusedOrSkippedTests },
};
