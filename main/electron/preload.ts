import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildBridge, ipcTransport } from './bridge';

// Sandboxed preload: bundled to dist/main/electron/preload.cjs. Exposes the typed bridge, never ipcRenderer.
contextBridge.exposeInMainWorld('huella', buildBridge(ipcTransport(ipcRenderer, webUtils)));
