import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../../archive/blobs/store';
import { messagesNamingItem, readChat, readChatMessages } from '../../archive/db/chats';
import { limitPageCache, spaceCheckpoints } from '../../archive/db/open';
import { proofModeEntriesOfItem, proofModeFilesOfMedia } from '../../archive/db/proofmode';
import { shutdownIngestWorkers, type IngestFileResult, type IngestProgress } from '../../archive/ingest/ingest';
import { ingestSources, type SourceImport } from '../../archive/sources/ingest-sources';
import { shutdownPgpWorker } from '../../archive/proofmode/pgp-pool';
import { getItem, listItems, openItemContent } from '../../archive/items/items';
import type { ItemDetail, ProofModeRecord } from '../../../shared/model/items';
import type { Command } from '../command';
import { str } from '../command';
import { progressBar } from '../io';
import { withVault } from '../unlock';

/**
 * The database page cache of `huella ingest` (KiB; the app keeps SQLite's 16 MB for its searches). An import touches
 * the tails of its indexes; at 5,000 photos with previews the 16 MB cache filled and the import peaked ~11-14 MB
 * higher than with 4 MB, for the same CPU (issue 19: peak memory of an import ≤ 200 MB).
 */
export const INGEST_PAGE_CACHE_KIB = 4096;

/**
 * The write-ahead log of `huella ingest` is folded into archive.db once it holds this many pages (64 MiB of disk at
 * 4 KiB pages, given back when the vault closes) rather than SQLite's 1,000. An import writes ~8 log pages per file,
 * most of them the same index pages again; at 1,000 pages a 5,000-photo import checkpointed ~40 times, each copy of a
 * page decrypted and re-encrypted (SQLCipher), about 7 % of the main thread's CPU (perf, issue 19).
 */
export const INGEST_CHECKPOINT_PAGES = 16384;

function fileLine(r: IngestFileResult): string {
  const warn = r.warnings.length > 0 ? `  (${r.warnings.map((w) => w.message).join(' ')})` : '';
  switch (r.status) {
    case 'ingested':
      return `ingested   ${r.itemId}  ${r.sha256}  ${String(r.size).padStart(12)}  ${r.mediaType}  ${r.path}${warn}`;
    case 'duplicate':
      return `duplicate  ${r.itemId}  ${r.sha256}  ${String(r.size).padStart(12)}  ${r.mediaType}  ${r.path}  (same bytes as an item already in the vault; stored once)`;
    case 'failed':
    case 'skipped':
      return `${r.status.padEnd(10)} ${r.path}: ${r.error?.message ?? 'unknown error'}`;
  }
}

/** The line `huella ingest` prints for a chat export or a ProofMode bundle, after its files' lines. */
function importLine(i: SourceImport): string {
  if (i.kind === 'chat') {
    const c = i.report;
    return `chat       ${c.chatItemId}  ${c.format}: ${c.messages} messages, ${c.linked} of ${c.messagesWithAttachment} attachments linked to their items${c.missing.length ? ` (not in the export: ${c.missing.join(', ')})` : ''}${c.alreadyImported ? ' (already imported)' : ''}`;
  }
  const b = i.report;
  const media = b.groups.filter((g) => g.mediaItem);
  const sig = b.signatures;
  const verdicts = [`${sig.valid} valid`, ...(sig.invalid ? [`${sig.invalid} INVALID`] : []), ...(sig.unknownKey ? [`${sig.unknownKey} by an unknown key`] : [])].join(', ');
  const lines = [
    `proofmode  ${b.bundleId || '(not recorded)'}  ${media.length} media with ${b.groups.reduce((a, g) => a + g.files.length, 0)} proof files; PGP signatures: ${verdicts}${b.keyFingerprint ? `; key ${b.keyFingerprint}` : ''}${b.alreadyImported ? ' (already imported)' : ''}`,
  ];
  for (const g of b.groups) {
    const signed = g.signature === 'valid' ? 'signature valid' : g.signature === 'invalid' ? 'signature INVALID (the file differs from the one signed, or the signature is damaged)' : g.signature === 'unknown-key' ? 'signed by another key than the bundle\'s' : 'no signature';
    lines.push(`           ${g.mediaItem ?? '(media not in the bundle)'}  ${signed}; proof: ${g.files.map((f) => `${f.role}${f.signature ? ` (${f.signature})` : ''}`).join(', ')}`);
  }
  return lines.join('\n');
}

