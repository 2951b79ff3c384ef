import type { DialogPort } from '../../../main/ipc/ports';

type DialogAnswers = {
  readonly chooseVaultFolder: string | null;
  readonly pickFiles: string[] | null;
  readonly choosePacketDestination: string | null;
  readonly choosePacket: string | null;
  readonly chooseSaveFile: string | null;
  readonly chooseTextFile: string | null;
  readonly chooseBackupFolder: string | null;
  readonly chooseTransferPath: string | null;
};
export type DialogKind = keyof DialogAnswers;

/**
 * The native dialogs, scripted by the test: each call takes the next queued answer for its kind; with nothing
 * queued the "person" cancels (null), as a real dialog closed with Escape would. Calls are recorded so a test can
 * check that the UI asked for the right dialog.
 */
export class ScriptedDialogs implements DialogPort {
  readonly calls: { kind: DialogKind; arg: unknown }[] = [];
  readonly #queues = new Map<DialogKind, unknown[]>();

  queue<K extends DialogKind>(kind: K, ...answers: DialogAnswers[K][]): void {
    const q = this.#queues.get(kind) ?? [];
    q.push(...answers);
    this.#queues.set(kind, q);
  }

  #next<K extends DialogKind>(kind: K, arg: unknown): Promise<DialogAnswers[K]> {
    this.calls.push({ kind, arg });
    const q = this.#queues.get(kind);
    return Promise.resolve((q && q.length > 0 ? q.shift() : null) as DialogAnswers[K]);
  }

  chooseVaultFolder(mode: 'create' | 'open'): Promise<string | null> {
    return this.#next('chooseVaultFolder', mode);
  }
  pickFiles(folders: boolean): Promise<string[] | null> {
    return this.#next('pickFiles', folders);
  }
  choosePacketDestination(suggestedName: string): Promise<string | null> {
    return this.#next('choosePacketDestination', suggestedName);
  }
  choosePacket(folder: boolean): Promise<string | null> {
    return this.#next('choosePacket', folder);
  }
  chooseSaveFile(suggestedName: string): Promise<string | null> {
    return this.#next('chooseSaveFile', suggestedName);
  }
  chooseTextFile(): Promise<string | null> {
    return this.#next('chooseTextFile', undefined);
  }
  chooseBackupFolder(): Promise<string | null> {
    return this.#next('chooseBackupFolder', undefined);
  }
  chooseTransferPath(purpose: 'contact' | 'bundle' | 'destination'): Promise<string | null> {
    return this.#next('chooseTransferPath', purpose);
  }
}
