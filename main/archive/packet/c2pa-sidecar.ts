/**
 * Content Credentials kept in a packet (issue 16): the original's C2PA manifest store, shipped as a `.c2pa` sidecar
 * (C2PA 2.1 §11.3 "External manifests": the manifest store as a standalone JUMBF file). Read here from the JUMBF
 * framing alone (ISO/IEC 19566-5: boxes of LBox, TBox; a `jumb` superbox opens with a `jumd` description box
 * holding a type UUID, toggles and a label), with no C2PA library, so `huella packet verify` can say what the
 * sidecar holds without trusting the code that wrote it, and a copy can be scanned for a manifest store.
 *
 * Why a sidecar and not the manifest put back into the stripped copy: a C2PA hard binding hashes the asset's
 * bytes, so a manifest inside a copy whose metadata was removed validates as "invalid" (the hashes no longer
 * match). The sidecar states what the original's signer claimed; it validates against the original (whose SHA-256
 * items.json gives, and which the forensic profile carries encrypted to the recipient), not against the copy.
 */

/** JUMBF type UUID of a C2PA manifest store ("c2pa" + ISO 19566-5 suffix). */
const STORE_UUID = Buffer.from('6332706100110010800000aa00389b71', 'hex');
/** Manifest types: standard ("c2ma") and update ("c2um") manifests. */
const MANIFEST_UUIDS = [Buffer.from('63326d6100110010800000aa00389b71', 'hex'), Buffer.from('6332756d00110010800000aa00389b71', 'hex')];

export const CONTENT_CREDENTIALS_DIR = 'data/content-credentials';

export function sidecarPath(label: string): string {
  return `${CONTENT_CREDENTIALS_DIR}/${label}.c2pa`;
}

type Box = { readonly type: string; readonly start: number; readonly end: number; readonly body: number };

function boxAt(buf: Uint8Array, at: number, limit: number): Box | undefined {
  if (at + 8 > limit) return undefined;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let size = view.readUInt32BE(at);
  const type = view.toString('latin1', at + 4, at + 8);
  let body = at + 8;
  if (size === 1) {
    if (at + 16 > limit) return undefined;
    const big = view.readBigUInt64BE(at + 8);
    if (big > BigInt(limit - at)) return undefined;
    size = Number(big);
    body = at + 16;
  } else if (size === 0) {
    size = limit - at;
  }
  if (size < body - at || at + size > limit) return undefined;
  return { type, start: at, end: at + size, body };
}

type Description = { readonly uuid: Buffer; readonly label?: string };

/** The `jumd` box opening a `jumb` superbox: its type UUID and label. */
function description(buf: Uint8Array, superbox: Box): Description | undefined {
  const d = boxAt(buf, superbox.body, superbox.end);
  if (!d || d.type !== 'jumd' || d.end - d.body < 17) return undefined;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const uuid = Buffer.from(view.subarray(d.body, d.body + 16));
  const toggles = view[d.body + 16]!;
  let label: string | undefined;
  if (toggles & 0x02) {
    const from = d.body + 17;
    const nul = view.indexOf(0, from);
    if (nul < 0 || nul >= d.end) return undefined;
    label = view.toString('utf8', from, nul);
  }
  return { uuid, ...(label !== undefined ? { label } : {}) };
}

export type SidecarSummary = {
  /** Labels of the manifests in the store, in order; the last is the active manifest (C2PA 2.1 §11.1). */
  readonly manifests: readonly string[];
  readonly activeManifest?: string;
};

/** What a sidecar holds, or why it is not a C2PA manifest store. */
export function readManifestStoreSummary(buf: Uint8Array): SidecarSummary | { readonly error: string } {
  const store = boxAt(buf, 0, buf.length);
  if (!store || store.type !== 'jumb') return { error: 'it is not a JUMBF superbox' };
  if (store.end !== buf.length) return { error: 'it holds bytes after the manifest store' };
  const d = description(buf, store);
  if (!d || !d.uuid.equals(STORE_UUID)) return { error: 'its JUMBF superbox is not a C2PA manifest store' };
  const manifests: string[] = [];
  let at = boxAt(buf, store.body, store.end)!.end;
  while (at < store.end) {
    const child = boxAt(buf, at, store.end);
    if (!child) return { error: 'a box of the manifest store is damaged' };
    if (child.type === 'jumb') {
      const cd = description(buf, child);
      if (cd && MANIFEST_UUIDS.some((u) => u.equals(cd.uuid))) manifests.push(cd.label ?? '');
    }
    at = child.end;
    if (manifests.length > 10_000) return { error: 'too many manifests' };
  }
  if (manifests.length === 0) return { error: 'the manifest store holds no manifest' };
  return { manifests, activeManifest: manifests[manifests.length - 1]! };
}

/**
 * Finds a C2PA manifest store in a file, across the chunks of a stream: the store's JUMBF type UUID, as every
 * embedding (JPEG APP11, PNG caBX, ISO-BMFF uuid box, sidecar) carries it. 16 fixed bytes do not occur by chance.
 */
export class ManifestStoreScanner {
  /** The last STORE_UUID.length - 1 bytes seen (a copy), for a UUID split across two chunks. */
  #tail = Buffer.alloc(0);
  #found = false;

  update(chunk: Uint8Array): void {
    if (this.#found) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // The chunk is searched where it is (joining it to the tail copied every byte of every evidence file once more):
    // only a UUID that starts in the tail needs the tail and the chunk's first bytes side by side.
    const keep = STORE_UUID.length - 1;
    if (this.#tail.length > 0 && Buffer.concat([this.#tail, bytes.subarray(0, keep)]).includes(STORE_UUID)) this.#found = true;
    else if (bytes.includes(STORE_UUID)) this.#found = true;
    if (this.#found) return;
    this.#tail = bytes.length >= keep ? Buffer.from(bytes.subarray(bytes.length - keep)) : Buffer.concat([this.#tail, bytes]).subarray(-keep);
  }

  get found(): boolean {
    return this.#found;
  }
}

export function containsManifestStore(buf: Uint8Array): boolean {
  const s = new ManifestStoreScanner();
  s.update(buf);
  return s.found;
}
