import { z } from 'zod';
import { canonicalBytes } from '../custody/jcs';
import { HuellaError } from '../errors';

/**
 * The transfer bundle, format version 1 (DESIGN §9; a contract: a change needs a version bump and a reader for the
 * old one). One folder, carried on a USB stick or stored under a prefix of an S3 bucket:
 *
 *   <bundle>/
 *     bundle.json            canonical JSON (RFC 8785), below: what the bundle holds, by ciphertext hash
 *     bundle.json.minisig    minisign signature of bundle.json by the sender's custody key (`minisign -V` works)
 *     records.age            age file to the recipient: the catalogue records the sender chose to share
 *     custody.age            age file to the recipient: the sender's contact card, log origin, signed checkpoint,
 *                            and the sender's custody events for these items (+ the transfer event) with C2SP
 *                            tlog-proofs against that checkpoint
 *     objects/<name>         the originals, age files re-wrapped to the recipient (payload unchanged);
 *                            name = hex HMAC-SHA256(key derived from the sender's name key and the recipient, sha256)
 *
 * What someone who copies the bundle (or lists the bucket) sees: sizes, the number of objects, a creation time, the
 * recipient's contact fingerprint and the sender's minisign key ID. No file name, metadata, plain content hash,
 * person's name, log origin or checkpoint: all of those are inside the two age files. The signature is written
 * last; a folder without it is an unfinished bundle and is never received.
 */

export const BUNDLE_FORMAT = 'huella-bundle';
export const BUNDLE_RECORDS_FORMAT = 'huella-bundle-records';
export const BUNDLE_CUSTODY_FORMAT = 'huella-bundle-custody';
export const BUNDLE_FORMAT_VERSION = 1;

export const BUNDLE_FILES = {
  manifest: 'bundle.json',
  signature: 'bundle.json.minisig',
  records: 'records.age',
  custody: 'custody.age',
  objects: 'objects',
} as const;

const HEX64 = /^[0-9a-f]{64}$/;
export const BUNDLE_ID = /^[a-z2-7]{26}$/;

export type BundleFileEntry = { readonly size: number; readonly sha256: string };
export type BundleObjectEntry = BundleFileEntry & { readonly name: string };

export type BundleManifest = {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly bundleId: string;
  readonly createdAt: string;
  /** The sender's minisign key ID (hex as minisign prints it): which key to check the signature with. */
  readonly sender: { readonly keyId: string };
  /** The recipient's contact fingerprint (contact.ts). */
  readonly recipient: { readonly fingerprint: string };
  readonly records: BundleFileEntry;
  readonly custody: BundleFileEntry;
  /** Sorted by name; sizes and SHA-256 of the age files as they are in the bundle. */
  readonly objects: readonly BundleObjectEntry[];
};

const fileEntry = z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(HEX64) }).strict();
const manifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.number().int().positive(),
    bundleId: z.string().regex(BUNDLE_ID),
    createdAt: z.string().min(1).max(40),
    sender: z.object({ keyId: z.string().regex(/^[0-9A-F]{1,16}$/) }).strict(),
    recipient: z.object({ fingerprint: z.string().regex(HEX64) }).strict(),
    records: fileEntry,
    custody: fileEntry,
    objects: z.array(fileEntry.extend({ name: z.string().regex(HEX64) }).strict()).max(1_000_000),
  })
  .strict();

export function serializeBundleManifest(m: BundleManifest): Buffer {
  return canonicalBytes(m);
}

export function parseBundleManifest(bytes: Uint8Array): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'bundle.json is damaged: it is not valid JSON.', { cause: e });
  }
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === BUNDLE_FORMAT) {
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version > BUNDLE_FORMAT_VERSION) {
      throw new HuellaError('VAULT_TOO_NEW', `This bundle uses format version ${version}; this version of Huella reads version ${BUNDLE_FORMAT_VERSION}. Update Huella.`);
    }
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HuellaError('FORMAT_INVALID', `bundle.json is not a Huella transfer bundle: ${issue ? `${issue.path.join('.') || 'bundle'}: ${issue.message}` : 'invalid structure'}.`);
  }
  const names = parsed.data.objects.map((o) => o.name);
  for (let i = 1; i < names.length; i++) {
    if (names[i]! <= names[i - 1]!) throw new HuellaError('FORMAT_INVALID', 'bundle.json is damaged: its objects are not sorted or repeat one.');
  }
  return parsed.data as BundleManifest;
}

export function signatureComment(bundleId: string): string {
  return `huella bundle ${bundleId}`;
}

