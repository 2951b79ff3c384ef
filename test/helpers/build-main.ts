import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs scripts/build-main.js into a fresh folder under test-output/ (inside the repository, so the bundles'
 * external requires resolve from node_modules), laid out like dist/ (<root>/main/electron, and <root>/renderer
 * where main.cjs looks for the renderer). Returns <root>/main/electron; remove it with removeMainBundles().
 */
export function buildMainBundles(): string {
  const root = path.join(REPO_ROOT, 'test-output', `build-main-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build-main.js'), '--out', path.join(root, 'main')], { cwd: REPO_ROOT, stdio: 'pipe' });
  return path.join(root, 'main', 'electron');
}

export function removeMainBundles(electronDir: string | undefined): void {
  if (electronDir) fs.rmSync(path.resolve(electronDir, '..', '..'), { recursive: true, force: true });
}
