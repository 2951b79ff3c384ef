import crypto from 'node:crypto';
import type { MessageParams } from '../../../shared/errors';
// Where a pull is: the shared model's type, so what the app shows and what this module reports cannot drift apart.
import type { PullProgress } from '../../../shared/model/transfer';
import { z } from 'zod';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { HuellaError, fromSystemError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { receivedBundle } from '../db/transfers';
import { contactFingerprint, vaultContactCard } from '../transfer/contact';
import { BUNDLE_FILES, BUNDLE_ID, parseBundleManifest, type BundleManifest } from '../transfer/format';
import { OUTBOX_REFS, OUTBOX_REFS_FORMAT, type OutboxRef } from '../transfer/create';
import { receiveBundle, type ReceiveOptions, type ReceiveReport } from '../transfer/receive';
import type { BlobStore } from '../blobs/store';
import type { Vault } from '../vault/vault';
import type { S3Remote } from './s3';

/**
 * Transfer bundles on an S3 remote (DESIGN §9): a bundle folder is stored as is under
 *
 *   <prefix>/bundles/<recipient fingerprint>/<bundle id>/{bundle.json, bundle.json.minisig, records.age, custody.age, objects/<name>}
 *
 * so the bucket holds exactly what the folder holds (ciphertext, signed records; names are keyed hashes) and a
 * recipient lists only its own bundles. Push uploads every file that is not already there whole (same size and
 * recorded SHA-256), the signature last: a bundle without its signature on the remote is unfinished, never pulled,
 * and the next push completes it — a push killed at any moment loses nothing and sends nothing twice. Pull
 * downloads into the vault's transfers/inbox/, checks and receives with the same code as a folder (receive.ts),
 * skips bundles already received, and removes the local copy once the receipt committed.
 */

export const REMOTE_BUNDLES = 'bundles';

export type PushProgress = { readonly file: number; readonly files: number; readonly bytesDone: number; readonly bytesTotal: number };

export type PushReport = {
  readonly bundleId: string;
  readonly recipient: string;
  readonly remote: string;
  readonly uploaded: number;
  readonly alreadyThere: number;
  readonly bytesUploaded: number;
  readonly retentionDays: number | null;
};

function bundlePrefix(recipient: string, bundleId: string): string {
  return `${REMOTE_BUNDLES}/${recipient}/${bundleId}/`;
}

/** The files of a finished bundle folder, the signature last. */
function bundleFiles(manifest: BundleManifest, manifestSize: number, signatureSize: number): BundleFile[] {
  return [
    ...manifest.objects.map((o) => ({ rel: `${BUNDLE_FILES.objects}/${o.name}`, size: o.size, sha256: o.sha256 })),
    { rel: BUNDLE_FILES.records, ...manifest.records },
    { rel: BUNDLE_FILES.custody, ...manifest.custody },
    { rel: BUNDLE_FILES.manifest, size: manifestSize },
    { rel: BUNDLE_FILES.signature, size: signatureSize },
  ];
}

/** Objects uploaded at once (each also multipart with several parts in flight, s3.ts): a few, as rclone's --transfers. */
export const OBJECTS_IN_FLIGHT = 3;

export type PushBundleOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PushProgress) => void;
  readonly now?: Date;
  /** The vault's blob store, for an outbox bundle whose objects are references (create.ts, objects: 'reference'). */
  readonly blobs?: BlobStore;
};

/** What a push sends and where: read from the bundle folder and the remote's listing before anything is sent. */
type PushPlan = {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly refs: ReadonlyMap<string, OutboxRef>;
  readonly prefix: string;
  readonly files: readonly BundleFile[];
  /** Keys already on the remote, with their sizes. */
  readonly present: ReadonlyMap<string, number>;
  /** Days under Object Lock, or null when the remote keeps no retention. */
  readonly retention: number | null;
};

