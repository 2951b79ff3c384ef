import path from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';

/**
 * Options for the native dialogs behind DialogPort. Only the person's own choice in a native dialog turns into a
 * path the archive acts on; the renderer can suggest a file name, never a folder.
 */
export function vaultFolderDialog(mode: 'create' | 'open'): OpenDialogOptions {
  return mode === 'create'
    ? { title: 'Choose an empty folder for the new vault', buttonLabel: 'Create vault here', properties: ['openDirectory', 'createDirectory', 'promptToCreate', 'dontAddToRecent'] }
    : { title: 'Open a vault folder', buttonLabel: 'Open vault', properties: ['openDirectory', 'dontAddToRecent'] };
}

export function pickFilesDialog(folders: boolean): OpenDialogOptions {
  // Electron cannot offer files and folders in one dialog on Windows and Linux, hence two modes.
  return folders
    ? { title: 'Add a folder of evidence', buttonLabel: 'Add', properties: ['openDirectory', 'multiSelections', 'dontAddToRecent'] }
    : { title: 'Add evidence files', buttonLabel: 'Add', properties: ['openFile', 'multiSelections', 'dontAddToRecent'] };
}

/** A file name the renderer suggested, reduced to a plain name inside `baseDir` (no folders, no traversal). */
export function safeSuggestedName(suggested: string): string {
  const name = path.basename(suggested.replace(/\\/g, '/')).replace(/[<>:"|?*]/g, '_');
  let clean = '';
  for (const ch of name) clean += (ch.codePointAt(0) ?? 0) < 0x20 ? '_' : ch;
  clean = clean.trim();
  return clean === '' || clean === '.' || clean === '..' ? 'packet.zip' : clean.slice(0, 200);
}

export function packetDestinationDialog(suggestedName: string, baseDir: string): SaveDialogOptions {
  return {
    title: 'Save the submission packet',
    buttonLabel: 'Save packet',
    defaultPath: path.join(baseDir, safeSuggestedName(suggestedName)),
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
  };
}

export function packetDialog(folder = false): OpenDialogOptions {
  // A packet is a zip file or a folder; Electron cannot offer both in one dialog on Windows and Linux, hence two modes.
  return folder
    ? { title: 'Open a submission packet folder', buttonLabel: 'Verify', properties: ['openDirectory', 'dontAddToRecent'] }
    : { title: 'Open a submission packet', buttonLabel: 'Verify', properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Packets (zip)', extensions: ['zip'] }] };
}

export function saveFileDialog(suggestedName: string, baseDir: string): SaveDialogOptions {
  return {
    title: 'Save the file for your witness',
    buttonLabel: 'Save',
    defaultPath: path.join(baseDir, safeSuggestedName(suggestedName)),
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
  };
}

export function textFileDialog(): OpenDialogOptions {
  return { title: "Open the witness's cosignature", buttonLabel: 'Open', properties: ['openFile', 'dontAddToRecent'] };
}

export function backupFolderDialog(): OpenDialogOptions {
  return { title: 'Choose a folder or drive for the backup', buttonLabel: 'Choose', properties: ['openDirectory', 'createDirectory', 'promptToCreate', 'dontAddToRecent'] };
}

export function transferPathDialog(purpose: 'contact' | 'bundle' | 'destination'): OpenDialogOptions {
  switch (purpose) {
    case 'contact':
      return { title: "Open the recipient's contact card (the card file or a picture of its QR code)", buttonLabel: 'Open', properties: ['openFile', 'dontAddToRecent'] };
    case 'bundle':
      return { title: 'Choose the transfer bundle folder to receive', buttonLabel: 'Choose', properties: ['openDirectory', 'dontAddToRecent'] };
    case 'destination':
      return { title: 'Choose a folder or drive for the bundle', buttonLabel: 'Choose', properties: ['openDirectory', 'createDirectory', 'promptToCreate', 'dontAddToRecent'] };
  }
}
