import fsp from 'node:fs/promises';
import path from 'node:path';
import { HuellaError, fromSystemError } from '../archive/errors';
import { pullBundles, REMOTE_BUNDLES } from '../archive/remote/bundles';
import { resolveCredentials } from '../archive/remote/credentials';
import { addVaultRemote, openRemote, pushToRemote, removeVaultRemote, vaultRemotes } from '../archive/remote/remotes';
import { createBundle, planBundle, receiveBundle, type ContactCard, type ReceiveReport } from '../archive/transfer';
import { contactFingerprint, contactLine, displayFingerprint, fingerprintWords, parseContactCard, vaultContactCard } from '../archive/transfer/contact';
import { readContactCardFromImage } from '../archive/transfer/contact-qr';
import { BUNDLE_FILES } from '../archive/transfer/format';
import { senderCustodyView } from '../archive/transfer/packet-links';
import { resolveSelection } from '../archive/items/selection';
import { qrMatrix } from '../archive/witness/qr';
import type { ApiParsedInput } from '../../shared/api';
import type { ErrorCode } from '../../shared/errors';
import type { ContactView, ReceiveReportView, RemoteView } from '../../shared/model/transfer';
import type { Handlers } from './handlers';
import type { Session } from './session';

type TransferMethods =
  | 'transfer.contact'
  | 'transfer.plan'
  | 'transfer.share'
  | 'transfer.receive'
  | 'transfer.pull'
  | 'transfer.senderCustody'
  | 'remotes.list'
  | 'remotes.add'
  | 'remotes.remove'
  | 'remotes.test'
  | 'dialog.chooseTransferPath';

/** A contact card file is one short line with comments; an image of its QR code is larger. */
const MAX_CARD_TEXT = 64 * 1024;

/**
 * Share a case, Receive, and Settings → Remotes (issue 15 item 5): the same createBundle, receiveBundle,
 * pushToRemote and pullBundles as `huella share|receive|push|pull`, run as long operations with progress and cancel.
 * Only push, pull and the remote test open connections (through the S3 client's network permit, remote/s3.ts), and
 * only to the remote's endpoint. Credentials come from the environment or the AWS profile, as for the CLI; the app
 * never asks for them and never stores them.
 */
export function transferHandlers(session: Session): Pick<Handlers, TransferMethods> {
  return {
    async 'dialog.chooseTransferPath'(input) {
      const p = await session.dialogs.chooseTransferPath(input.purpose);
      return p ? { path: p } : null;
    },
    async 'transfer.contact'() {
      return contactView(vaultContactCard(session.requireVault()));
    },
    async 'transfer.plan'(input) {
      const vault = session.requireVault();
      const recipient = await recipientOf(input.recipient);
      // Items chosen in the library or search results: resolved here, so "all that match" never ships the ids.
      const chosen = input.selection ? resolveSelection(vault, input.selection) : [];
      const plan = planBundle(vault, selection(recipient, { ...input, itemIds: [...(input.itemIds ?? []), ...chosen] }));
      return { ...plan, recipient: { fingerprint: displayFingerprint(plan.recipientFingerprint), words: fingerprintWords(plan.recipientFingerprint) } };
    },
    async 'transfer.share'(input) {
      const vault = session.requireVault();
      const recipient = await recipientOf(input.recipient);
      const what = selection(recipient, input);
      planBundle(vault, what); // refuse an empty or unknown selection before the operation starts
      const to = input.to;
      if ('remote' in to) openRemote(vault, to.remote).destroy(); // an unknown remote or missing credentials: said now
      const fp = contactFingerprint(recipient);
      const operationId = session.startOperation('share', async (signal, progress) => {
        if ('folder' in to) {
          const dest = await newBundleFolder(to.folder);
          const r = await createBundle(vault, dest, what, { signal, onProgress: (p) => progress({ kind: 'share', progress: { phase: 'writing', ...p } }, p.done === p.total) });
          return { kind: 'share', report: { bundleId: r.bundleId, folder: r.dir, items: r.items, bytes: r.bytes, transferSeq: r.transferSeq, recipient: displayFingerprint(fp), resumed: 0 } };
        }
        const r = await pushToRemote(vault, to.remote, what, {
          signal,
          onProgress: (p) => progress({ kind: 'share', progress: { phase: 'uploading', done: p.file, total: p.files, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal } }),
        });
        const created = r.created!;
        return {
          kind: 'share',
          report: {
            bundleId: created.bundleId,
            remote: to.remote,
            items: created.items,
            bytes: created.bytes,
            transferSeq: created.transferSeq,
            recipient: displayFingerprint(fp),
            resumed: r.pushed.filter((p) => p.bundleId !== created.bundleId).length,
          },
        };
      });
      return { operationId };
    },
    async 'transfer.receive'(input) {
      const vault = session.requireVault();
      const dir = await bundleFolder(input.path);
      const operationId = session.startOperation('receive', async (signal, progress) => {
        const r = await receiveBundle(vault, dir, {
          ...(input.acceptNewSender ? { acceptNewSender: true } : {}),
          ...(input.expectSender ? { expectSender: input.expectSender } : {}),
          signal,
          onProgress: (p) => progress({ kind: 'receive', progress: p }, p.done === p.total),
        });
        return { kind: 'receive', report: receiveView(r) };
      });
      return { operationId };
    },
    async 'transfer.pull'(input) {
      const vault = session.requireVault();
      const remote = openRemote(vault, input.remote);
      const operationId = session.startOperation('pull', async (signal, progress) => {
        try {
          const r = await pullBundles(vault, remote, {
            ...(input.acceptNewSender ? { acceptNewSender: true } : {}),
            ...(input.expectSender ? { expectSender: input.expectSender } : {}),
            signal,
            onPull: (p) => progress({ kind: 'pull', progress: p }, p.done === p.total),
          });
          return {
            kind: 'pull',
            report: {
              remote: input.remote,
              bundles: r.bundles.map((b) =>
                b.status === 'received'
                  ? { bundleId: b.bundleId, status: 'received' as const, report: receiveView(b.report) }
                  : b.status === 'refused'
                    ? { bundleId: b.bundleId, status: 'refused' as const, error: { ...b.error, code: b.error.code as ErrorCode } }
                    : { bundleId: b.bundleId, status: b.status },
              ),
            },
          };
        } finally {
          remote.destroy();
        }
      });
      return { operationId };
    },
    async 'transfer.senderCustody'(input) {
      return senderCustodyView(session.requireVault(), input.itemId);
    },
    async 'remotes.list'() {
      return vaultRemotes(session.requireVault()).map(remoteView);
    },
    async 'remotes.add'(input) {
      return remoteView(addVaultRemote(session.requireVault(), input));
    },
    async 'remotes.remove'(input) {
      removeVaultRemote(session.requireVault(), input.name);
      return {};
    },
    async 'remotes.test'(input) {
      const vault = session.requireVault();
      const credentials = process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY ? 'environment' : 'profile';
      resolveCredentials(); // says which credentials are missing before any connection
      const remote = openRemote(vault, input.name);
      try {
        const root = `${REMOTE_BUNDLES}/${contactFingerprint(vaultContactCard(vault))}/`;
        const mine = await remote.list(root);
        const bundles = new Set(mine.map((o) => o.key.slice(remote.key(root).length).split('/')[0])).size;
        return { credentials, objectLock: await remote.objectLockEnabled(), bundlesForThisVault: bundles };
      } finally {
        remote.destroy();
      }
    },
  };
}