/** One shared item, as records.age holds it. */
export type BundleItemRecord = {
  /** The object's name in this bundle (objects/<name>). */
  readonly object: string;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
  readonly originalName: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The salt of the sender's commitments in its item.ingested event (base64), so the receiver can check them. */
  readonly commitSalt: string;
  /** The salt of this item's commitment in the sender's items.transferred event (base64). */
  readonly transferSalt: string;
  readonly ingestedAt: string;
  readonly captureTime?: string;
  readonly title?: string;
  readonly description?: string;
  readonly place?: string;
  /** The item in the sender's vault: its id and the seq of its item.ingested event. */
  readonly sender: { readonly itemId: string; readonly ingestSeq: number };
};

export type BundleCaseRecord = { readonly title: string; readonly country?: string; readonly summary?: string };

export type BundleRecords = {
  readonly format: typeof BUNDLE_RECORDS_FORMAT;
  readonly version: number;
  readonly bundleId: string;
  readonly case?: BundleCaseRecord;
  readonly items: readonly BundleItemRecord[];
};

const itemRecordSchema = z
  .object({
    object: z.string().regex(HEX64),
    sha256: z.string().regex(HEX64),
    size: z.number().int().nonnegative(),
    mediaType: z.string().min(1).max(200),
    originalName: z.string().max(4096),
    metadata: z.record(z.string(), z.unknown()),
    commitSalt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
    transferSalt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
    ingestedAt: z.string().min(1).max(40),
    captureTime: z.string().max(40).optional(),
    title: z.string().max(10_000).optional(),
    description: z.string().max(100_000).optional(),
    place: z.string().max(10_000).optional(),
    sender: z.object({ itemId: z.string().min(1).max(100), ingestSeq: z.number().int().nonnegative() }).strict(),
  })
  .strict();

const recordsSchema = z
  .object({
    format: z.literal(BUNDLE_RECORDS_FORMAT),
    version: z.literal(BUNDLE_FORMAT_VERSION),
    bundleId: z.string().regex(BUNDLE_ID),
    case: z.object({ title: z.string().min(1).max(10_000), country: z.string().max(10).optional(), summary: z.string().max(100_000).optional() }).strict().optional(),
    items: z.array(itemRecordSchema),
  })
  .strict();

export function parseBundleRecords(bytes: Uint8Array): BundleRecords {
  return parseJson(bytes, recordsSchema, 'records.age') as BundleRecords;
}

/** One of the sender's custody events as custody.age holds it. */
export type BundleEvent = {
  readonly seq: number;
  /** The event's canonical bytes (RFC 8785), as UTF-8 text. */
  readonly event: string;
  /** Ed25519 signature of those bytes by the sender's custody key (base64). */
  readonly signature: string;
  /** C2SP tlog-proof (text form) of the event against `checkpoint`. */
  readonly proof: string;
};

export type BundleCustody = {
  readonly format: typeof BUNDLE_CUSTODY_FORMAT;
  readonly version: number;
  readonly bundleId: string;
  /** The sender's contact card line (contact.ts): age recipient and custody key. */
  readonly sender: string;
  /** The sender's log origin (huella/<vault id>). */
  readonly origin: string;
  /** The sender's signed checkpoint that every proof is against. */
  readonly checkpoint: string;
  /** The seq of the sender's items.transferred event for this bundle. */
  readonly transferSeq: number;
  readonly events: readonly BundleEvent[];
};

const custodySchema = z
  .object({
    format: z.literal(BUNDLE_CUSTODY_FORMAT),
    version: z.literal(BUNDLE_FORMAT_VERSION),
    bundleId: z.string().regex(BUNDLE_ID),
    sender: z.string().min(1).max(500),
    origin: z.string().min(1).max(200),
    checkpoint: z.string().min(1).max(100_000),
    transferSeq: z.number().int().nonnegative(),
    events: z.array(
      z
        .object({
          seq: z.number().int().nonnegative(),
          event: z.string().min(1).max(1_000_000),
          signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
          proof: z.string().min(1).max(100_000),
        })
        .strict(),
    ),
  })
  .strict();

export function parseBundleCustody(bytes: Uint8Array): BundleCustody {
  return parseJson(bytes, custodySchema, 'custody.age') as BundleCustody;
}

function parseJson(bytes: Uint8Array, schema: z.ZodType, what: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', `The bundle's ${what} does not hold valid JSON.`, { cause: e });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HuellaError('FORMAT_INVALID', `The bundle's ${what} has an unknown structure${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`);
  }
  return parsed.data;
}
