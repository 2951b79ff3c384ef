import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES } from '../../../shared/api';
import { writeFileAtomicSync } from '../../archive/fs/durable';
import type { AppState, AppStatePort } from '../../ipc/ports';

/**
 * App-level state kept outside any vault (the last vault folder, the UI language), as a small JSON file in
 * Electron's userData folder. It holds no evidence, no key and no secret: only what the unlock screen needs
 * before a vault is open. Written atomically (temp file, fsync, rename, fsync dir) so a power cut leaves the old
 * or the new file, never a torn one; a missing or damaged file reads as empty, never as a crash.
 */
export const APP_STATE_FILE = 'huella-app-state.json';

const Schema = z
  .object({
    lastVaultPath: z.string().min(1).max(4096).optional(),
    language: z.enum(LANGUAGES).optional(),
  })
  .strip();

export class AppStateFile implements AppStatePort {
  readonly #file: string;
  #cache: AppState | undefined;

  constructor(dir: string) {
    this.#file = path.join(dir, APP_STATE_FILE);
  }

  load(): AppState {
    if (this.#cache) return this.#cache;
    let parsed: AppState = {};
    try {
      const r = Schema.safeParse(JSON.parse(fs.readFileSync(this.#file, 'utf8')));
      if (r.success) parsed = r.data;
    } catch {
      // Missing or unreadable: start empty. The file only remembers a folder and a language.
    }
    this.#cache = Object.freeze(parsed);
    return this.#cache;
  }

  save(state: AppState): void {
    const clean = Schema.parse(state);
    fs.mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(this.#file, `${JSON.stringify(clean, null, 2)}\n`, 0o600);
    this.#cache = Object.freeze(clean);
  }
}