async function planPush(remote: S3Remote, bundleDir: string, options: PushBundleOptions): Promise<PushPlan> {
  const dir = path.resolve(bundleDir);
  const manifestBytes = await readLocal(dir, BUNDLE_FILES.manifest);
  const signature = await readLocal(dir, BUNDLE_FILES.signature);
  const manifest = parseBundleManifest(manifestBytes);
  const refs = await readOutboxRefs(dir, manifest);
  if (refs.size > 0 && !options.blobs) throw new HuellaError('INTERNAL', 'This outbox bundle refers to the vault\'s objects: push it with its vault open.');
  const prefix = bundlePrefix(manifest.recipient.fingerprint, manifest.bundleId);
  const files = bundleFiles(manifest, manifestBytes.length, signature.length);
  const present = new Map((await remote.list(prefix)).map((o) => [o.key, o.size]));
  const retention = remote.config.retentionDays !== null && (await remote.objectLockEnabled()) ? remote.config.retentionDays : null;
  if (remote.config.retentionDays !== null && retention === null) {
    throw new HuellaError('INVALID_INPUT', `This remote is set to keep objects ${remote.config.retentionDays} days under Object Lock, but the bucket has no Object Lock. Nothing was sent; create the bucket with Object Lock or remove the retention from the remote.`);
  }
  return { dir, manifest, refs, prefix, files, present, retention };
}

/** One push under way: its plan, what it has sent so far, and the progress it reports. */
class BundlePush {
  bytesDone = 0;
  filesDone = 0;
  uploaded = 0;
  bytesUploaded = 0;
  alreadyThere = 0;
  readonly #bytesTotal: number;

  constructor(
    readonly remote: S3Remote,
    readonly plan: PushPlan,
    readonly options: PushBundleOptions,
  ) {
    this.#bytesTotal = plan.files.reduce((a, f) => a + f.size, 0);
  }

  progress(): void {
    this.options.onProgress?.({ file: this.filesDone, files: this.plan.files.length, bytesDone: this.bytesDone, bytesTotal: this.#bytesTotal });
  }

  /** Sends one file unless the remote already has it whole (same size and SHA-256), then retains it if asked. */
  async file(f: BundleFile, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    const key = this.remote.key(this.plan.prefix + f.rel);
    const local = path.join(this.plan.dir, ...f.rel.split('/'));
    const sha256 = f.sha256 ?? (await hashLocal(local));
    if (this.plan.present.get(key) === f.size && (await this.remote.head(key))?.sha256 === sha256) {
      this.alreadyThere++;
      this.bytesDone += f.size;
    } else {
      await this.#upload(f, key, local, { sha256, size: f.size, ...(signal ? { signal } : {}), onBytes: (n: number) => { this.bytesDone += n; this.progress(); } });
      if (this.plan.retention !== null) await this.remote.retain(key, this.plan.retention, this.options.now);
      this.uploaded++;
      this.bytesUploaded += f.size;
    }
    this.filesDone++;
    this.progress();
  }

  /** An outbox reference is streamed from the vault's object, rewrapped; a folder file is sent as it is on disk. */
  async #upload(f: BundleFile, key: string, local: string, upload: { sha256: string; size: number; signal?: AbortSignal; onBytes: (n: number) => void }): Promise<void> {
    const ref = this.plan.refs.get(f.rel);
    if (ref) {
      const stream = await this.options.blobs!.openRewrapped(ref.vaultObject, Buffer.from(ref.header, 'base64'), ref.payloadOffset, f.size);
      await this.remote.putStream(() => stream, key, upload);
      return;
    }
    const stat = await fsp.stat(local).catch((e: unknown) => {
      throw fromSystemError(e, 'reading the bundle to push');
    });
    if (stat.size !== f.size) throw new HuellaError('PACKET_INVALID', `${f.rel} in the bundle folder is ${stat.size} bytes but bundle.json lists ${f.size}: the folder is damaged; nothing more was sent.`);
    await this.remote.putFile(local, key, upload);
  }
}

/**
 * Runs `fn` over `items`, `limit` at a time. The first failure aborts the signal the others were given (an upload
 * in flight stops), and this returns, or throws that failure, only once none is still running.
 */
async function allOrStop<T>(items: readonly T[], limit: number, outer: AbortSignal | undefined, fn: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
  let next = 0;
  let firstError: { reason: unknown } | undefined;
  await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      try {
        while (next < items.length) await fn(items[next++]!, signal);
      } catch (e) {
        firstError ??= { reason: e };
        stop.abort();
      }
    }),
  );
  if (firstError) throw firstError.reason;
}

