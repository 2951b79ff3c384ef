/**
 * Content Credentials (C2PA) at import: the file's manifest store is read and validated, and a summary kept as
 * evidence metadata (committed in the item.ingested event like the rest of the metadata; the event states only
 * whether they validated, since the signer can identify the device or the person).
 *
 * Library: @trustnxt/c2pa-ts, a pure TypeScript implementation of C2PA 2.1 (Apache-2.0, TrustNXT; reads JPEG,
 * PNG, HEIC/HEIF/AVIF and other ISO-BMFF, MP3). Chosen over the official c2pa-rs bindings because those need either
 * a native binary downloaded at install time (c2pa-node) or a browser WebAssembly loader (@contentauth/c2pa-web);
 * nothing here may download anything. It validates claim signatures, assertion hashes and hard bindings (data hash,
 * BMFF hash v2/v3), not the signer's chain of trust: no trust list is configured, and the record says so.
 * Runs in the parser worker (DESIGN §1 A3): a manifest is attacker-controlled CBOR and X.509.
 */
import type { ContentCredentials } from '../../../shared/model/items';
import { BMFF, JPEG, MP3, PNG, type Asset } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

export const C2PA_VALIDATOR = '@trustnxt/c2pa-ts 0.9.4 (no trust list)';

export { C2PA_TYPES } from './parse-protocol';

const SUCCESS = /(\.validated|\.match|\.trusted|\.inserted|unknownProvenance)$/;
const SKIP_KEYS = new Set(['componentType', 'sourceBox', 'uuid', 'labelSuffix', 'hash', 'exclusions', 'merkle', 'thumbnail', 'claimSignature', 'data', 'c2pa_manifest', 'validationResults']);
const CAPTURE = /(exif|metadata|location|CreativeWork|schema-org|cawg\.identity)/i;
const MAX_SUMMARY_JSON = 16 * 1024;

function assetOf(buf: Uint8Array): Asset | undefined {
  if (JPEG.canRead(buf)) return new JPEG(buf);
  if (PNG.canRead(buf)) return new PNG(buf);
  if (BMFF.canRead(buf)) return new BMFF(buf);
  if (MP3.canRead(buf)) return new MP3(buf);
  return undefined;
}

function plain(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return v.slice(0, 500);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (v instanceof Uint8Array || ArrayBuffer.isView(v) || depth > 5) return undefined;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => plain(x, depth + 1)).filter((x) => x !== undefined);
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 100)) {
      if (SKIP_KEYS.has(k)) continue;
      const c = plain(x, depth + 1);
      if (c !== undefined) o[k] = c;
    }
    return o;
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 300) : undefined;
}

/**
 * The file's C2PA manifest store (its JUMBF superbox, as ISO 19566-5 frames it), exactly as embedded, or undefined
 * when it carries none: what a packet ships as a `.c2pa` sidecar when the lawyer keeps the Content Credentials.
 */
export function extractManifestStore(buf: Uint8Array): Uint8Array | undefined {
  try {
    return assetOf(buf)?.getManifestJUMBF() ?? undefined;
  } catch {
    return undefined;
  }
}

/** Reads and validates the manifest store of `buf`; undefined when the file carries none. */
export async function readContentCredentials(buf: Uint8Array): Promise<ContentCredentials | undefined> {
  let asset: Asset | undefined;
  let jumbf: Uint8Array | undefined;
  try {
    asset = assetOf(buf);
    jumbf = asset?.getManifestJUMBF();
  } catch {
    return undefined; // the container could not be read as a C2PA asset: nothing to report
  }
  if (!asset || !jumbf) return undefined;
  let store: ManifestStore | undefined;
  let result: ValidationResult;
  try {
    store = ManifestStore.read(SuperBox.fromBuffer(jumbf as Uint8Array<ArrayBuffer>));
    result = await store.validate(asset);
  } catch (e) {
    result = ValidationResult.fromError(e as Error);
  }
  const manifest = store?.getActiveManifest();
  const claim = manifest?.claim as unknown as Record<string, unknown> | undefined;
  const signature = (manifest?.signature as unknown as { signatureData?: { certificate?: { subject?: string; issuer?: string }; timestamp?: Date } } | undefined)?.signatureData;
  const assertions = (manifest?.assertions?.assertions ?? []) as unknown as Array<Record<string, unknown> & { label?: string }>;
  const actions = assertions
    .filter((a) => /^c2pa\.actions/.test(a.label ?? ''))
    .flatMap((a) => (Array.isArray(a.actions) ? (a.actions as Record<string, unknown>[]) : []))
    .slice(0, 50)
    .map((a) => {
      const agent = a.softwareAgent;
      return {
        action: text(a.action) ?? '?',
        ...(text(a.digitalSourceType) ? { digitalSourceType: text(a.digitalSourceType)! } : {}),
        ...(text(typeof agent === 'object' && agent ? (agent as Record<string, unknown>).name : agent) ? { softwareAgent: text(typeof agent === 'object' && agent ? (agent as Record<string, unknown>).name : agent)! } : {}),
        ...(text(a.when) ? { when: text(a.when)! } : {}),
      };
    });
  const capture: Record<string, unknown> = {};
  for (const a of assertions) if (CAPTURE.test(a.label ?? '')) capture[a.label!] = plain(a);
  const captureJson = JSON.stringify(capture);
  const generator = text(claim?.claimGeneratorName) ?? text(claim?.claimGenerator);
  const version = text(claim?.claimGeneratorVersion);
  const cc: ContentCredentials = {
    state: result.isValid ? 'valid' : 'invalid',
    validator: C2PA_VALIDATOR,
    manifests: store?.manifests.length ?? 0,
    assertions: assertions.map((a) => a.label ?? '?').slice(0, 100),
    failures: result.statusEntries.filter((e) => !SUCCESS.test(String(e.code))).map((e) => ({ code: String(e.code), ...(e.url ? { url: String(e.url).slice(0, 300) } : {}) })).slice(0, 50),
    ...(manifest?.label ? { activeManifest: manifest.label.slice(0, 200) } : {}),
    ...(generator ? { claimGenerator: version ? `${generator} ${version}` : generator } : {}),
    ...(text(signature?.certificate?.subject) ? { signer: text(signature?.certificate?.subject)! } : {}),
    ...(text(signature?.certificate?.issuer) ? { issuer: text(signature?.certificate?.issuer)! } : {}),
    ...(signature?.timestamp instanceof Date && !Number.isNaN(signature.timestamp.getTime()) ? { signedAt: signature.timestamp.toISOString() } : {}),
    ...(actions.length > 0 ? { actions } : {}),
    ...(Object.keys(capture).length > 0 && captureJson.length <= MAX_SUMMARY_JSON ? { captureAssertions: capture } : {}),
  };
  return cc;
}
