/**
 * The figures issue 18 asks for, measured from the source (no build): run `npx tsx tools/archive-metrics.ts
 * [--top N] [--over LINES] [--json]` from the repository root.
 *
 *  - sql: the files outside tests that issue SQL (a string literal that starts like a SQL statement, or a call of
 *    `.prepare(` / `.pragma(` whatever its argument). Goal: only main/archive/db/.
 *  - functions: the longest functions in main/archive (first to last line, nested functions included, as ESLint's
 *    max-lines-per-function counts them without blank lines and comments; we count every line).
 *  - backArrows: imports from one folder of main/archive to another that itself (directly or not) imports the first:
 *    the arrows that run back up. Goal: none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const TOP = Number(args[args.indexOf('--top') + 1]) || 15;
const OVER = Number(args[args.indexOf('--over') + 1]) || 60;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const relTo = (root: string, f: string): string => path.relative(root, f).split(path.sep).join('/');
const rel = (f: string): string => relTo(ROOT, f);
const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|BEGIN|COMMIT|ROLLBACK|VACUUM|ANALYZE|REINDEX|ATTACH|DETACH|SAVEPOINT|RELEASE)\s/i;
const SQL_SHAPE = /\b(FROM|INTO|SET|TABLE|INDEX|WHERE|VALUES|user_version|journal_mode|quick_check|integrity_check|wal_checkpoint|cipher|key|legacy|foreign_keys|synchronous|temp_store|busy_timeout|TRANSACTION|trigger)\b/i;

/** Calls that run SQL whatever their argument (`.exec(` is also RegExp's, so it counts only with a SQL literal). */
const DB_CALLS = new Set(['prepare', 'pragma']);

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

function literalText(n: ts.Node): string | undefined {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => ' ? ' + s.literal.text).join('');
  return undefined;
}

function issuesSql(sf: ts.SourceFile): number {
  let count = 0;
  const visit = (n: ts.Node): void => {
    const text = literalText(n);
    if (text !== undefined && SQL_START.test(text) && SQL_SHAPE.test(text) && !/^\s*\w+\s*$/.test(text)) count++;
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && DB_CALLS.has(n.expression.name.text)) {
      const arg = n.arguments[0];
      if (arg && !(literalText(arg) !== undefined && SQL_START.test(literalText(arg)!))) count++;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return count;
}

type Fn = { readonly file: string; readonly name: string; readonly lines: number; readonly line: number };

function functionName(n: ts.Node): string {
  const named = n as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isPrivateIdentifier(named.name))) return named.name.text;
  if (ts.isConstructorDeclaration(n)) return 'constructor';
  const p = n.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

function functions(sf: ts.SourceFile, file: string): Fn[] {
  const out: Fn[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      out.push({ file, name: functionName(n), lines: end - start + 1, line: start + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The folder of main/archive a file belongs to ('(root)' for main/archive/*.ts). */
function folderOf(relPath: string): string | undefined {
  const m = /^main\/archive\/(.+)$/.exec(relPath);
  if (!m) return undefined;
  const parts = m[1]!.split('/');
  return parts.length === 1 ? '(root)' : parts[0];
}

export type Edge = { readonly from: string; readonly to: string; readonly file: string; readonly target: string; readonly typeOnly: boolean };

function imports(sf: ts.SourceFile, file: string, root: string): Edge[] {
  const out: Edge[] = [];
  const rel = (f: string): string => relTo(root, f);
  const from = folderOf(rel(file));
  if (!from) return out;
  for (const st of sf.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const target = rel(path.resolve(path.dirname(file), spec));
    const to = folderOf(target);
    if (!to || to === from) continue;
    const typeOnly = ts.isImportDeclaration(st) ? Boolean(st.importClause?.isTypeOnly) : st.isTypeOnly;
    out.push({ from, to, file: rel(file), target, typeOnly });
  }
  return out;
}

function reaches(graph: Map<string, Set<string>>, a: string, b: string): boolean {
  const seen = new Set<string>();
  const stack = [a];
  while (stack.length) {
    const x = stack.pop()!;
    if (x === b) return true;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const y of graph.get(x) ?? []) stack.push(y);
  }
  return false;
}

/**
 * The imports of main/archive (under `root`) that run back up: from a folder to one that itself, directly or not,
 * imports the first. test/unit/tools/archive-layers.test.ts keeps this at none.
 */
export function backArrowsIn(root: string): Edge[] {
  const files = walk(path.join(root, 'main', 'archive'));
  const edges = files.flatMap((f) => imports(parse(f), f, root));
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!graph.has(e.from)) graph.set(e.from, new Set());
    graph.get(e.from)!.add(e.to);
  }
  return edges.filter((e) => reaches(graph, e.to, e.from));
}

function report(): void {
  const mainFiles = walk(path.join(ROOT, 'main'));
  const sql = mainFiles
    .map((f) => ({ file: rel(f), statements: issuesSql(parse(f)) }))
    .filter((x) => x.statements > 0)
    .sort((a, b) => a.file.localeCompare(b.file));
  const archiveFiles = mainFiles.filter((f) => rel(f).startsWith('main/archive/'));
  const fns = archiveFiles.flatMap((f) => functions(parse(f), rel(f))).sort((a, b) => b.lines - a.lines);
  const backArrows = backArrowsIn(ROOT);

  const result = {
    sql: { files: sql.length, outsideDb: sql.filter((x) => !x.file.startsWith('main/archive/db/')).length, list: sql },
    functions: { over: OVER, count: fns.filter((f) => f.lines > OVER).length, longest: fns.slice(0, TOP) },
    backArrows: { count: backArrows.length, list: backArrows },
  };

  if (args.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`Files that issue SQL: ${result.sql.files} (${result.sql.outsideDb} outside main/archive/db/)`);
    for (const x of sql) console.log(`  ${x.file} (${x.statements})`);
    console.log(`\nFunctions in main/archive over ${OVER} lines: ${result.functions.count}; the longest:`);
    for (const f of result.functions.longest) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);
    console.log(`\nImports that run back up between folders of main/archive: ${backArrows.length}`);
    for (const e of backArrows) console.log(`  ${e.from} -> ${e.to}: ${e.file} imports ${e.target}${e.typeOnly ? ' (type only)' : ''}`);
  }
}

// Run as a script (npx tsx tools/archive-metrics.ts), not when a test imports backArrowsIn.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) report();
