import crypto from 'node:crypto';
import type { Language, OperationKind, OperationProgress, OperationResult, Settings } from '../../shared/api';
import { HuellaError } from '../archive/errors';
import { makePendingPreviews } from '../archive/ingest/previews';
import type { Vault } from '../archive/vault/vault';
import type { AppStatePort, DialogPort, EventSink } from './ports';

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 10, language: 'en', actor: 'owner', contact: '' };

type Operation = { readonly kind: OperationKind; readonly controller: AbortController };

/**
 * The main process's state for one window: at most one unlocked vault, the long operations under way, and the
 * ports to the host. Locking cancels every operation and drops the vault (keys zeroed by Vault.lock()).
 */
export class Session {
  vault: Vault | undefined;
  vaultPath: string | undefined;
  readonly dialogs: DialogPort;
  readonly appState: AppStatePort;
  readonly emit: EventSink;
  readonly #operations = new Map<string, Operation>();
  readonly #background = new Set<AbortController>();

  constructor(ports: { dialogs: DialogPort; appState: AppStatePort; emit: EventSink }) {
    this.dialogs = ports.dialogs;
    this.appState = ports.appState;
    this.emit = ports.emit;
    this.vaultPath = this.appState.load().lastVaultPath;
  }

  requireVault(): Vault {
    if (!this.vault || this.vault.isLocked) throw new HuellaError('VAULT_LOCKED', 'The vault is locked. Unlock it to continue.');
    return this.vault;
  }

  settings(): Settings {
    const app = this.appState.load();
    const language: Language = app.language ?? DEFAULT_SETTINGS.language;
    if (!this.vault || this.vault.isLocked) return { ...DEFAULT_SETTINGS, language };
    const minutes = Number(this.vault.getSetting('autoLockMinutes') ?? DEFAULT_SETTINGS.autoLockMinutes);
    return { autoLockMinutes: Number.isFinite(minutes) ? minutes : DEFAULT_SETTINGS.autoLockMinutes, language, actor: this.vault.getSetting('actor') ?? DEFAULT_SETTINGS.actor, contact: this.vault.getSetting('contact') ?? '' };
  }

  setVault(vault: Vault, path: string): void {
    this.lock('user', false);
    this.vault = vault;
    this.vaultPath = path;
    this.appState.save({ ...this.appState.load(), lastVaultPath: path });
  }

  /** Locks: cancels operations, closes the database, zeroes keys, tells the renderer. */
  lock(reason: 'user' | 'idle' | 'suspend' | 'screen-lock' | 'shortcut' | 'menu', notify = true): void {
    for (const op of this.#operations.values()) op.controller.abort();
    this.#operations.clear();
    for (const c of this.#background) c.abort();
    this.#background.clear();
    const had = this.vault !== undefined;
    this.vault?.lock();
    this.vault = undefined;
    if (notify && had) this.emit('session.locked', { reason });
  }

  /**
   * Work the vault does on its own while unlocked (previews a crash or a quit left pending), with no progress of its
   * own: stopped by lock like an operation; its failure is left for its next run.
   */
  runInBackground(work: (signal: AbortSignal) => Promise<unknown>): void {
    const controller = new AbortController();
    this.#background.add(controller);
    void work(controller.signal)
      .catch(() => undefined)
      .finally(() => this.#background.delete(controller));
  }

  /**
   * Previews a crash or a quit left pending (issue 19) made in the background once the vault is open; each stored
   * group is announced (items.previewsMade) so the placeholders on screen fill in. An import started meanwhile waits
   * for this run before making its own (makePendingPreviews runs one at a time per vault).
   */
  makePreviewsInBackground(vault: Vault): void {
    this.runInBackground((signal) => makePendingPreviews(vault, { signal, onMade: (itemIds) => this.emit('items.previewsMade', { itemIds }) }));
  }

  /**
   * Starts a long operation: returns its id at once; progress and the result arrive as events. The work function
   * gets an AbortSignal (operations.cancel, lock) and a progress reporter (throttled to ~10 per second).
   */
  startOperation(kind: OperationKind, work: (signal: AbortSignal, progress: (p: OperationProgress, force?: boolean) => void) => Promise<OperationResult>): string {
    const operationId = crypto.randomUUID();
    const controller = new AbortController();
    this.#operations.set(operationId, { kind, controller });
    let last = 0;
    const progress = (p: OperationProgress, force = false): void => {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      this.emit('operation.progress', { operationId, ...p });
    };
    void (async () => {
      try {
        const result = await work(controller.signal, progress);
        this.emit('operation.done', { operationId, ok: true, result });
      } catch (e) {
        const err = e instanceof HuellaError ? e : new HuellaError('INTERNAL', 'The operation failed unexpectedly.', { cause: e });
        this.emit('operation.done', { operationId, ok: false, error: err.toApiError() });
      } finally {
        this.#operations.delete(operationId);
      }
    })();
    return operationId;
  }

  cancelOperation(operationId: string): void {
    const op = this.#operations.get(operationId);
    if (!op) throw new HuellaError('NOT_FOUND', 'No such operation (it may have finished already).');
    op.controller.abort();
  }
}