export async function pushBundle(remote: S3Remote, bundleDir: string, options: PushBundleOptions = {}): Promise<PushReport> {
  const plan = await planPush(remote, bundleDir, options);
  const push = new BundlePush(remote, plan, options);
  // The objects several at a time, then records, custody, bundle.json and its signature one by one, the signature
  // last: it reaches the bucket only once every other file of the bundle is there whole.
  const objects = plan.files.filter((f) => f.rel.startsWith(`${BUNDLE_FILES.objects}/`));
  await allOrStop(objects, OBJECTS_IN_FLIGHT, options.signal, (f, signal) => push.file(f, signal));
  for (const f of plan.files.slice(objects.length)) await push.file(f, options.signal);
  const { manifest, prefix, retention } = plan;
  return { bundleId: manifest.bundleId, recipient: manifest.recipient.fingerprint, remote: remote.key(prefix), uploaded: push.uploaded, alreadyThere: push.alreadyThere, bytesUploaded: push.bytesUploaded, retentionDays: retention };
}

type BundleFile = { rel: string; size: number; sha256?: string };

const outboxRefsSchema = z
  .object({
    format: z.literal(OUTBOX_REFS_FORMAT),
    version: z.literal(1),
    objects: z.array(z.object({ name: z.string(), vaultObject: z.string().regex(/^[0-9a-f]{64}$/), header: z.string().max(65_536), payloadOffset: z.number().int().positive(), size: z.number().int().nonnegative() }).strict()),
  })
  .strict();

/** The outbox references of a bundle made with objects: 'reference' (empty for a folder bundle), each matching bundle.json. */
async function readOutboxRefs(dir: string, manifest: BundleManifest): Promise<Map<string, OutboxRef>> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path.join(dir, OUTBOX_REFS));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return new Map();
    throw fromSystemError(e, `reading ${OUTBOX_REFS} of the outbox bundle`);
  }
  let parsed;
  try {
    parsed = outboxRefsSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', `${OUTBOX_REFS} of outbox bundle ${manifest.bundleId} is damaged; nothing was sent.`, { cause: e });
  }
  const listed = new Map(manifest.objects.map((o) => [o.name, o.size]));
  const out = new Map<string, OutboxRef>();
  for (const r of parsed.objects) {
    if (listed.get(r.name) !== r.size) throw new HuellaError('FORMAT_INVALID', `${OUTBOX_REFS} of outbox bundle ${manifest.bundleId} does not match its bundle.json; nothing was sent.`);
    out.set(`${BUNDLE_FILES.objects}/${r.name}`, r);
  }
  return out;
}

async function readLocal(dir: string, name: string): Promise<Buffer> {
  try {
    return await fsp.readFile(path.join(dir, name));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new HuellaError('PACKET_INVALID', `That folder is not a finished transfer bundle: ${name} is missing.`);
    throw fromSystemError(e, `reading ${name} of the bundle`);
  }
}

async function hashLocal(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  h.update(await fsp.readFile(file));
  return h.digest('hex');
}

export type PulledBundle =
  | { readonly bundleId: string; readonly status: 'received'; readonly report: ReceiveReport }
  | { readonly bundleId: string; readonly status: 'already-received' | 'unfinished' }
  | { readonly bundleId: string; readonly status: 'refused'; readonly error: { readonly code: string; readonly message: string; readonly key?: string; readonly params?: MessageParams; readonly details?: Readonly<Record<string, string | number | boolean>> } };

export type PullReport = { readonly remote: string; readonly bundles: readonly PulledBundle[] };

/** The local folder a pull downloads into (ciphertext only, removed after the receipt). */
export function inboxDir(vault: Vault, bundleId: string): string {
  return path.join(vault.dir, 'transfers', 'inbox', bundleId);
}

