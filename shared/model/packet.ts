import { z } from 'zod';
import type { Language } from '../api';
import type { Message } from '../errors';
import type { AnswerValue, InvalidAnswer } from '../mechanisms/types';
import type { ConsentState, PersonRole } from './catalogue';
import { caseId, itemId, mechanismId, testimonyId } from './fields';
import { V } from '../validation';

/**
 * Submission packets (DESIGN §6): what the wizard, the API and the CLI exchange with the packet builder and the
 * packet verifier. Pure: no Node imports. The builder is main/archive/export (planPacket, exportPacket,
 * verifyPacket).
 *
 * The plan says, before anything is written, exactly what will and will not leave the vault: per item whether a
 * stripped copy, an encrypted original, or nothing goes out and why; per person whether the real name or the
 * pseudonym is shown and which consent record decides it; which mechanism fields are filled, from where, and
 * which are still missing.
 */

export const PACKET_PROFILES = ['redacted', 'forensic'] as const;
export type PacketProfile = (typeof PACKET_PROFILES)[number];

const PACKET_LANGUAGES = ['en', 'es', 'fr', 'ar'] as const satisfies readonly Language[];

/** An age X25519 recipient (age1… Bech32, lower case). The checksum is checked by the builder. */
export const ageRecipient = z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, { message: V('problem.validation.notARecipient') });

const answerValue = z.union([z.string().max(200_000), z.boolean(), z.array(z.string().max(2_000)).max(1_000), z.null()]);

export const PacketPlanInput = z
  .object({
    mechanismId: mechanismId.refine((m) => m !== '*', { message: V('problem.validation.notAMechanism') }),
    caseId,
    /** Items to include; absent = every live item of the case. */
    itemIds: z.array(itemId).max(10_000).optional(),
    /** Testimonies to include; absent = every testimony of the case; [] = none. */
    testimonyIds: z.array(testimonyId).max(1_000).optional(),
    profile: z.enum(PACKET_PROFILES),
    /** Required for the forensic profile: the originals are encrypted to this key only. */
    recipient: ageRecipient.optional(),
    lang: z.enum(PACKET_LANGUAGES),
    /** Answers to the mechanism's fields that the catalogue cannot fill (field id → value). */
    answers: z.record(z.string().max(100), answerValue).optional(),
    /**
     * Required fields the person chose to leave for later: the cover marks them "to be completed before sending"
     * and the plan lists them as deferred. When this is given (the app always gives it), a required field neither
     * answered nor deferred blocks the export; without it (the CLI) such fields are marked "to be completed".
     */
    deferredFields: z.array(z.string().max(100)).max(500).optional(),
    /**
     * Keep the capture date (DateTimeOriginal and its kin) in stripped copies. Default: false for 'redacted' (a
     * timestamp can tie a photo to a person's movements; the date of events goes in the cover document instead),
     * true for 'forensic' (the recipient is trusted with the originals anyway).
     */
    keepCaptureDate: z.boolean().optional(),
    /** Put the original file name into the exported name (off by default: names like "IMG_0042 Ana.jpg" leak). */
    includeFileNames: z.boolean().optional(),
    /**
     * Forensic profile: items sent only as their original, encrypted to the recipient, with no stripped copy (the
     * remedy when the re-read of a stripped copy still finds something the sender cannot remove).
     */
    originalOnlyItemIds: z.array(itemId).max(10_000).optional(),
    /**
     * Keep the Content Credentials (C2PA) of every item that has them (default: removed like other metadata: the
     * signer's certificate and capture assertions can identify the device or the person). Kept = the original's
     * manifest store shipped beside the stripped copy as data/content-credentials/E00n.c2pa; it validates against
     * the original, not the copy (a manifest inside a stripped copy could only validate as invalid).
     */
    keepContentCredentials: z.boolean().optional(),
    /** The same, for these items only. */
    keepContentCredentialsItemIds: z.array(itemId).max(10_000).optional(),
  })
  .strict();
export type PacketPlanInput = z.input<typeof PacketPlanInput>;

export const PacketExportInput = PacketPlanInput.extend({
  /** The packet folder or .zip file to create; it must not exist. */
  outPath: z.string().min(1).max(4096),
  zip: z.boolean().optional(),
}).strict();
export type PacketExportInput = z.input<typeof PacketExportInput>;

