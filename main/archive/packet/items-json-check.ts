import type { ItemsJson } from './items-json';
import { ITEMS_FORMAT } from './layout';

/**
 * custody/items.json checked without zod, for `huella packet verify` (issue 19 item 3): loading zod and running its
 * schema cost a reviewer's start more than every other check of items.json together. A value that passes here is
 * one itemsJsonSchema (./items-json.ts) accepts, and is returned as it is: the schema has no defaults or transforms
 * and all its objects are strict, so zod's output holds the same fields and values. Anything else, valid or not,
 * gives undefined, and the caller asks itemsJsonSchema, which says precisely what is wrong. The rules below are the
 * schema's, each as strict or stricter; items-json-check.test.ts changes every field of a full items.json in many
 * ways and fails if one is ever accepted here and refused by the schema.
 */

type Check = (v: unknown) => boolean;

const str =
  (max: number, min = 0, re?: RegExp): Check =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max && (re === undefined || re.test(v));
const int =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const bool: Check = (v) => typeof v === 'boolean';
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);
const list =
  (of: Check, max: number, min = 0): Check =>
  (v) =>
    Array.isArray(v) && v.length >= min && v.length <= max && v.every(of);

/** A strict object of plain JSON: every `required` key, any `optional` one, no other. */
const object =
  (required: Readonly<Record<string, Check>>, optional: Readonly<Record<string, Check>> = {}): Check =>
  (v) => {
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    const o = v as Record<string, unknown>;
    let keys = 0;
    for (const [k, check] of Object.entries(required)) {
      if (!Object.hasOwn(o, k) || !check(o[k])) return false;
      keys++;
    }
    for (const [k, check] of Object.entries(optional)) {
      if (!Object.hasOwn(o, k)) continue;
      if (!check(o[k])) return false;
      keys++;
    }
    return Object.keys(o).length === keys;
  };

const sha256 = str(64, 64, /^[0-9a-f]{64}$/);
const packetPath = str(1024, 1);
const size = int(0);
const logRef = object({ seq: int(0), proof: packetPath });
const senderRef = object({ seq: int(0), proof: packetPath, entry: packetPath });
const received = object({ origin: str(200, 1), dir: packetPath, ingested: senderRef, transferred: senderRef, transferSalt: str(24, 24, /^[A-Za-z0-9+/]{22}==$/) });
const transformation = object(
  { method: oneOf('lossless-structure', 'reencode', 'rewrite'), format: str(100), removed: list(str(500), 10_000), kept: list(str(500), 10_000), keepCaptureDate: bool },
  { notes: str(10_000) },
);
const sidecar = object({ path: packetPath, sha256, size, describes: oneOf('original'), manifests: list(str(500), 10_000, 1), activeManifest: str(500), derived: logRef });
const contentCredentials = object({ atImport: oneOf('valid', 'invalid'), kept: oneOf('no', 'sidecar') }, { inCopy: oneOf('removed'), inEncryptedOriginal: oneOf(true), sidecar });
const item = object(
  { label: str(Infinity, 0, /^E\d{3,}$/), itemId: str(40), mediaType: str(200), tags: list(str(128), 1_000), original: object({ sha256, size, ingested: logRef }) },
  {
    title: str(2_000),
    exported: object({ path: packetPath, sha256, size, transformation, derived: logRef }),
    encryptedOriginal: object({ path: packetPath, sha256, size, recipient: str(200) }),
    received,
    contentCredentials,
  },
);
const testimony = object(
  { label: str(Infinity, 0, /^T\d{2,}$/), testimonyId: str(40), path: packetPath, sha256, size, revision: int(1), transformation: str(2_000) },
  { revisionEvent: logRef },
);
const itemsJson = object({
  format: oneOf(ITEMS_FORMAT),
  packetId: str(14, 14, /^pkt_[0-9a-z]{10}$/),
  origin: str(200),
  checkpoint: object({ path: packetPath, size: int(1) }),
  mechanismId: str(64),
  profile: oneOf('redacted', 'forensic'),
  items: list(item, 100_000),
  testimonies: list(testimony, 10_000),
});

/** `value` (parsed JSON) as ItemsJson if itemsJsonSchema certainly accepts it unchanged; undefined otherwise (ask the schema). */
export function itemsJsonIfValid(value: unknown): ItemsJson | undefined {
  return itemsJson(value) ? (value as ItemsJson) : undefined;
}
