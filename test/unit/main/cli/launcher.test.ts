import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations (scripts/ is not type-checked)
import { readCurrentBuild, staleReason } from '../../../../scripts/cli-freshness.js';
import { HUELLA_BIN, REPO } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tmp';

/**
 * bin/huella.js runs the bundled CLI (scripts/build-cli.js), never TypeScript through tsx, and never a stale bundle:
 * it rebuilds when a source the bundle was made from changed. These tests build into their own folder
 * (HUELLA_CLI_DIR), so they never disturb the dist/cli that other tests are using.
 */
type Current = { build: string; sources: [string, number, number][] };
type Meta = { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }> };

// Inside the repository (as dist/cli is), so the bundle's external packages resolve from node_modules.
const cliDir = path.join(REPO, 'test-output', `cli-build-${process.pid}`);
const env = { ...process.env, HUELLA_CLI_DIR: cliDir };
const launch = (args: readonly string[]) => spawnSync(process.execPath, [HUELLA_BIN, ...args], { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
const current = (): Current => readCurrentBuild(cliDir) as Current;

beforeAll(() => {
  const first = launch(['--version']);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toMatch(/not been built yet; building it/);
}, 120_000);
afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

describe('bin/huella.js', () => {
  it('prints the version of package.json and the command list, from the manifest', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const v = launch(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`huella ${pkg.version}\n`);
    expect(v.stderr).toBe(''); // the build is fresh: no rebuild
    const help = launch(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}packet verify {2,}verify a packet/m);
    expect(help.stdout).toMatch(/^ {2}ingest {2,}add files/m);
    const usage = launch(['ingest', '--help']);
    expect(usage.stdout).toMatch(/^huella ingest <vault> <path>\.\.\./);
  });

  it('run directly (as `npx huella` does), its shebang starts Node with the memory and thread-pool settings of a large import', () => {
    const bin = fs.readFileSync(HUELLA_BIN, 'utf8');
    expect(bin.split('\n')[0]).toBe('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 UV_THREADPOOL_SIZE=32 node --max-semi-space-size=1 --heap-growing-percent=50');
    const direct = spawnSync(HUELLA_BIN, ['--version'], { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^huella \d/);
  });

  it('runs the bundle, not TypeScript: no tsx and no .ts file is loaded', () => {
    const build = path.join(cliDir, 'builds', current().build);
    const files = fs.readdirSync(build);
    expect(files).toEqual(expect.arrayContaining(['launch.mjs', 'commands.json', 'parse-worker.cjs', 'hash-worker.cjs', 'bootstrap.mjs']));
    expect(files.some((f) => f.endsWith('.ts'))).toBe(false);
    const bin = fs.readFileSync(HUELLA_BIN, 'utf8');
    expect(bin).not.toMatch(/tsx/);
  });

  it('--help and --version load no command module and no native module (static import graph of launch.mjs)', () => {
    const build = path.join(cliDir, 'builds', current().build);
    const meta = JSON.parse(fs.readFileSync(path.join(build, 'meta.json'), 'utf8')) as Meta;
    const key = (f: string): string => Object.keys(meta.outputs).find((k) => k.endsWith(`/${f}`))!;
    const reached = new Set<string>();
    const externals = new Set<string>();
    const visit = (out: string): void => {
      for (const i of meta.outputs[out]!.imports) {
        if (i.kind !== 'import-statement') continue; // import() runs only when a command is run
        if (i.external) externals.add(i.path);
        else if (!reached.has(i.path)) {
          reached.add(i.path);
          visit(i.path);
        }
      }
    };
    visit(key('launch.mjs'));
    expect([...externals].filter((e) => !e.startsWith('node:'))).toEqual([]);
    const bytes = [...reached, key('launch.mjs')].reduce((n, f) => n + fs.statSync(path.join(REPO, f)).size, 0);
    // The bulk is the English message catalogue that error reports need (it grows with the app: measured, not
    // assumed); the rest is the launcher itself, well under 32 KiB. A command module would add far more.
    const catalogue = fs.statSync(path.join(REPO, 'shared/i18n/en.json')).size;
    expect(bytes).toBeLessThan(catalogue + 32 * 1024);
  });

  it('openpgp.js (600 KB of JavaScript) is only in the pgp worker, never in a module a command loads', () => {
    const build = path.join(cliDir, 'builds', current().build);
    const meta = JSON.parse(fs.readFileSync(path.join(build, 'meta.json'), 'utf8')) as Meta & { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const holding = Object.entries(meta.outputs)
      .filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes('node_modules/openpgp/')))
      .map(([out]) => path.basename(out));
    expect(holding).toEqual(['pgp-worker.cjs']);
  });

  it('`packet verify` (a reviewer without a vault) loads neither SQLCipher, libsodium, sharp nor the export code', () => {
    const build = path.join(cliDir, 'builds', current().build);
    const probe = `
      const { createRequire } = await import('node:module');
      const { run } = await import(${JSON.stringify(new URL(`file://${build}/launch.mjs`).href)});
      await run(['packet', 'verify', '/nonexistent-packet', '--json']);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.error(JSON.stringify(loaded.filter((f) => /better-sqlite3|libsodium|sharp|docx/.test(f))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout).toMatch(/"code":"NOT_FOUND"/);
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toEqual([]);
  });

  it('rebuilds when a source file changed since the build (never runs a stale bundle)', () => {
    const before = current();
    // Pretend main/archive/errors.ts was edited after the build: its recorded mtime no longer matches.
    const edited = before.sources.map(([f, m, s]) => (f === 'main/archive/errors.ts' ? [f, m - 1000, s] : [f, m, s]));
    expect(edited).not.toEqual(before.sources);
    fs.writeFileSync(path.join(cliDir, 'current.json'), JSON.stringify({ ...before, sources: edited }));
    const r = launch(['--version']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/main\/archive\/errors\.ts changed since the CLI was built; building it/);
    const after = current();
    expect(after.build).not.toBe(before.build);
    expect(staleReason(after, { cliDir })).toBeUndefined();
    expect(launch(['--version']).stderr).toBe('');
  }, 120_000);

  it('records every bundled source of ours, and package-lock.json for the dependencies', () => {
    const files = current().sources.map(([f]) => f);
    for (const f of ['main/cli/launch.ts', 'main/cli/commands/items.ts', 'main/archive/ingest/ingest.ts', 'main/archive/ingest/parse-worker.ts', 'main/archive/blobs/hash-worker.ts', 'shared/api.ts', 'package-lock.json', 'scripts/build-cli.js'].filter((f) => fs.existsSync(path.join(REPO, f)))) {
      expect(files, f).toContain(f);
    }
    // Not even through a linked node_modules (a worktree's link to another checkout's: ../../main/node_modules/…).
    expect(files.some((f) => f.startsWith('node_modules/') || f.includes('/node_modules/'))).toBe(false);
  });
});

describe('staleReason', () => {
  it('names a removed or changed file, and accepts an unchanged tree', () => {
    const root = tempDir('huella-fresh-');
    const dir = path.join(root, 'cli');
    fs.mkdirSync(path.join(dir, 'builds', 'b1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'builds', 'b1', 'launch.mjs'), '');
    fs.writeFileSync(path.join(root, 'a.ts'), 'one');
    const st = fs.statSync(path.join(root, 'a.ts'));
    const cur = { build: 'b1', sources: [['a.ts', st.mtimeMs, st.size]] };
    expect(staleReason(cur, { root, cliDir: dir })).toBeUndefined();
    fs.writeFileSync(path.join(root, 'a.ts'), 'two!');
    expect(staleReason(cur, { root, cliDir: dir })).toBe('a.ts changed since the CLI was built');
    fs.rmSync(path.join(root, 'a.ts'));
    expect(staleReason(cur, { root, cliDir: dir })).toBe('a.ts was removed since the CLI was built');
    expect(staleReason(undefined, { root, cliDir: dir })).toBe('the CLI has not been built yet');
    expect(staleReason({ ...cur, build: 'missing' }, { root, cliDir: dir })).toBe('the CLI build is incomplete');
  });
});

describe('test tools (test/global-setup.ts)', () => {
  it('names each missing tool with its package and reason, and finds the installed ones', async () => {
    const { missingTestTools } = await import('../../../global-setup');
    const none = missingTestTools('/nonexistent');
    expect(none).toContain('qpdf (Debian package qpdf: PDF structure checks of stripped and generated PDFs)');
    expect(none.some((m) => m.startsWith('fonts'))).toBe(false); // packages without a command are not checked
    expect(missingTestTools()).toEqual([]); // this machine has them all (scripts/install-test-tools.sh)
  });
});
