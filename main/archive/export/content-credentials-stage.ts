import fsp from 'node:fs/promises';
import path from 'node:path';
import { HuellaError } from '../errors';
import { readManifestStore } from '../ingest/ingest';
import { containsManifestStore, readManifestStoreSummary, type SidecarSummary } from '../packet/c2pa-sidecar';
import type { Vault } from '../vault/vault';
import { writeNew, type Hashed } from './files';
import type { PlannedItemInternal } from './plan';

/**
 * Content Credentials at export (issue 16): removed from every stripped copy like other metadata (checked here on
 * the written copy: it must hold no manifest store), unless the lawyer keeps them; then the original's manifest
 * store goes beside the copy as a sidecar, byte for byte as the original embeds it (packet/c2pa-sidecar.ts says why
 * not inside the copy). What items.json says about the sidecar is read back from the written file.
 */

export type WrittenSidecar = { readonly path: string; readonly hashed: Hashed; readonly summary: SidecarSummary };

/** The largest original read whole to take its manifest store out (as at import: content-credentials.ts). */
const MAX_ORIGINAL_BYTES = 256 * 1024 * 1024;

/** A stripped copy that still holds a manifest store is a leak (it names the signer): the item cannot go. */
export async function checkCopyHoldsNoManifest(it: PlannedItemInternal, copyAbs: string): Promise<void> {
  if (!containsManifestStore(await fsp.readFile(copyAbs))) return;
  const { label, itemId } = it.planned;
  throw new HuellaError('LEAK_DETECTED', `${label} (${itemId}): the stripped copy still holds Content Credentials (a C2PA manifest store). Leave this item out, or send it as its encrypted original only (forensic profile).`, {
    details: { itemId },
  });
}

async function originalBytes(vault: Vault, it: PlannedItemInternal): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of vault.blobs.openPlaintext(it.objectName) as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > MAX_ORIGINAL_BYTES) throw new HuellaError('STRIP_FAILED', 'the original is too large to take its Content Credentials out of.');
    parts.push(chunk);
  }
  return Buffer.concat(parts, n);
}

/** Writes the original's manifest store as the item's sidecar; a store that cannot be found or read stops the item. */
export async function writeSidecar(vault: Vault, root: string, it: PlannedItemInternal): Promise<WrittenSidecar> {
  const rel = it.planned.contentCredentials!.sidecarPath!;
  const original = await originalBytes(vault, it);
  const store = await readManifestStore(original, it.detail.mediaType);
  if (!store) throw new HuellaError('STRIP_FAILED', 'its Content Credentials could not be taken out of the original to keep them.');
  const summary = readManifestStoreSummary(store);
  if ('error' in summary) throw new HuellaError('STRIP_FAILED', `its Content Credentials cannot be kept: the manifest store is not readable (${summary.error}).`);
  await fsp.mkdir(path.join(root, path.dirname(rel)), { recursive: true, mode: 0o700 });
  const hashed = await writeNew(path.join(root, rel), store);
  return { path: rel, hashed, summary };
}
