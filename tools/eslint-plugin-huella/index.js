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

// SQL belongs to the table modules of main/archive/db (issue 18, main/archive/README.md): outside that folder no
// code prepares a statement, runs a pragma or a SQL script, imports the SQLite driver or the connection itself
// (a type import of the handle types is fine), nor hands SQL text to a helper that runs it (a generic
// one/all/run(sql, …) is how statements leaked out of the table modules before). Tests may: they play the
// attacker who edits the file.
// Upper-case keywords, as every statement here is written (a sentence such as "Select a file from…" is not SQL).
const SQL_TEXT = /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|VACUUM|ATTACH|DETACH|SAVEPOINT|RELEASE)\s[\s\S]*\b(FROM|INTO|SET|TABLE|INDEX|WHERE|VALUES|AS)\b/;
const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|BEGIN|COMMIT|ROLLBACK|VACUUM|ATTACH|DETACH|SAVEPOINT|RELEASE)\s+\S/i;
const DRIVER = /^better-sqlite3(-multiple-ciphers)?$/;

/** Whether a file at this repository-relative path may use the database directly. */
export function mayUseDatabase(relPath) {
  const p = relPath.split(path.sep).join('/');
  return p.startsWith('main/archive/db/') || layerOf(p) === 'test' || layerOf(p) === 'other';
}

function literalText(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked ?? '').join(' ? ');
  return undefined;
}

const sqlInDbOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'SQL only in main/archive/db: features call the typed functions of a table module.' },
    schema: [],
    messages: {
      call: '.{{name}}( runs SQL directly: add a named function to a table module in main/archive/db and call it with vault.store',
      driver: "the SQLite driver ('{{source}}') is used only in main/archive/db",
      connection: 'main/archive/db/connection is imported only inside main/archive/db (type imports of the handles excepted)',
      text: 'SQL text passed to {{name}}(: statements live in a table module in main/archive/db; call its named function with vault.store',
    },
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    if (mayUseDatabase(relToRoot(file))) return {};
    function checkImport(node, source, isTypeOnly) {
      if (typeof source !== 'string' || isTypeOnly) return;
      if (DRIVER.test(source)) context.report({ node, messageId: 'driver', data: { source } });
      else if (source.startsWith('.') && /(^|\/)main\/archive\/db\/connection(\.ts)?$/.test(relToRoot(path.resolve(path.dirname(file), source)).split(path.sep).join('/'))) {
        context.report({ node, messageId: 'connection' });
      }
    }
    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        checkImport(node, node.source.value, typeOnly);
      },
      ImportExpression(node) { if (node.source.type === 'Literal') checkImport(node, node.source.value, false); },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && callee.name === 'require' && node.arguments[0]?.type === 'Literal') checkImport(node, node.arguments[0].value, false);
        const member = callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' ? callee.property.name : undefined;
        const sqlArg = node.arguments.find((a) => {
          const t = literalText(a);
          return t !== undefined && SQL_TEXT.test(t);
        });
        // .prepare( / .pragma( / .exec( are reported below, once.
        if (sqlArg && member !== 'prepare' && member !== 'pragma' && member !== 'exec') {
          const name = callee.type === 'Identifier' ? callee.name : member !== undefined ? `.${member}` : 'a function';
          context.report({ node: sqlArg, messageId: 'text', data: { name } });
        }
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        // `.exec(` is also RegExp's: it counts only with SQL in its argument.
        const text = literalText(node.arguments[0]);
        if (name === 'prepare' || name === 'pragma' || (name === 'exec' && !callee.object.regex && text !== undefined && SQL_START.test(text))) {
          context.report({ node, messageId: 'call', data: { name } });
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
  rules: { layering, 'sql-in-db-only': sqlInDbOnly, 'no-focused-or-skipped-tests': noFocusedOrSkippedTests },
};
