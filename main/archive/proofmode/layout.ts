/**
 * ProofMode's bundle layout, as Guardian Project's app writes it (guardianproject/proofmode-android, read at commit
 * b2906d95d601ec5cfda36099bdc2f2f89f47d8a4, August 2026):
 *
 *  - For each media file, named by the media's SHA-256 `H` (lower-case hex) in ProofMode's per-hash folder
 *    (android-libproofmode/…/service/MediaWatcher.kt, writeProof; the suffixes are ProofMode.java's *_TAG constants):
 *      `H.proof.csv`      the proof data as CSV (a header row of keys, then one row per proof written; commas in
 *                         values replaced by spaces), with `H.proof.csv.asc`, its detached signature;
 *      `H.proof.json`     the same data as one JSON object, with `H.proof.json.asc`;
 *      `H.asc`            the detached signature over the media's bytes;
 *      `H.ots`            an OpenTimestamps proof of H, `H.gst` a SafetyNet / Play Integrity token (a JWT),
 *      `H.nostr`          a Nostr notarization, when those notaries answered;
 *    every signature armored, made with the device's RSA key over SHA-256 (crypto/pgp/DetachedSignatureProcessor).
 *  - The shared zip (app/…/share/ShareProofActivity.kt, zipProof): the media under its own file name (when "share
 *    media" is on), every file of its proof folder, `pubkey.asc` (the device's public key, armored), and
 *    `HowToVerifyProofData.txt`; sharing several media adds `<time>batchproof.csv`. Entries are flat. The zip is
 *    named `proofmode-0x<key id>-<date>.zip` (or `<name>-proofmode-…`).
 *
 * A folder holding the same files (the zip unpacked) is the same bundle.
 */
import type { ProofModeRole } from '../../../shared/model/items';

export const PUBKEY_FILE = 'pubkey.asc';
export const HOW_TO_FILE = 'HowToVerifyProofData.txt';

const HASHED = /^([0-9a-f]{64})(\.[A-Za-z0-9._-]{1,64})$/i;

export type BundleName = { readonly role: ProofModeRole; readonly mediaSha256?: string; /** For a signature: the name of the file it signs, when that is a bundle file rather than the media. */ readonly signs?: string };

/** What a bundle file is, from its base name alone (the media are told apart later, by their hash). */
export function classifyBundleName(base: string): BundleName {
  if (base === PUBKEY_FILE) return { role: 'public-key' };
  if (base === HOW_TO_FILE) return { role: 'instructions' };
  if (/^\d*batchproof\.csv$/i.test(base)) return { role: 'batch-proof' };
  const m = HASHED.exec(base);
  if (!m) return { role: 'other' };
  const mediaSha256 = m[1]!.toLowerCase();
  const suffix = m[2]!.toLowerCase();
  switch (suffix) {
    case '.proof.csv':
      return { role: 'proof-csv', mediaSha256 };
    case '.proof.json':
      return { role: 'proof-json', mediaSha256 };
    case '.asc':
      return { role: 'signature', mediaSha256 };
    case '.ots':
      return { role: 'opentimestamps', mediaSha256 };
    case '.gst':
      return { role: 'device-integrity', mediaSha256 };
    case '.nostr':
      return { role: 'nostr', mediaSha256 };
    default:
      // `H.proof.csv.asc` and the like sign another file of the bundle.
      if (suffix.endsWith('.asc')) return { role: 'signature', mediaSha256, signs: base.slice(0, -4) };
      return { role: 'proof-other', mediaSha256 };
  }
}

/** Do these base names look like a ProofMode bundle? The public key and at least one of ProofMode's proof files. */
export function looksLikeBundle(baseNames: readonly string[]): boolean {
  if (!baseNames.includes(PUBKEY_FILE)) return false;
  return baseNames.some((n) => {
    const c = classifyBundleName(n);
    return c.role === 'proof-csv' || c.role === 'proof-json' || (c.role === 'signature' && c.signs === undefined);
  });
}
