import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Session, WebPreferences } from 'electron';
import { describe, expect, it } from 'vitest';
import { HARDENED_WEB_PREFERENCES, assertHardenedWebPreferences, mainWindowOptions } from '../../../../../main/electron/policy/window-options';

const ROOT = path.resolve(import.meta.dirname, '../../../../..');
const ELECTRON_DIR = path.join(ROOT, 'main/electron');
const fakeSession = {} as Session;
const input = { preload: '/app/dist/main/electron/preload.cjs', session: fakeSession, devTools: false, title: 'Huella' };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

describe('BrowserWindow webPreferences (the audited object)', () => {
  it('is frozen and hardened', () => {
    expect(Object.isFrozen(HARDENED_WEB_PREFERENCES)).toBe(true);
    expect(HARDENED_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('mainWindowOptions() passes the assertion and keeps the window hidden until painted', () => {
    const o = mainWindowOptions(input);
    expect(() => assertHardenedWebPreferences(o.webPreferences)).not.toThrow();
    expect(o.webPreferences?.devTools).toBe(false);
    expect(o.webPreferences?.session).toBe(fakeSession);
    expect(o.show).toBe(false);
  });

  const weakened: readonly [string, Partial<WebPreferences>][] = [
    ['contextIsolation off', { contextIsolation: false }],
    ['sandbox off', { sandbox: false }],
    ['nodeIntegration on', { nodeIntegration: true }],
    ['nodeIntegrationInWorker on', { nodeIntegrationInWorker: true }],
    ['nodeIntegrationInSubFrames on', { nodeIntegrationInSubFrames: true }],
    ['webSecurity off', { webSecurity: false }],
    ['insecure content allowed', { allowRunningInsecureContent: true }],
    ['webview tag on', { webviewTag: true }],
    ['experimental features on', { experimentalFeatures: true }],
    ['navigate on drag-and-drop', { navigateOnDragDrop: true }],
    ['extra Blink features', { enableBlinkFeatures: 'ExperimentalStuff' }],
    ['extra renderer arguments', { additionalArguments: ['--inspect'] }],
    ['a foreign preload', { preload: '/tmp/evil.js' }],
  ];
  for (const [what, change] of weakened) {
    it(`throws when created with ${what}`, () => {
      const prefs: WebPreferences = { ...mainWindowOptions(input).webPreferences, ...change };
      expect(() => assertHardenedWebPreferences(prefs)).toThrow();
    });
  }

  it('throws when an audited preference is merely missing (Electron defaults are not trusted)', () => {
    for (const key of ['contextIsolation', 'sandbox', 'nodeIntegration', 'webSecurity'] as const) {
      const prefs: Record<string, unknown> = { ...mainWindowOptions(input).webPreferences };
      delete prefs[key];
      expect(() => assertHardenedWebPreferences(prefs as WebPreferences), key).toThrow(new RegExp(key));
    }
    expect(() => assertHardenedWebPreferences(undefined)).toThrow();
  });
});

describe('main/electron creates windows only from the audited options', () => {
  const files = sourceFiles(ELECTRON_DIR);

  it('finds the glue files to check', () => {
    expect(files.map((f) => path.relative(ELECTRON_DIR, f))).toEqual(expect.arrayContaining(['main.ts', 'preload.ts']));
  });

  it('every `new BrowserWindow(...)` takes mainWindowOptions(...) and there is at least one', () => {
    let windows = 0;
    for (const file of files) {
      walk(parse(file), (n) => {
        if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'BrowserWindow') {
          windows++;
          const [arg, ...rest] = n.arguments ?? [];
          expect(rest, `${file}: one argument`).toHaveLength(0);
          expect(arg && ts.isCallExpression(arg) && ts.isIdentifier(arg.expression) && arg.expression.text === 'mainWindowOptions', `${file}: new BrowserWindow(mainWindowOptions(...))`).toBe(true);
        }
      });
    }
    expect(windows).toBe(1);
  });

  it('mainWindowOptions is the one from policy/window-options', () => {
    const main = parse(path.join(ELECTRON_DIR, 'main.ts'));
    const imports = main.statements.filter(ts.isImportDeclaration).filter((d) => d.importClause?.namedBindings && ts.isNamedImports(d.importClause.namedBindings) && d.importClause.namedBindings.elements.some((e) => e.name.text === 'mainWindowOptions'));
    expect(imports.map((d) => (d.moduleSpecifier as ts.StringLiteral).text)).toEqual(['./policy/window-options']);
  });

  it('no other file writes webPreferences, and no other kind of web view is created', () => {
    for (const file of files) {
      if (file.endsWith(path.join('policy', 'window-options.ts'))) continue;
      walk(parse(file), (n) => {
        if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && ts.isIdentifier(n.name) && n.name.text === 'webPreferences') {
          throw new Error(`${file} sets webPreferences outside policy/window-options.ts`);
        }
        if (ts.isIdentifier(n) && ['BrowserView', 'WebContentsView', 'BaseWindow'].includes(n.text)) throw new Error(`${file} uses ${n.text}`);
      });
    }
  });
});
