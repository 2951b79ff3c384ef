import type { ApiEventName, ApiEvents } from '../../shared/api';
import { Session } from '../../main/ipc/session';

/** An event the main process sent to the renderer, as a test host records it. */
export type Emitted = { readonly event: ApiEventName; readonly payload: unknown };

/**
 * A Session as the Electron glue makes it, without Electron: every dialog is cancelled (returns null), the app state
 * lives in memory, and every event emitted is recorded in order. onEmit sees each event after it is recorded.
 */
export function testSession(onEmit?: (session: Session, emitted: readonly Emitted[], event: ApiEventName, payload: unknown) => void): { session: Session; emitted: Emitted[] } {
  let state = {};
  const emitted: Emitted[] = [];
  const session: Session = new Session({
    dialogs: { chooseVaultFolder: async () => null, pickFiles: async () => null, choosePacketDestination: async () => null, choosePacket: async () => null, chooseSaveFile: async () => null, chooseTextFile: async () => null, chooseBackupFolder: async () => null, chooseTransferPath: async () => null },
    appState: { load: () => state, save: (s) => void (state = s) },
    emit: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => {
      emitted.push({ event, payload });
      onEmit?.(session, emitted, event, payload);
    },
  });
  return { session, emitted };
}