function contactView(card: ContactCard): ContactView {
  const fp = contactFingerprint(card);
  const line = contactLine(card);
  return { line, fingerprint: displayFingerprint(fp), words: fingerprintWords(fp), qr: qrMatrix(line) };
}

function selection(recipient: ContactCard, input: { readonly caseId?: string | undefined; readonly itemIds?: readonly string[] | undefined }) {
  return { recipient, ...(input.caseId ? { caseId: input.caseId } : {}), itemIds: input.itemIds ?? [] };
}

/** The recipient's card from pasted text (the card or what its QR code holds) or from a card file or a QR image. */
async function recipientOf(r: ApiParsedInput<'transfer.plan'>['recipient']): Promise<ContactCard> {
  if ('text' in r) return parseContactCard(r.text);
  let head: Buffer;
  try {
    const fh = await fsp.open(r.path, 'r');
    try {
      const { size } = await fh.stat();
      head = Buffer.alloc(Math.min(size, MAX_CARD_TEXT));
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fromSystemError(e, 'reading the contact card');
  }
  const text = head.toString('utf8');
  if (text.includes('huella-contact-v1 ')) return parseContactCard(text);
  return readContactCardFromImage(r.path);
}

/** A new folder for the bundle inside the chosen one: huella-bundle-<date>-<time>[-n]. */
async function newBundleFolder(parent: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  for (let n = 0; n < 100; n++) {
    const dest = path.join(parent, `huella-bundle-${stamp}${n ? `-${n}` : ''}`);
    try {
      await fsp.lstat(dest);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return dest;
      throw fromSystemError(e, 'choosing a name for the bundle folder');
    }
  }
  throw new HuellaError('CONFLICT', 'Too many bundles in that folder already; choose another folder.');
}

/** The bundle folder itself, or the one bundle folder inside the chosen folder (a USB stick's root). */
async function bundleFolder(chosen: string): Promise<string> {
  const has = (d: string) => fsp.access(path.join(d, BUNDLE_FILES.manifest)).then(() => true, () => false);
  if (await has(chosen)) return chosen;
  let entries: string[];
  try {
    entries = (await fsp.readdir(chosen, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (e) {
    throw fromSystemError(e, 'reading the chosen folder');
  }
  const inside = [];
  for (const n of entries) if (await has(path.join(chosen, n))) inside.push(path.join(chosen, n));
  if (inside.length === 1) return inside[0]!;
  return chosen; // receive says precisely what is missing
}

function receiveView(r: ReceiveReport): ReceiveReportView {
  return {
    bundleId: r.bundleId,
    sender: { fingerprint: r.sender.display, words: r.sender.words, origin: r.sender.origin, newlyPinned: r.sender.newlyPinned },
    items: r.items.map((it) => ({ itemId: it.itemId, status: it.status, sha256: it.sha256, size: it.size })),
    ...(r.caseId ? { caseId: r.caseId } : {}),
    checkpointSize: r.checkpoint.size,
  };
}

function remoteView(r: { name: string; url: string; endpoint: string | null; region: string | null; retentionDays: number | null; createdAt: string }): RemoteView {
  return { name: r.name, url: r.url, endpoint: r.endpoint, region: r.region, retentionDays: r.retentionDays, createdAt: r.createdAt };
}
