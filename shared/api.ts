import { z } from 'zod';
import type { ApiError, Result } from './errors';
import type { CustodyEventView, SubjectLabel, VerifyProgress, VerifyReport } from './model/custody';
import type { IngestFileResult, IngestProgress, IngestReport, ItemDetail, ItemSummary } from './model/items';
import {
  CASE_STATUSES,
  CaseCreateInput,
  CaseIdInput,
  CaseItemsInput,
  CaseUpdateInput,
  ConsentIdInput,
  ConsentRecordInput,
  ItemDeleteInput,
  ItemEditInput,
  ItemIdInput,
  LinkCreateInput,
  LinkIdInput,
  PersonCreateInput,
  PersonIdInput,
  PersonRoleInput,
  PersonUpdateInput,
  SearchQuery,
  TagAssignInput,
  TagEditDetailsInput,
  TagRemoveInput,
  TestimonyCreateInput,
  TestimonyEditInput,
  TestimonyIdInput,
  TestimonyItemsInput,
  linkEndpointId,
  tagTargetId,
  type Case,
  type CaseSummary,
  type Consent,
  type ConsentStatus,
  type Link,
  type Person,
  type PersonSummary,
  type SearchResult,
  type TagAssignment,
  type Testimony,
  type TestimonyRevision,
  type TestimonyRevisionSummary,
  type TestimonySummary,
} from './model/catalogue';
import { DraftKey, DraftSaveInput, type Draft, type DraftSummary } from './model/drafts';
import { caseId as caseIdField, personId as personIdField } from './model/fields';
import { LibraryMatch, SelectionAddToCaseInput, SelectionDeleteInput, SelectionTagInput, type SelectionResult } from './model/selection';
import { PacketExportInput, PacketPlanInput, PacketVerifyInput, type PacketExportReport, type PacketPlan, type PacketProgress, type PacketVerifyReport } from './model/packet';
import {
  PullStartInput,
  ReceiveStartInput,
  RemoteAddInput,
  RemoteNameInput,
  SenderCustodyInput,
  ShareStartInput,
  TransferDialogInput,
  TransferPlanInput,
  type ContactView,
  type PullProgress,
  type PullReportView,
  type ReceiveReportView,
  type RemoteTestView,
  type RemoteView,
  type SenderCustodyView,
  type ShareProgress,
  type ShareReport,
  type TransferPlanView,
  type TransferProgress,
} from './model/transfer';
import { BackupTargetInput, type BackupRunProgress, type BackupRunReport, type BackupStatus, type BackupVerifyRunProgress, type BackupVerifyRunReport } from './model/backup';

/**
 * The one API contract between the renderer and the main process (DESIGN §2, STYLE 2–4).
 *
 * - Every method is declared here once: its name, the zod schema of its input, and the TypeScript type of its
 *   output. Handlers in main/ipc validate the input with the schema; the preload (Electron) and the e2e test host
 *   expose exactly these methods (a contract test checks it).
 * - Results cross the boundary as `{ ok, value } | { ok, error: { code, message } }`; never a stack or a key.
 * - Long operations (ingest, export, verify) return an operation id at once, then report through the events
 *   `operation.progress` and `operation.done`; `operations.cancel` stops one.
 * - Events from main to the renderer are typed subscriptions returning an unsubscribe function.
 *
 * Absolute paths cross the boundary only where the user chose them (dialogs, drag-and-drop); evidence file
 * names are shown to the unlocked user, which is the point of the app, but never logged.
 */

// ---------------------------------------------------------------------------------------------- helpers

