import { app, dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { DialogPort } from '../../ipc/ports';
import { backupFolderDialog, transferPathDialog, packetDestinationDialog, packetDialog, pickFilesDialog, saveFileDialog, textFileDialog, vaultFolderDialog } from './options';

/** DialogPort over Electron's native dialogs, modal to our window when it exists. */
export function electronDialogs(window: () => BrowserWindow | undefined): DialogPort {
  const open = async (options: OpenDialogOptions): Promise<string[] | null> => {
    const w = window();
    const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
  };
  return {
    async chooseVaultFolder(mode) {
      return (await open(vaultFolderDialog(mode)))?.[0] ?? null;
    },
    async pickFiles(folders) {
      return open(pickFilesDialog(folders));
    },
    async choosePacketDestination(suggestedName) {
      const options = packetDestinationDialog(suggestedName, app.getPath('documents'));
      const w = window();
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async choosePacket(folder) {
      return (await open(packetDialog(folder)))?.[0] ?? null;
    },
    async chooseSaveFile(suggestedName) {
      const options = saveFileDialog(suggestedName, app.getPath('documents'));
      const w = window();
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseTextFile() {
      return (await open(textFileDialog()))?.[0] ?? null;
    },
    async chooseBackupFolder() {
      return (await open(backupFolderDialog()))?.[0] ?? null;
    },
    async chooseTransferPath(purpose) {
      return (await open(transferPathDialog(purpose)))?.[0] ?? null;
    },
  };
}
