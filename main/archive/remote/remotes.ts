import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { addRemote, getRemote, listRemotes, removeRemote, type Remote } from '../db/transfers';
import { HuellaError } from '../errors';
import { BUNDLE_FILES, parseBundleManifest } from '../transfer/format';
import { createBundle, type CreateBundleInput, type CreateBundleReport } from '../transfer/create';
import type { Vault } from '../vault/vault';
import { pushBundle, type PushProgress, type PushReport } from './bundles';
import { remoteConfig, S3Remote } from './s3';
import { formatS3Url, parseEndpoint, parseS3Url } from './url';

/**
 * Remotes of a vault (`huella remote add|list|remove`) and pushing to them. A remote is a name for an s3:// address,
 * an optional endpoint, region and Object Lock retention; it holds no credentials (credentials.ts).
 *
 * Push goes through the vault's outbox (transfers/outbox/<bundle id>/, ciphertext only): the bundle is written
 * there whole first, then uploaded, then removed. The outbox bundle holds no copy of the originals: per object only
 * its new age header (create.ts, objects: 'reference'); the upload streams that header and then the payload from the
 * blob store, so pushing 1 GiB reads it twice (hash, upload) and writes nothing. A push killed at any moment leaves the bundle in the outbox, and
 * the next `huella push` to any remote resumes it before anything else.
 */

export type RemoteInput = {
  readonly name: string;
  readonly url: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly allowHttp?: boolean;
  readonly retentionDays?: number;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export function addVaultRemote(vault: Vault, input: RemoteInput): Remote {
  if (!NAME.test(input.name)) throw new HuellaError('INVALID_INPUT', 'A remote name is 1-40 letters, digits, ".", "_" or "-".');
  const loc = parseS3Url(input.url);
  if (input.endpoint) parseEndpoint(input.endpoint, input.allowHttp ?? false);
  if (input.retentionDays !== undefined && (!Number.isInteger(input.retentionDays) || input.retentionDays < 1 || input.retentionDays > 36_500)) {
    throw new HuellaError('INVALID_INPUT', 'The retention is a whole number of days between 1 and 36500.');
  }
  if (getRemote(vault.store, input.name)) throw new HuellaError('CONFLICT', `This vault already has a remote named "${input.name}".`);
  const remote: Remote = {
    name: input.name,
    url: formatS3Url(loc),
    endpoint: input.endpoint ? parseEndpoint(input.endpoint, input.allowHttp ?? false).url : null,
    region: input.region ?? null,
    allowHttp: input.allowHttp ?? false,
    retentionDays: input.retentionDays ?? null,
    createdAt: new Date().toISOString(),
  };
  remoteConfig(remote); // the whole configuration must be usable before it is saved
  addRemote(vault.store, remote);
  return remote;
}

export function vaultRemotes(vault: Vault): Remote[] {
  return listRemotes(vault.store);
}

export function removeVaultRemote(vault: Vault, name: string): void {
  if (!removeRemote(vault.store, name)) throw new HuellaError('NOT_FOUND', `This vault has no remote named "${name}".`);
}

export function openRemote(vault: Vault, name: string): S3Remote {
  const r = getRemote(vault.store, name);
  if (!r) throw new HuellaError('NOT_FOUND', `This vault has no remote named "${name}". Add one with huella remote add.`);
  return new S3Remote(remoteConfig(r));
}

export function outboxDir(vault: Vault): string {
  return path.join(vault.dir, 'transfers', 'outbox');
}

/** Bundles written to the outbox but not yet pushed whole (oldest first). */
export async function pendingOutbox(vault: Vault): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(outboxDir(vault));
  } catch {
    return [];
  }
  // A push killed between writing the bundle and naming it by its id left a finished `.new-*` folder: name it now.
  // A bundle killed while being written (`..new-*.partial-*`) was never finished, and one killed while being removed
  // after its push (`.pushed-*`) is already sent: remove them.
  for (const n of names.filter((x) => x.startsWith('.'))) {
    const full = path.join(outboxDir(vault), n);
    const finished = n.startsWith('.new-') && (await fsp.access(path.join(full, BUNDLE_FILES.signature)).then(() => true, () => false));
    if (finished) {
      const id = parseBundleManifest(await fsp.readFile(path.join(full, BUNDLE_FILES.manifest))).bundleId;
      await fsp.rename(full, path.join(outboxDir(vault), id));
      names.push(id);
    } else {
      await fsp.rm(full, { recursive: true, force: true });
    }
  }
  return [...new Set(names.filter((n) => /^[a-z2-7]{26}$/.test(n)))].sort().map((n) => path.join(outboxDir(vault), n));
}

/**
 * Removes a bundle pushed whole from the outbox. Renamed out of the pending names first (one atomic step), then
 * deleted: a push killed during the deletion leaves a hidden `.pushed-*` folder that the next pendingOutbox clears,
 * never a half-deleted folder under the bundle's id, which every later push would try, and fail, to send
 * ("bundle.json is missing": the crash campaign's kills found it).
 */
async function removePushed(dir: string): Promise<void> {
  const gone = path.join(path.dirname(dir), `.pushed-${path.basename(dir)}`);
  await fsp.rename(dir, gone);
  await fsp.rm(gone, { recursive: true, force: true });
}

export type PushOptions = { readonly signal?: AbortSignal; readonly onProgress?: (p: PushProgress & { readonly bundle: number; readonly bundles: number }) => void };

export type PushAllReport = { readonly created?: CreateBundleReport; readonly pushed: readonly PushReport[] };

/** Makes a bundle for `input` (if given) in the outbox, then pushes every pending outbox bundle to `remoteName`. */
export async function pushToRemote(vault: Vault, remoteName: string, input: CreateBundleInput | undefined, options: PushOptions = {}): Promise<PushAllReport> {
  const remote = openRemote(vault, remoteName);
  try {
    let created: CreateBundleReport | undefined;
    if (input) {
      await fsp.mkdir(outboxDir(vault), { recursive: true, mode: 0o700 });
      // createBundle writes to a new folder; the outbox name is the bundle id, so rename once it is whole.
      const staging = path.join(outboxDir(vault), `.new-${crypto.randomBytes(6).toString('hex')}`);
      created = await createBundle(vault, staging, input, { objects: 'reference', ...(options.signal ? { signal: options.signal } : {}) });
      const final = path.join(outboxDir(vault), created.bundleId);
      await fsp.rename(staging, final);
      created = { ...created, dir: final };
    }
    const pending = await pendingOutbox(vault);
    const pushed: PushReport[] = [];
    for (const [i, dir] of pending.entries()) {
      const r = await pushBundle(remote, dir, {
        blobs: vault.blobs,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.onProgress?.({ ...p, bundle: i, bundles: pending.length }),
      });
      await removePushed(dir);
      pushed.push(r);
    }
    return { ...(created ? { created } : {}), pushed };
  } finally {
    remote.destroy();
  }
}
