import { z } from 'zod';
import type { ApiError } from '../errors';
import type { CustodyEventView } from './custody';
import { caseId, itemId } from './fields';
import { ItemSelection } from './selection';

/**
 * Sharing a case with another vault, receiving one, and the S3 remotes of a vault, as the app shows them (issue 15
 * item 5). The same transfer bundles as `huella share|receive|push|pull|remote` (main/archive/transfer, remote/).
 */

const path = z.string().min(1).max(4096);
const remoteName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/);
const fingerprintText = z.string().trim().min(32).max(200);

/** Who receives: a contact card as pasted text (the card file's text, or what a QR code holds) or a file the person chose. */
export const RecipientInput = z.union([z.object({ text: z.string().min(1).max(8192) }).strict(), z.object({ path }).strict()]);

const selection = { caseId: caseId.optional(), itemIds: z.array(itemId).max(10_000).optional() };

/**
 * The plan also takes items chosen in the library or in search results (ids, or "everything that matches" minus the
 * ones unticked), resolved in the main process; the share then names exactly the item ids the plan showed.
 */
export const TransferPlanInput = z.object({ recipient: RecipientInput, ...selection, selection: ItemSelection.optional() }).strict();

export const ShareStartInput = z
  .object({
    recipient: RecipientInput,
    ...selection,
    /** A folder (a USB stick…): the bundle is written into a new folder inside it. Or a remote of this vault. */
    to: z.union([z.object({ folder: path }).strict(), z.object({ remote: remoteName }).strict()]),
  })
  .strict();

export const ReceiveStartInput = z
  .object({
    /** A bundle folder (or a folder the bundle folder sits in alone). */
    path,
    /** The person compared the sender's words or fingerprint and they match: pin the sender. */
    acceptNewSender: z.boolean().optional(),
    expectSender: fingerprintText.optional(),
  })
  .strict();

export const PullStartInput = z.object({ remote: remoteName, acceptNewSender: z.boolean().optional(), expectSender: fingerprintText.optional() }).strict();

export const RemoteAddInput = z
  .object({
    name: remoteName,
    /** s3://bucket/prefix */
    url: z.string().trim().regex(/^s3:\/\/\S+$/).max(1100),
    endpoint: z.string().trim().min(1).max(2000).optional(),
    region: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(),
    retentionDays: z.number().int().min(1).max(36_500).optional(),
    allowHttp: z.boolean().optional(),
  })
  .strict();

export const RemoteNameInput = z.object({ name: remoteName }).strict();

export const SenderCustodyInput = z.object({ itemId }).strict();

export const TransferDialogInput = z.object({ purpose: z.enum(['contact', 'bundle', 'destination']) }).strict();

/** A vault's contact card: the line to give (or its QR code), and what people compare. */
export type ContactView = {
  readonly line: string;
  /** 32 hex digits in groups of four. */
  readonly fingerprint: string;
  readonly words: readonly string[];
  /** The card line as a QR code (rows of dark modules), or null when it does not fit one. */
  readonly qr: readonly (readonly boolean[])[] | null;
};

export type CustodyFieldName = 'title' | 'description' | 'place' | 'captureTime' | 'metadata';

/** Exactly what a bundle would carry, before anything is written or sent. */
export type TransferPlanView = {
  readonly recipient: { readonly fingerprint: string; readonly words: readonly string[] };
  readonly case?: { readonly id: string; readonly title: string; readonly country?: string; readonly hasSummary: boolean };
  readonly items: readonly {
    readonly itemId: string;
    readonly label: string;
    readonly size: number;
    readonly mediaType: string;
    readonly fields: readonly CustodyFieldName[];
    readonly events: readonly string[];
  }[];
  readonly bytes: number;
};

export type ShareProgress = { readonly phase: 'writing' | 'uploading'; readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number };

export type ShareReport = {
  readonly bundleId: string;
  /** The bundle folder written, or the remote it was pushed to. */
  readonly folder?: string;
  readonly remote?: string;
  readonly items: number;
  readonly bytes: number;
  readonly transferSeq: number;
  readonly recipient: string;
  /** Bundles of earlier, interrupted pushes finished by this one. */
  readonly resumed: number;
};

export type TransferProgress = { readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number };

/** A pull: which bundle of how many, and where in it (files downloaded, then objects checked and received). */
export type PullProgress = {
  readonly bundleId: string;
  readonly bundle: number;
  readonly bundles: number;
  readonly phase: 'downloading' | 'checking';
  readonly done: number;
  readonly total: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
};

export type ReceiveReportView = {
  readonly bundleId: string;
  readonly sender: { readonly fingerprint: string; readonly words: readonly string[]; readonly origin: string; readonly newlyPinned: boolean };
  readonly items: readonly { readonly itemId: string; readonly status: 'received' | 'duplicate'; readonly sha256: string; readonly size: number }[];
  readonly caseId?: string;
  readonly checkpointSize: number;
};

export type PulledBundleView =
  | { readonly bundleId: string; readonly status: 'received'; readonly report: ReceiveReportView }
  | { readonly bundleId: string; readonly status: 'already-received' | 'unfinished' }
  | { readonly bundleId: string; readonly status: 'refused'; readonly error: ApiError };

export type PullReportView = { readonly remote: string; readonly bundles: readonly PulledBundleView[] };

export type RemoteView = {
  readonly name: string;
  readonly url: string;
  readonly endpoint: string | null;
  readonly region: string | null;
  readonly retentionDays: number | null;
  readonly createdAt: string;
};

/** A remote reached with the credentials of the environment: where they came from, and the bucket's Object Lock. */
export type RemoteTestView = { readonly credentials: 'environment' | 'profile'; readonly objectLock: boolean; readonly bundlesForThisVault: number };

/**
 * A received item's link in the sender's vault (what the receipt kept, each event verified against the sender's
 * signed checkpoint when it was received): the sender's custody events about it, then this vault's own.
 */
export type SenderCustodyView = {
  readonly sender: { readonly fingerprint: string; readonly words: readonly string[] };
  readonly origin: string;
  /** The sender's signed events, their canonical bytes as received. */
  readonly events: readonly CustodyEventView[];
};