/** Declares a method: input schema + output type (outputs come from our own main process and are typed only). */
export function method<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output });
}

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{10}$`), `not a ${prefix} id`);
const itemId = id('it');
const path = z.string().min(1).max(4096);
const passphrase = z.string().min(1).max(1024);
export const LANGUAGES = ['en', 'es', 'fr', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
const language = z.enum(LANGUAGES);
const empty = z.object({}).strict();

// ---------------------------------------------------------------------------------------------- shapes

export type SessionState = 'no-vault' | 'locked' | 'unlocked';
export type Settings = { readonly autoLockMinutes: number; readonly language: Language; readonly actor: string; readonly contact: string };
export type SessionStatus = {
  readonly state: SessionState;
  /** The vault folder chosen in this session (or the most recent one), so the unlock screen can offer it. */
  readonly vaultPath?: string;
  readonly vaultId?: string;
  readonly settings: Settings;
};

export const ItemSort = z.enum(['ingested-desc', 'ingested-asc', 'captured-desc', 'captured-asc', 'name-asc', 'size-desc']);
/** The library's filters (shared with selections: "every item that matches"). */
export const ItemFilters = LibraryMatch;

export type ItemPage = { readonly total: number; readonly offset: number; readonly items: readonly ItemSummary[] };

export type OperationKind = 'ingest' | 'verify' | 'export' | 'packet-verify' | 'backup' | 'backup-verify' | 'share' | 'receive' | 'pull';
export type OperationStarted = { readonly operationId: string };

export type ItemVerification = {
  readonly ok: boolean;
  readonly checks: readonly { readonly name: 'content-hash' | 'ingest-event-signature' | 'inclusion-proof' | 'checkpoint-signature'; readonly ok: boolean; readonly detail: string }[];
};

export type ItemView = {
  readonly item: ItemDetail;
  readonly events: readonly CustodyEventView[];
};

/** Where an item sits in the catalogue, for the item view (cases and testimonies that include it). */
export type ItemContext = {
  readonly cases: readonly { readonly id: string; readonly title: string }[];
  readonly testimonies: readonly { readonly id: string; readonly title: string }[];
};

/** `labels`: a human label for each subject of the page that still exists (the id stays one click away). */
export type CustodyPage = { readonly total: number; readonly events: readonly CustodyEventView[]; readonly labels?: Readonly<Record<string, SubjectLabel>> };
export type CheckpointView = { readonly note: string; readonly size: number; readonly root: string; readonly createdAt: string };
export type PublicKeyView = { readonly noteVerifierKey: string; readonly minisignPublicKey: string };

/** A witness this vault trusts (DESIGN §9). `label` is the holder's own name for it and never leaves the vault. */
export type WitnessView = {
  readonly id: number;
  readonly name: string;
  readonly label: string;
  readonly verifierKey: string;
  readonly fingerprint: string;
  readonly addedAt: string;
  /** The largest checkpoint this witness cosigned, and when it signed (seconds since 1970). */
  readonly lastCosigned?: { readonly size: number; readonly signedAt: number };
};
/** What to hand to a witness: the checkpoint and the consistency proof from the size it last cosigned. */
export type WitnessRequestView = {
  readonly text: string;
  readonly oldSize: number;
  readonly size: number;
  /** The same text as a QR code (rows of dark modules), or null when it is too long for one code. */
  readonly qr: readonly (readonly boolean[])[] | null;
  readonly savedTo?: string;
};
export type AddCosignatureView = {
  readonly checkpointSize: number;
  readonly added: readonly { readonly name: string; readonly label: string; readonly signedAt: number }[];
  readonly alreadyKnown: number;
};
export type CosignedCheckpointView = {
  readonly size: number;
  readonly createdAt: string;
  readonly cosignatures: readonly { readonly witnessId: number; readonly name: string; readonly label: string; readonly signedAt: number }[];
};

// ---------------------------------------------------------------------------------------------- methods

export const API = {
  // Session and vault
  'session.status': method<SessionStatus>()(empty),
  'vault.create': method<{ vaultId: string; recoveryKey: string }>()(z.object({ path, passphrase: z.string().min(10).max(1024), language }).strict()),
  'vault.unlock': method<{ vaultId: string }>()(
    z.union([z.object({ path, passphrase }).strict(), z.object({ path, recoveryKey: z.string().min(10).max(200) }).strict()]),
  ),
  /** `reason: 'idle'` when the renderer's idle timer fired, so the unlock screen can say why it locked. */
  'vault.lock': method<Record<string, never>>()(z.object({ reason: z.enum(['user', 'idle']).optional() }).strict()),
  'vault.changePassphrase': method<Record<string, never>>()(z.object({ current: passphrase, next: z.string().min(10).max(1024) }).strict()),
  /** A new recovery key for a new recovery sheet (the old key stops working); the passphrase is asked again. */
  'vault.newRecoveryKey': method<{ recoveryKey: string }>()(z.object({ passphrase }).strict()),

  // Backup (Settings): the last backup, a backup to a folder, a check of a backup folder (long operations).
  'backup.status': method<BackupStatus>()(empty),
  'backup.start': method<OperationStarted>()(BackupTargetInput),
  'backup.verify': method<OperationStarted>()(BackupTargetInput),
  /** A notice shown once per vault: `show` is true the first time only (the vault remembers it was shown). */
  'notices.once': method<{ show: boolean }>()(z.object({ notice: z.enum(['originals-on-disk']) }).strict()),

  // Transfers (issue 15): this vault's contact card, what a bundle would carry, share to a folder or a remote,
  // receive from a folder, pull from a remote (long operations); the vault's S3 remotes (no credentials stored).
  'transfer.contact': method<ContactView>()(empty),
  'transfer.plan': method<TransferPlanView>()(TransferPlanInput),
  'transfer.share': method<OperationStarted>()(ShareStartInput),
  'transfer.receive': method<OperationStarted>()(ReceiveStartInput),
  'transfer.pull': method<OperationStarted>()(PullStartInput),
  'transfer.senderCustody': method<SenderCustodyView | null>()(SenderCustodyInput),
  'remotes.list': method<RemoteView[]>()(empty),
  'remotes.add': method<RemoteView>()(RemoteAddInput),
  'remotes.remove': method<Record<string, never>>()(RemoteNameInput),
  /** Lists this vault's bundles on the remote with the credentials of the environment (opens a connection). */
  'remotes.test': method<RemoteTestView>()(RemoteNameInput),
  /** A contact card file or QR image, a bundle folder to receive, or a folder to write a bundle into. */
  'dialog.chooseTransferPath': method<{ path: string } | null>()(TransferDialogInput),

  // Settings (stored in the vault when unlocked; language also app-wide)
  'settings.get': method<Settings>()(empty),
  'settings.set': method<Settings>()(
    z.object({ autoLockMinutes: z.number().int().min(1).max(240).optional(), language: language.optional(), actor: z.string().min(1).max(100).optional(), contact: z.string().max(300).optional() }).strict(),
  ),

  // Native dialogs (main process). null = the person cancelled.
  'dialog.chooseVaultFolder': method<{ path: string } | null>()(z.object({ mode: z.enum(['create', 'open']) }).strict()),
  'dialog.pickFiles': method<{ paths: string[] } | null>()(z.object({ folders: z.boolean() }).strict()),
  'dialog.choosePacketDestination': method<{ path: string } | null>()(z.object({ suggestedName: z.string().max(200) }).strict()),
  // folder: a packet exported as a folder (a native dialog offers files or folders, not both, on Windows and Linux).
  'dialog.choosePacket': method<{ path: string } | null>()(z.object({ folder: z.boolean().optional() }).strict()),
  'dialog.chooseSaveFile': method<{ path: string } | null>()(z.object({ suggestedName: z.string().max(200) }).strict()),
  'dialog.chooseTextFile': method<{ path: string } | null>()(empty),
  /** A folder (or a drive) to back up to, or a backup folder to check. */
  'dialog.chooseBackupFolder': method<{ path: string } | null>()(empty),

  // Items
  'items.list': method<ItemPage>()(
    z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000), sort: ItemSort, filters: ItemFilters.optional() }).strict(),
  ),
  'items.get': method<ItemView>()(z.object({ id: itemId }).strict()),
  'items.verify': method<ItemVerification>()(z.object({ id: itemId }).strict()),

  'items.context': method<ItemContext>()(z.object({ id: itemId }).strict()),
  'items.edit': method<ItemDetail>()(ItemEditInput),
  'items.delete': method<Record<string, never>>()(ItemDeleteInput),
  'items.restore': method<ItemDetail>()(ItemIdInput),

  // Catalogue (DESIGN §4). Input schemas are the catalogue's own (shared/model/catalogue.ts), so the API refuses
  // exactly what the archive refuses.
  'cases.list': method<CaseSummary[]>()(z.object({ status: z.enum(CASE_STATUSES).optional() }).strict()),
  'cases.get': method<Case>()(CaseIdInput),
  'cases.create': method<Case>()(CaseCreateInput),
  'cases.update': method<Case>()(CaseUpdateInput),
  'cases.delete': method<Record<string, never>>()(CaseIdInput),
  'cases.addItems': method<{ added: number }>()(CaseItemsInput),
  'cases.removeItems': method<{ removed: number }>()(CaseItemsInput),

  // Several items at once (library and search): one call, one transaction (shared/model/selection.ts).
  'selection.addToCase': method<SelectionResult>()(SelectionAddToCaseInput),
  'selection.tag': method<SelectionResult>()(SelectionTagInput),
  'selection.delete': method<SelectionResult>()(SelectionDeleteInput),

  'persons.list': method<PersonSummary[]>()(z.object({ caseId: caseIdField.optional() }).strict()),
  'persons.get': method<Person>()(PersonIdInput),
  'persons.create': method<Person>()(PersonCreateInput),
  'persons.update': method<Person>()(PersonUpdateInput),
  'persons.delete': method<Record<string, never>>()(PersonIdInput),
  'persons.setRole': method<Person>()(PersonRoleInput),
  'persons.removeRole': method<Person>()(PersonRoleInput),

  'testimonies.list': method<TestimonySummary[]>()(z.object({ caseId: caseIdField.optional() }).strict()),
  'testimonies.get': method<Testimony>()(TestimonyIdInput),
  'testimonies.create': method<Testimony>()(TestimonyCreateInput),
  /** Autosave and explicit save: a save over a newer revision than `baseRevision` is refused with CONFLICT. */
  'testimonies.edit': method<Testimony>()(TestimonyEditInput),
  'testimonies.delete': method<Record<string, never>>()(TestimonyIdInput),
  'testimonies.history': method<TestimonyRevisionSummary[]>()(TestimonyIdInput),
  'testimonies.revision': method<TestimonyRevision>()(z.object({ id: TestimonyIdInput.shape.id, revision: z.number().int().min(1) }).strict()),
  'testimonies.linkItems': method<{ added: number }>()(TestimonyItemsInput),
  'testimonies.unlinkItems': method<{ removed: number }>()(TestimonyItemsInput),

  'consent.list': method<Consent[]>()(z.object({ personId: personIdField }).strict()),
  'consent.statuses': method<ConsentStatus[]>()(z.object({ personId: personIdField }).strict()),
  'consent.record': method<Consent>()(ConsentRecordInput),
  'consent.revoke': method<Consent>()(ConsentIdInput),

  'tags.list': method<TagAssignment[]>()(z.object({ targetId: tagTargetId }).strict()),
  'tags.assign': method<TagAssignment>()(TagAssignInput),
  'tags.remove': method<{ removed: number }>()(TagRemoveInput),
  /** New details for one assignment, in one transaction (the old assignment removed, the new one assigned). */
  'tags.editDetails': method<{ assignment: TagAssignment; changed: boolean }>()(TagEditDetailsInput),

  'links.list': method<Link[]>()(z.object({ objectId: linkEndpointId }).strict()),
  'links.create': method<Link>()(LinkCreateInput),
  'links.remove': method<Record<string, never>>()(LinkIdInput),

  'search.query': method<SearchResult>()(SearchQuery),

  // Drafts (shared/model/drafts.ts): what a form holds before it is saved for real, written as the person types,
  // valid or not. Not custody events; deleting a record discards its drafts.
  'drafts.get': method<Draft | null>()(DraftKey),
  'drafts.save': method<{ savedAt: string }>()(DraftSaveInput),
  'drafts.discard': method<{ discarded: boolean }>()(DraftKey),
  'drafts.list': method<DraftSummary[]>()(empty),

  // Submission packets (DESIGN §6). The plan says, before anything is written, what each item becomes, who is
  // named, which fields are missing and what blocks the export; export and verify are long operations.
  'packets.plan': method<PacketPlan>()(PacketPlanInput),
  'packets.export': method<OperationStarted>()(PacketExportInput),
  /** Verifies a packet (ours or anyone's): needs no unlocked vault. */
  'packets.verify': method<OperationStarted>()(PacketVerifyInput),

  // Long operations
  'ingest.start': method<OperationStarted>()(z.object({ paths: z.array(path).min(1).max(10_000) }).strict()),
  'verify.start': method<OperationStarted>()(z.object({ objects: z.boolean() }).strict()),
  'operations.cancel': method<Record<string, never>>()(z.object({ operationId: z.string().uuid() }).strict()),

  // Custody log
  'custody.events': method<CustodyPage>()(z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000), subject: z.string().max(40).optional() }).strict()),
  'custody.checkpoint': method<CheckpointView>()(empty),
  'custody.publicKey': method<PublicKeyView>()(empty),

  // Witnesses (DESIGN §9): offline cosignatures of the custody log's checkpoints (C2SP tlog-cosignature).
  'witnesses.list': method<WitnessView[]>()(empty),
  'witnesses.add': method<WitnessView>()(z.object({ key: z.string().trim().min(1).max(1000), label: z.string().trim().max(200).optional() }).strict()),
  /** The request for one witness (from the size it last cosigned), optionally saved to a file the person chose. */
  'witnesses.request': method<WitnessRequestView>()(z.object({ witnessId: z.number().int().min(1).optional(), saveTo: path.optional() }).strict()),
  /** A returned cosignature, pasted as text or read from a file the person chose; verified before it is stored. */
  'witnesses.addCosignature': method<AddCosignatureView>()(z.union([z.object({ text: z.string().min(1).max(65_536) }).strict(), z.object({ path }).strict()])),
  'witnesses.cosigned': method<CosignedCheckpointView[]>()(empty),
} as const;

export type Api = typeof API;
export type ApiMethod = keyof Api;
export type ApiInput<M extends ApiMethod> = z.input<Api[M]['input']>;
export type ApiParsedInput<M extends ApiMethod> = z.output<Api[M]['input']>;
export type ApiOutput<M extends ApiMethod> = Api[M]['output'];
export const API_METHODS = Object.keys(API) as ApiMethod[];

// ---------------------------------------------------------------------------------------------- events

export type OperationProgress =
  | { readonly kind: 'ingest'; readonly progress: IngestProgress; readonly file?: IngestFileResult }
  | { readonly kind: 'verify'; readonly progress: VerifyProgress }
  | { readonly kind: 'export'; readonly progress: PacketProgress }
  | { readonly kind: 'packet-verify'; readonly progress: PacketProgress }
  | { readonly kind: 'backup'; readonly progress: BackupRunProgress }
  | { readonly kind: 'backup-verify'; readonly progress: BackupVerifyRunProgress }
  | { readonly kind: 'share'; readonly progress: ShareProgress }
  | { readonly kind: 'receive'; readonly progress: TransferProgress }
  | { readonly kind: 'pull'; readonly progress: PullProgress };

export type OperationResult =
  | { readonly kind: 'ingest'; readonly report: IngestReport }
  | { readonly kind: 'verify'; readonly report: VerifyReport }
  | { readonly kind: 'export'; readonly report: PacketExportReport }
  | { readonly kind: 'packet-verify'; readonly report: PacketVerifyReport }
  | { readonly kind: 'backup'; readonly report: BackupRunReport }
  | { readonly kind: 'backup-verify'; readonly report: BackupVerifyRunReport }
  | { readonly kind: 'share'; readonly report: ShareReport }
  | { readonly kind: 'receive'; readonly report: ReceiveReportView }
  | { readonly kind: 'pull'; readonly report: PullReportView };

export type ApiEvents = {
  'operation.progress': { readonly operationId: string } & OperationProgress;
  'operation.done': { readonly operationId: string } & ({ readonly ok: true; readonly result: OperationResult } | { readonly ok: false; readonly error: ApiError });
  /** The vault was locked (on demand, idle, suspend, screen lock, shortcut): the renderer must drop its state. */
  'session.locked': { readonly reason: 'user' | 'idle' | 'suspend' | 'screen-lock' | 'shortcut' | 'menu' };
  /**
   * Previews were stored for these items (issue 19: previews are made after the originals, by an import's second
   * phase or in the background after unlock): a screen showing their placeholders shows the previews instead.
   */
  'items.previewsMade': { readonly itemIds: readonly string[] };
};
export type ApiEventName = keyof ApiEvents;
export const API_EVENTS: readonly ApiEventName[] = ['operation.progress', 'operation.done', 'session.locked', 'items.previewsMade'];

// ---------------------------------------------------------------------------------------------- the bridge

/**
 * What the renderer sees as `window.huella`. The Electron preload and the e2e test host both implement exactly
 * this, built from API_METHODS and API_EVENTS.
 */
export type HuellaBridge = {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<Result<ApiOutput<M>>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** URL of an item's re-encoded preview, served by the main process (never a file:// path). */
  previewUrl(itemId: string): string;
  /** The filesystem path of a file dropped on the window (Electron webUtils), or undefined where unknown. */
  pathForFile(file: File): string | undefined;
};

export const IPC_CHANNEL_PREFIX = 'huella:';
export const IPC_EVENT_PREFIX = 'huella-event:';
export function channelFor(m: ApiMethod): string {
  return `${IPC_CHANNEL_PREFIX}${m}`;
}