export const PacketVerifyInput = z
  .object({
    path: z.string().min(1).max(4096),
    /** The vault's public key obtained out of band (minisign file, signed-note verifier key or base64). */
    key: z.string().max(2_000).optional(),
    /** Witness keys (C2SP cosigner verifier keys) obtained from the witnesses: their cosignatures must verify. */
    witnessKeys: z.array(z.string().trim().min(1).max(1_000)).max(20).optional(),
  })
  .strict();
export type PacketVerifyInput = z.input<typeof PacketVerifyInput>;

// ------------------------------------------------------------------------------------------------ the plan

/**
 * What happens to one item:
 *  - 'strip': a metadata-stripped copy goes out (redacted, or forensic without a usable original);
 *  - 'strip-and-encrypt-original': forensic: the stripped copy plus the original bytes encrypted to the recipient;
 *  - 'encrypt-original-only': forensic, for a format that cannot be stripped: only the encrypted original goes;
 *  - 'refuse': nothing of this item leaves (no stripper for its format in a redacted packet, or no consent).
 */
export const ITEM_ACTIONS = ['strip', 'strip-and-encrypt-original', 'encrypt-original-only', 'refuse'] as const;
export type PacketItemAction = (typeof ITEM_ACTIONS)[number];

export type PlannedItem = {
  readonly itemId: string;
  /** E001, E002… in packet order. */
  readonly label: string;
  readonly mediaType: string;
  readonly action: PacketItemAction;
  /** The exported copy's path inside the packet (absent when refused or encrypt-original-only). */
  readonly exportPath?: string;
  /** The encrypted original's path inside the packet (forensic). */
  readonly originalPath?: string;
  /** Identifying metadata this item carries that the stripped copy will not (gps, serial, make/model…). */
  readonly removes: readonly string[];
  /**
   * The dry run only (checkPacket): what stripping this item in the scratch folder removed and kept, as the copy's
   * transformation record in items.json will say (for formats whose metadata is not read at import: audio, video,
   * documents, `removes` is empty).
   */
  readonly trialStrip?: { readonly removed: readonly string[]; readonly kept: readonly string[] };
  readonly reason?: string;
  /** Present when the original carries Content Credentials (C2PA): their verdict at import and what happens to them. */
  readonly contentCredentials?: PlannedContentCredentials;
};

export type PlannedContentCredentials = {
  /** How they validated at import (the item.ingested event states the same). */
  readonly state: 'valid' | 'invalid';
  /** Shipped as a sidecar file (`sidecarPath`) beside the stripped copy; otherwise removed with the other metadata. */
  readonly kept: boolean;
  readonly sidecarPath?: string;
  /** What they would disclose if kept, each as what it is and its value (data), for the app to say in the person's language: the signer as the certificate names it, the capture assertions they carry… */
  readonly disclosures: readonly ContentCredentialsDisclosure[];
  /** The same in English (derived from `disclosures`), for the CLI and logs. */
  readonly discloses: readonly string[];
};

export type ContentCredentialsDisclosure = {
  readonly kind: 'signer' | 'issuer' | 'signedAt' | 'madeWith' | 'captureAssertion' | 'action';
  readonly value: string;
  /** For 'action': the software that did it. */
  readonly agent?: string;
};

export type PlannedTestimony = {
  readonly testimonyId: string;
  /** T01, T02… */
  readonly label: string;
  readonly included: boolean;
  readonly exportPath?: string;
  /** How many occurrences of a withheld real name were replaced by a pseudonym in the exported text. */
  readonly replacements: number;
  readonly reason?: string;
};

export type PersonShownAs = 'name' | 'pseudonym';

export type PlannedPerson = {
  readonly personId: string;
  readonly roles: readonly PersonRole[];
  readonly pseudonym: string;
  readonly shownAs: PersonShownAs;
  readonly consentState: ConsentState;
  readonly consentId?: string;
  /** Whether this person's consent to share material is needed for this packet, and whether it is there. */
  readonly materialConsent: 'not-needed' | 'given' | 'missing';
  readonly why: string;
};

export type PlannedFieldSource = 'catalogue' | 'answer' | 'missing';

/**
 * Which record a value filled from the catalogue came from, for the person to check it: a person (by pseudonym),
 * their consent records, the case (its title, names hidden as in the packet), a testimony (title and interview date),
 * the tags of the case and its material, the items of the packet, the app's Settings, or today's date.
 */
export type FieldOrigin = {
  readonly kind: 'person' | 'consent' | 'case' | 'testimony' | 'tags' | 'items' | 'settings' | 'today';
  readonly recordId?: string;
  readonly label?: string;
  readonly date?: string;
};