function importJson(i: SourceImport): Record<string, unknown> {
  if (i.kind === 'chat') {
    const c = i.report;
    return { chat: { itemId: c.chatItemId, format: c.format, messages: c.messages, messagesWithAttachment: c.messagesWithAttachment, linked: c.linked, missing: c.missing, alreadyImported: c.alreadyImported } };
  }
  const { results: _results, ...bundle } = i.report;
  return { proofmode: bundle };
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'add files and folders (recursively) to the vault',
  usage: 'huella ingest <vault> <path>... [--note TEXT] [--no-previews | --no-wait-previews] [--json]',
  options: { note: { type: 'string' }, 'no-previews': { type: 'boolean' }, 'no-wait-previews': { type: 'boolean' } },
  args: [2, Infinity],
  async run([dir, ...paths], values, out) {
    const bar = progressBar(!out.json);
    let previewsAnnounced = false;
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const report = await withVault(dir!, values, async (vault) => {
        limitPageCache(vault.store, INGEST_PAGE_CACHE_KIB);
        spaceCheckpoints(vault.store, INGEST_CHECKPOINT_PAGES);
        const note = str(values, 'note');
        const options = {
          signal: controller.signal,
          previews: !values['no-previews'],
          // Every original is durable and reported first (phase 1); then the previews are made (phase 2), waited
          // for unless --no-wait-previews (they are then made by the next import, or by the app when it opens).
          waitPreviews: !values['no-wait-previews'],
          ...(note ? { sourceNote: note } : {}),
          onProgress: (p: IngestProgress) => {
            if (p.phase === 'previews') {
              if (!previewsAnnounced && (p.previewsTotal ?? 0) > 0) {
                previewsAnnounced = true;
                bar.done();
                out.info(`Every original is stored; making ${p.previewsTotal} preview(s) (--no-wait-previews to leave them for later)…`);
              }
              bar.update(p.previewsDone ?? 0, p.previewsTotal ?? 0, `${p.previewsDone ?? 0}/${p.previewsTotal ?? 0} previews`);
            } else bar.update(p.bytesDone, p.bytesTotal, `${p.filesDone}/${p.filesTotal} files  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`);
          },
          onFile: (r: IngestFileResult) => {
            bar.done();
            if (out.json) out.data(r);
            else out.line(fileLine(r));
          },
        };
        // ProofMode bundles and chat exports are imported with their links (ingest/sources.ts); the rest as files.
        const r = await ingestSources(vault, paths, { ...options, onImport: (i) => (out.json ? out.data(importJson(i)) : out.line(importLine(i))) });
        return { ...r, previewsPending: r.previewsPending ?? 0 };
      });
      bar.done();
      if (report.previewsPending > 0 && !out.json) {
        out.info(`${report.previewsPending} preview(s) not made yet: the next import makes them (or the app, when it opens the vault).`);
      }
      const summary = `${report.ingested} ingested, ${report.duplicates} duplicate, ${report.failed} failed, ${report.skipped} skipped${report.cancelled ? ' (cancelled: files not listed were not ingested)' : ''}.`;
      if (out.json) out.data({ summary: { ingested: report.ingested, duplicates: report.duplicates, failed: report.failed, skipped: report.skipped, cancelled: report.cancelled, checkpointSize: report.checkpointSize ?? null, previewsPending: report.previewsPending } });
      else out.info(summary);
      return report.failed > 0 || report.cancelled ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      await Promise.all([shutdownIngestWorkers(), shutdownPgpWorker()]);
    }
  },
};

