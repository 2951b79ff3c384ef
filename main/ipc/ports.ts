import type { ApiEventName, ApiEvents, Language } from '../../shared/api';

/**
 * What main/ipc needs from its host (Electron, or the e2e test host), as small injected interfaces, so the
 * handlers are the same everywhere and testable without Electron.
 */
export type DialogPort = {
  chooseVaultFolder(mode: 'create' | 'open'): Promise<string | null>;
  pickFiles(folders: boolean): Promise<string[] | null>;
  choosePacketDestination(suggestedName: string): Promise<string | null>;
  /** A packet to verify: a zip file, or (folder) a packet exported as a folder. */
  choosePacket(folder: boolean): Promise<string | null>;
  /** Where to save a small file (a witness request). */
  chooseSaveFile(suggestedName: string): Promise<string | null>;
  /** A small text file to read (a witness's cosignature). */
  chooseTextFile(): Promise<string | null>;
  /** A folder or drive to back up to, or a backup folder to check. */
  chooseBackupFolder(): Promise<string | null>;
  /** A contact card (file or QR image), a transfer bundle folder to receive, or a folder to write a bundle into. */
  chooseTransferPath(purpose: 'contact' | 'bundle' | 'destination'): Promise<string | null>;
};

/** App-level state that must exist while no vault is unlocked (kept outside vaults). */
export type AppState = { readonly lastVaultPath?: string; readonly language?: Language };
export type AppStatePort = {
  load(): AppState;
  save(state: AppState): void;
};

export type EventSink = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;