export type PlannedField = {
  readonly fieldId: string;
  readonly sectionId: string;
  readonly label: string;
  readonly required: boolean;
  readonly confidential: boolean;
  readonly source: PlannedFieldSource;
  /** The value as it will appear in the cover documents (names already per consent). */
  readonly value: AnswerValue;
  /** Where a catalogue value came from. */
  readonly origin?: FieldOrigin;
  /** Required, unanswered, and left for later on purpose ("to be completed before sending"). */
  readonly deferred?: boolean;
};

/**
 * A place where a real name that consent withholds was replaced by the pseudonym: a mechanism field (typed answer or
 * filled from the catalogue), a testimony (T01…), an exhibit's title, description or file name (E001…), the case
 * title. The real name itself is never in the plan.
 */
export type NameReplacement = {
  readonly where: 'field' | 'testimony' | 'item' | 'case';
  readonly fieldId?: string;
  /** 'answer' when the person typed it, 'catalogue' when it was filled from the records (field only). */
  readonly source?: 'answer' | 'catalogue';
  readonly label?: string;
  readonly count: number;
  readonly pseudonyms: readonly string[];
};

/** The English warning on what name replacement cannot find (the app shows its own translation instead). */
export const NAME_REPLACEMENT_LIMITS =
  'Real names of people without consent to disclosure were replaced by pseudonyms where written in full or by name parts of 4+ letters; nicknames, initials, other spellings and names inside evidence files are NOT found: read every text before sending.';

/**
 * Something a person must check before sending, as a sentence in English (`message`: the CLI, the export report) and
 * as a Message the renderer translates (`problem`); `fieldId`/`itemId` name the answer or exhibit it is about, so the
 * app can say it with the mechanism's own label in the person's language.
 */
export type PacketNotice = {
  readonly message: string;
  readonly problem: Message;
  readonly fieldId?: string;
  readonly itemId?: string;
};

export type PacketBlocker = {
  readonly code: 'CONSENT_REQUIRED' | 'INVALID_INPUT' | 'STRIP_UNSUPPORTED' | 'STRIP_FAILED' | 'LEAK_DETECTED' | 'NOT_FOUND';
  readonly message: string;
  readonly personId?: string;
  readonly consentId?: string;
  readonly itemId?: string;
  readonly fieldId?: string;
  /** The same problem as a sentence for the person (a Message the renderer translates): what is wrong and what to do. */
  readonly problem?: Message;
};

export type PacketPlan = {
  readonly mechanismId: string;
  readonly mechanismTitle: string;
  /** 'draft' templates must be checked against the mechanism's current form before sending. */
  readonly mechanismStatus: 'confirmed' | 'partial' | 'draft';
  readonly caseId: string;
  readonly profile: PacketProfile;
  readonly lang: Language;
  readonly keepCaptureDate: boolean;
  readonly includeFileNames: boolean;
  readonly recipient?: string;
  readonly items: readonly PlannedItem[];
  readonly testimonies: readonly PlannedTestimony[];
  readonly persons: readonly PlannedPerson[];
  readonly fields: readonly PlannedField[];
  /** Required fields without a value and not deferred: the cover documents mark them "to be completed". */
  readonly missingFields: readonly string[];
  /** Required fields without a value that the person deferred: "to be completed before sending" in the cover. */
  readonly deferredFields: readonly string[];
  readonly invalidAnswers: readonly InvalidAnswer[];
  /** Anything here stops the export; each names the record or field at fault. */
  readonly blockers: readonly PacketBlocker[];
  /** Every place a name that consent withholds was replaced by the pseudonym. */
  readonly replacements: readonly NameReplacement[];
  /** Things a person must check before sending (e.g. name replacement limits), in English (the CLI). */
  readonly warnings: readonly string[];
  /** The same warnings, in the same order, each as a Message for the app to say in the person's language. */
  readonly notices: readonly PacketNotice[];
  readonly canExport: boolean;
};

// ------------------------------------------------------------------------------------------------ progress and results

export const PACKET_PHASES = ['planning', 'stripping', 'testimonies', 'custody', 'documents', 'manifests', 'verifying', 'zipping', 'done'] as const;
export type PacketPhase = (typeof PACKET_PHASES)[number];
export type PacketProgress = { readonly phase: PacketPhase; readonly done: number; readonly total: number };

