import type { CustodyEvent } from '../custody/log';
import { readManifestStoreSummary } from './c2pa-sidecar';
import type { PacketItemRecord } from './items-json';

/**
 * `huella packet verify` on what items.json says about an item's Content Credentials (./c2pa-sidecar.ts), each
 * statement against the packet's own files and signed events:
 *  - an original whose ingest event records Content Credentials must have them described, with the same verdict;
 *  - "removed from the copy": the copy holds no C2PA manifest store (its bytes were scanned while hashing), and
 *    no copy may hold one unless items.json says so (it never does: a stripped copy cannot carry a valid one);
 *  - a sidecar: present, its hash and size as listed, a C2PA manifest store with exactly the manifests listed, and
 *    logged by an item.derived event of this packet with the same hash, size and manifest count.
 */

export type ContentCredentialsContext = {
  readonly packetId: string;
  readonly small: ReadonlyMap<string, Buffer>;
  /** Payload files in which a C2PA manifest store was found while hashing. */
  readonly withManifest: ReadonlySet<string>;
  readonly bad: (file: string | undefined, reason: string) => void;
  readonly pass: (file: string, what: string) => void;
  readonly payloadFile: (p: string, sha: string, size: number, what: string) => void;
  readonly logged: (ref: { seq: number; proof: string }, type: readonly string[], subject: string, what: string, file: string) => { readonly seq: number; readonly event: CustodyEvent } | undefined;
};

export function checkItemContentCredentials(c: ContentCredentialsContext, it: PacketItemRecord, ingestData: Record<string, unknown> | undefined): void {
  const cc = it.contentCredentials;
  const file = it.exported?.path ?? it.encryptedOriginal?.path;
  const atIngest = ingestData?.contentCredentials;
  if (it.exported && c.withManifest.has(it.exported.path)) c.bad(it.exported.path, `${it.label}: the copy holds Content Credentials (a C2PA manifest store), which items.json does not declare`);
  if (!cc) {
    if (atIngest !== undefined) c.bad(file, `${it.label}: the ingest event records Content Credentials (${String(atIngest)}), but items.json does not say what became of them`);
    return;
  }
  if (ingestData && atIngest !== cc.atImport) c.bad(file, `${it.label}: items.json says the Content Credentials were ${cc.atImport} at import, the ingest event says ${String(atIngest ?? 'none')}`);
  if ((cc.inCopy === 'removed') !== (it.exported !== undefined)) c.bad(file, `${it.label}: items.json says the Content Credentials were removed from a copy, but ${it.exported ? 'does not say so for this copy' : 'there is no copy'}`);
  if ((cc.inEncryptedOriginal === true) !== (it.encryptedOriginal !== undefined)) c.bad(file, `${it.label}: items.json's inEncryptedOriginal does not match the encrypted original it lists`);
  if (it.exported && cc.inCopy === 'removed' && !c.withManifest.has(it.exported.path)) c.pass(it.exported.path, 'holds no Content Credentials, as items.json says');
  if ((cc.kept === 'sidecar') !== (cc.sidecar !== undefined)) {
    c.bad(file, `${it.label}: items.json says the Content Credentials were ${cc.kept === 'sidecar' ? 'kept as a sidecar but names none' : 'not kept but names a sidecar'}`);
    return;
  }
  const s = cc.sidecar;
  if (!s) return;
  c.payloadFile(s.path, s.sha256, s.size, `${it.label} Content Credentials`);
  const bytes = c.small.get(s.path);
  if (bytes) {
    const summary = readManifestStoreSummary(bytes);
    if ('error' in summary) c.bad(s.path, `${it.label}: the Content Credentials sidecar is not a C2PA manifest store (${summary.error})`);
    else if (JSON.stringify(summary.manifests) !== JSON.stringify(s.manifests) || summary.activeManifest !== s.activeManifest) c.bad(s.path, `${it.label}: the sidecar holds other manifests than items.json lists`);
    else c.pass(s.path, `a C2PA manifest store (${s.manifests.length} manifest${s.manifests.length === 1 ? '' : 's'}, active ${s.activeManifest}) of the original, SHA-256 ${it.original.sha256}: it validates against the original, not the stripped copy`);
  }
  const derived = c.logged(s.derived, ['item.derived'], it.itemId, `${it.label} Content Credentials`, s.path);
  if (derived) {
    const d = derived.event.data;
    if (d.kind !== 'content-credentials' || d.packetId !== c.packetId || d.sha256 !== s.sha256 || d.size !== s.size || d.manifests !== s.manifests.length) c.bad(s.path, `${it.label}: the sidecar differs from the derived event #${derived.seq}`);
    else c.pass(s.path, `logged in event #${derived.seq}`);
  }
}