export async function pullBundles(vault: Vault, remote: S3Remote, options: ReceiveOptions & { readonly onPull?: (p: PullProgress) => void } = {}): Promise<PullReport> {
  const me = contactFingerprint(vaultContactCard(vault));
  const root = `${REMOTE_BUNDLES}/${me}/`;
  const listing = await remote.list(root);
  const byBundle = new Map<string, Map<string, number>>();
  for (const o of listing) {
    const rest = o.key.slice(remote.key(root).length);
    const id = rest.slice(0, rest.indexOf('/'));
    if (!BUNDLE_ID.test(id)) continue;
    const files = byBundle.get(id) ?? new Map<string, number>();
    files.set(rest.slice(id.length + 1), o.size);
    byBundle.set(id, files);
  }
  const out: PulledBundle[] = [];
  const bundles = [...byBundle].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [index, [bundleId, files]] of bundles.entries()) {
    options.signal?.throwIfAborted();
    const at = { bundleId, bundle: index + 1, bundles: bundles.length };
    if (receivedBundle(vault.store, bundleId)) {
      out.push({ bundleId, status: 'already-received' });
      continue;
    }
    if (!files.has(BUNDLE_FILES.signature)) {
      out.push({ bundleId, status: 'unfinished' });
      continue;
    }
    const local = inboxDir(vault, bundleId);
    try {
      const listed = { files: files.size, bytes: [...files.values()].reduce((a, n) => a + n, 0) };
      await download(remote, `${root}${bundleId}/`, local, options.signal, (filesDone, bytesDone) =>
        options.onPull?.({ ...at, phase: 'downloading', done: filesDone, total: listed.files, bytesDone, bytesTotal: listed.bytes }),
      );
      const { onPull, ...receiveOptions } = options;
      const report = await receiveBundle(vault, local, {
        ...receiveOptions,
        onProgress: (p) => {
          options.onProgress?.(p);
          onPull?.({ ...at, phase: 'checking', ...p });
        },
      });
      await fsp.rm(local, { recursive: true, force: true });
      out.push({ bundleId, status: 'received', report });
    } catch (e) {
      await fsp.rm(local, { recursive: true, force: true }).catch(() => undefined);
      if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Pull cancelled. What was already received stays; the rest comes with the next pull.', { cause: e });
      if (!(e instanceof HuellaError) || e.code === 'INTERNAL' || e.code === 'DISK_FULL') throw e;
      out.push({ bundleId, status: 'refused', error: { code: e.code, message: e.message, ...(e.text ? { key: e.text.key, ...(e.text.params ? { params: e.text.params } : {}) } : {}), ...(e.details ? { details: e.details } : {}) } });
    }
  }
  return { remote: remote.key(root), bundles: out };
}

/** Downloads one bundle: bundle.json first (its listing bounds every other file), then the rest. */
async function download(remote: S3Remote, prefix: string, local: string, signal: AbortSignal | undefined, onFiles?: (filesDone: number, bytesDone: number) => void): Promise<void> {
  await fsp.rm(local, { recursive: true, force: true });
  await fsp.mkdir(path.join(local, BUNDLE_FILES.objects), { recursive: true, mode: 0o700 });
  let filesDone = 0;
  let bytesDone = 0;
  const get = async (rel: string, maxBytes: number): Promise<unknown> => {
    const r = await remote.getFile(remote.key(prefix + rel), path.join(local, ...rel.split('/')), {
      maxBytes,
      ...(signal ? { signal } : {}),
      onBytes: (n) => {
        bytesDone += n;
        onFiles?.(filesDone, bytesDone);
      },
    });
    onFiles?.(++filesDone, bytesDone);
    return r;
  };
  await get(BUNDLE_FILES.manifest, 64 * 1024 * 1024);
  await get(BUNDLE_FILES.signature, 16 * 1024);
  const manifest = parseBundleManifest(await fsp.readFile(path.join(local, BUNDLE_FILES.manifest)));
  await get(BUNDLE_FILES.records, manifest.records.size);
  await get(BUNDLE_FILES.custody, manifest.custody.size);
  for (const o of manifest.objects) {
    try {
      await get(`${BUNDLE_FILES.objects}/${o.name}`, o.size);
    } catch (e) {
      if (e instanceof HuellaError && e.code === 'NOT_FOUND') continue; // receive names it as missing
      const status = (e as { cause?: { $metadata?: { httpStatusCode?: number } } }).cause?.$metadata?.httpStatusCode;
      if (status === 404) continue;
      throw e;
    }
  }
  await fsyncDir(local);
}