/** What the written copy of one item holds, read back from the file (never what the stripper meant to write). */
export type ExportedCopyFacts = {
  /** Whether the copy holds a capture date (items.json `keepCaptureDate`). */
  readonly captureDateKept: boolean;
  readonly colourProfile?: string;
};

export type PacketExportReport = {
  readonly packetId: string;
  readonly outPath: string;
  readonly format: 'folder' | 'zip';
  readonly profile: PacketProfile;
  readonly mechanismId: string;
  readonly files: number;
  readonly payloadBytes: number;
  readonly tagmanifestSha256: string;
  /** The checkpoint inside the packet (covers every listed event). */
  readonly checkpoint: { readonly origin: string; readonly size: number; readonly rootHash: string };
  /** The packet.exported event recorded in the vault after the packet was written. */
  readonly exportedEventSeq: number;
  readonly items: readonly {
    readonly itemId: string;
    readonly label: string;
    readonly exportPath?: string;
    readonly sha256?: string;
    readonly originalPath?: string;
    readonly copy?: ExportedCopyFacts;
  }[];
  readonly testimonies: readonly { readonly testimonyId: string; readonly exportPath: string; readonly replacements: number }[];
  readonly missingFields: readonly string[];
  readonly warnings: readonly string[];
  readonly durationMs: number;
};

export type PacketCheckStatus = 'PASS' | 'FAIL';

export const PACKET_CHECKS = [
  'container',
  'bagit.txt',
  'bag-info.txt',
  'payload-oxum',
  'manifest',
  'tagmanifest',
  'signature',
  'public-key',
  'checkpoint',
  'events',
  'proofs',
  'items',
  'witnesses',
] as const;
export type PacketCheckName = (typeof PACKET_CHECKS)[number];

export type PacketCheck = { readonly name: PacketCheckName; readonly status: PacketCheckStatus; readonly reason: string };
/** Why a file failed, as a code the reviewer's screen turns into a sentence in the reviewer's language. */
export const PACKET_FILE_PROBLEMS = ['changed', 'missing', 'added', 'unreadable', 'signature', 'inconsistent'] as const;
export type PacketFileProblem = (typeof PACKET_FILE_PROBLEMS)[number];
/** What a payload file is, read from custody/items.json: an exhibit's copy or encrypted original, or a testimony. */
export type PacketFileAbout = {
  readonly label: string;
  readonly kind: 'copy' | 'original' | 'testimony' | 'credentials';
  readonly mediaType?: string;
  /** When the sender's vault recorded the original (its ingest or testimony event), ISO 8601. */
  readonly recordedAt?: string;
};
export type PacketFileRow = {
  readonly path: string;
  readonly status: PacketCheckStatus;
  /** The verifier's technical reason (English, for the folded detail and the CLI). */
  readonly reason: string;
  /** The first problem of a FAIL row, as a code. */
  readonly problem?: PacketFileProblem;
  readonly about?: PacketFileAbout;
};

export type PacketVerifyReport = {
  readonly ok: boolean;
  readonly packetId?: string;
  readonly format: 'folder' | 'zip';
  /**
   * 'given': the signatures were checked with a key supplied by the reviewer (proves origin, if the key was
   * obtained out of band); 'packet': with the key inside the packet (proves only that nothing changed after
   * signing: anyone can re-sign a packet with their own key).
   */
  readonly keySource: 'given' | 'packet';
  readonly keyNote: string;
  /**
   * The key the packet says signed it (custody/public-key), so a reviewer can compare it with a key the sender gave
   * separately: its minisign key ID and its minisign public-key line (RW…).
   */
  readonly signer?: { readonly keyId: string; readonly publicKey: string };
  readonly checks: readonly PacketCheck[];
  readonly files: readonly PacketFileRow[];
  /**
   * Present when the packet carries cosigned checkpoints or witness keys were given: per exhibit (E…) and testimony
   * (T…) covered by a cosigned checkpoint, the witnesses whose cosignature verified with a key the reviewer gave,
   * and when each signed (seconds since 1970): the exhibit existed in the vault no later than that.
   */
  readonly witnessed?: readonly PacketWitnessedExhibit[];
};

export type PacketWitnessedExhibit = {
  readonly label: string;
  readonly itemId?: string;
  readonly testimonyId?: string;
  /** The custody event that first records it (ingest, or the testimony revision). */
  readonly seq: number;
  readonly checkpointSize: number;
  readonly attestations: readonly { readonly witness: string; readonly signedAt: number }[];
};
