import { readItemPreview } from '../archive/items/items';
import { isId } from '../archive/ids';
import type { Session } from './session';

/**
 * Bytes for the preview protocol (Electron: huella-preview://; test host: /preview/). Only previews we
 * re-encoded ourselves are ever served to the renderer (DESIGN §1 A3), decrypted in memory, never to disk.
 */
export async function previewBytes(session: Session, itemId: string): Promise<{ type: string; data: Buffer } | undefined> {
  if (!isId(itemId, 'it') || !session.vault || session.vault.isLocked) return undefined;
  try {
    const data = await readItemPreview(session.vault, itemId);
    return data ? { type: 'image/webp', data } : undefined;
  } catch {
    return undefined;
  }
}