export const lsCommand: Command = {
  name: 'ls',
  summary: 'list items',
  usage: 'huella ls <vault> [--all] [--json]',
  options: { all: { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    const items = await withVault(dir!, values, async (vault) => listItems(vault, { includeDeleted: Boolean(values.all) }));
    for (const it of items) {
      if (out.json) out.data(it);
      else out.line(`${it.id}  ${it.sha256.slice(0, 16)}  ${String(it.size).padStart(12)}  ${it.mediaType.padEnd(24)}  ${it.hasGps ? 'GPS ' : '    '}${it.deleted ? '[deleted] ' : ''}${it.originalName}`);
    }
    return 0;
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'show one item with its metadata',
  usage: 'huella show <vault> <item id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    const { item, chat, namedIn, bundleFiles } = await withVault(dir!, values, async (vault) => {
      const it = getItem(vault, id!);
      const c = readChat(vault.store, it.id);
      // A ProofMode file: every file of its bundle(s) that belongs to the same media (the media lists its proof).
      const media = new Set(proofModeEntriesOfItem(vault.store, it.id).flatMap((e) => (e.mediaItem ? [e.mediaItem] : [])));
      const files = [...media].flatMap((mediaItem) => proofModeFilesOfMedia(vault.store, mediaItem)).filter((f) => f.itemId !== it.id);
      return { item: it, chat: c ? { format: c.format, messages: readChatMessages(vault.store, it.id) } : undefined, namedIn: messagesNamingItem(vault.store, it.id), bundleFiles: files };
    });
    if (out.json) {
      const proofModeFiles = bundleFiles.map((f) => ({ name: f.name, itemId: f.itemId, role: f.role, mediaItem: f.mediaItem, signature: f.signatureState }));
      out.data({ ...item, ...(chat ? { chat } : {}), ...(namedIn.length > 0 ? { namedInChats: namedIn } : {}), ...(proofModeFiles.length > 0 ? { proofModeFiles } : {}) });
      return 0;
    }
    const m = item.metadata;
    const rows: [string, string | undefined][] = [
      ['id', item.id],
      ['file name', item.originalName],
      ['media type', item.mediaType],
      ['size', `${item.size} bytes (${formatBytes(item.size)})`],
      ['sha256', item.sha256],
      ['ingested', item.ingestedAt],
      ['custody event', `#${item.ingestSeq}`],
      ['source note', item.sourceNote],
      ['capture time', m.captureTime],
      ['GPS', m.gps ? `${m.gps.lat.toFixed(6)}, ${m.gps.lon.toFixed(6)}${m.gps.alt !== undefined ? ` alt ${m.gps.alt} m` : ''}  (!) location recorded in the file` : undefined],
      ['make', m.make],
      ['model', m.model],
      ['serial', m.serial],
      ['lens', m.lensModel],
      ['software', m.software],
      ['orientation', m.orientation?.toString()],
      ['dimensions', m.width && m.height ? `${m.width} × ${m.height}` : undefined],
      ['duration', m.durationSeconds !== undefined ? `${m.durationSeconds} s` : undefined],
      ['codecs', m.codecs?.join(', ')],
      ...contentCredentialRows(m.contentCredentials),
      ...proofModeRows(m.proofMode),
      ['creators', m.creators?.join('; ')],
      ['copyright', m.copyright],
      ['preview', item.hasPreview ? 'yes' : 'no'],
      ['status', item.deleted ? 'deleted (tombstoned; bytes kept until purge)' : 'active'],
    ];
    for (const [k, v] of rows) if (v !== undefined) out.line(`${k.padEnd(14)} ${v}`);
    for (const w of item.warnings) out.line(`${'warning'.padEnd(14)} ${w.message}`);
    for (const f of bundleFiles) out.line(`${'  bundle file'.padEnd(14)} ${f.itemId}  ${f.role}${f.signatureState ? ` (signature ${f.signatureState})` : ''}  ${f.name}`);
    for (const n of namedIn) out.line(`${'in chat'.padEnd(14)} ${n.chatItem} message #${n.seq}${n.sender ? ` from ${n.sender}` : ''}${n.sentAt ? ` at ${n.sentAt} (phone's local time)` : ''}`);
    if (chat) {
      out.line(`${'chat export'.padEnd(14)} ${chat.format}, ${chat.messages.length} messages`);
      for (const m of chat.messages) {
        const link = m.attachmentName ? `  [${m.attachmentName} → ${m.attachmentItem ?? 'not in the export'}]` : '';
        out.line(`  #${String(m.seq).padEnd(4)} ${m.sentAt ?? ''}  ${m.sender ?? '(system)'}: ${m.text.split('\n')[0]!.slice(0, 80)}${link}`);
      }
    }
    return 0;
  },
};

function signatureText(s: NonNullable<ProofModeRecord['signature']>): string {
  const verdict = s.state === 'valid' ? 'VALID' : s.state === 'invalid' ? 'INVALID' : 'UNKNOWN KEY';
  const key = s.keyFingerprint ? ` key ${s.keyFingerprint}${s.keyUserIds?.length ? ` (${s.keyUserIds.join(', ')})` : ''}` : '';
  return `${verdict} (${s.signatureFile};${key}${s.signedAt ? `, signed ${s.signedAt}` : ''}${s.reason ? `; ${s.reason}` : ''}); checked with ${s.verifier}, nobody vouches for whose key it is`;
}

/** A file from a ProofMode bundle as `huella show` prints it: its role, the PGP verdict, what the proof data states. */
function proofModeRows(pm: ProofModeRecord | undefined): [string, string | undefined][] {
  if (!pm) return [];
  const d = pm.proofData ?? {};
  const place = d['Location.Latitude'] && d['Location.Longitude'] ? `${d['Location.Latitude']}, ${d['Location.Longitude']}${d['Location.Provider'] ? ` (${d['Location.Provider']}${d['Location.Accuracy'] ? `, ±${d['Location.Accuracy']} m` : ''})` : ''}  (!) location recorded by ProofMode` : undefined;
  return [
    ['proofmode', `${pm.role}${pm.mediaSha256 && pm.role !== 'media' ? ` of the media ${pm.mediaSha256}` : ''}`],
    ['  signature', pm.signature ? signatureText(pm.signature) : pm.role === 'media' || pm.role === 'proof-csv' || pm.role === 'proof-json' ? 'none in the bundle' : undefined],
    ['  proof hash', pm.proofHashMatches === undefined ? undefined : pm.proofHashMatches ? 'the proof data names this file\'s SHA-256' : `MISMATCH: the proof data names ${pm.mediaSha256}, not this file's SHA-256`],
    ['  generated', d['Proof Generated']],
    ['  location', place],
    ['  device', [d.Manufacturer, d.Hardware].filter(Boolean).join(' ') || undefined],
    ['  proof files', pm.proofFiles?.map((f) => `${f.role}${f.signature ? ` (${f.signature})` : ''}`).join(', ')],
  ];
}

/** Content Credentials as `huella show` prints them: the verdict first, then who signed and what they assert. */
function contentCredentialRows(cc: ItemDetail['metadata']['contentCredentials']): [string, string | undefined][] {
  if (!cc) return [];
  const verdict = cc.state === 'valid' ? 'VALID (signature, assertions and file hash match)' : `INVALID (${cc.failures.map((f) => f.code).join(', ') || 'see failures'})`;
  return [
    ['credentials', `${verdict}; checked with ${cc.validator}`],
    ['  signer', cc.signer ? `${cc.signer} (certificate not checked against a trust list)` : undefined],
    ['  issuer', cc.issuer],
    ['  signed at', cc.signedAt],
    ['  generator', cc.claimGenerator],
    ['  manifests', `${cc.manifests}${cc.activeManifest ? `, active ${cc.activeManifest}` : ''}`],
    ['  assertions', cc.assertions.join(', ') || undefined],
    ['  actions', cc.actions?.map((a) => [a.action, a.digitalSourceType?.split('/').pop(), a.softwareAgent].filter(Boolean).join(' ')).join('; ')],
  ];
}

export const catCommand: Command = {
  name: 'cat',
  summary: 'write the original bytes of an item to stdout',
  usage: 'huella cat <vault> <item id> > file',
  args: [2, 2],
  async run([dir, id], values) {
    await withVault(dir!, values, async (vault) => {
      await pipeline(openItemContent(vault, id!), process.stdout);
    });
    return 0;
  },
};
