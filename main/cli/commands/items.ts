import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../../archive/blobs/store';
import { importChatExport, readChatExport } from '../../archive/chats/import';
import { messagesNamingItem, readChat, readChatMessages } from '../../archive/db/chats';
import { isHuellaError } from '../../archive/errors';
import { ingestPaths, shutdownIngestWorkers, type IngestFileResult, type IngestProgress } from '../../archive/ingest/ingest';
import { getItem, listItems, openItemContent } from '../../archive/items/items';
import type { ItemDetail } from '../../../shared/model/items';
import type { Command } from '../command';
import { str } from '../command';
import { progressBar } from '../io';
import { withVault } from '../unlock';

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

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'add files and folders (recursively) to the vault',
  usage: 'huella ingest <vault> <path>... [--note TEXT] [--no-previews] [--json]',
  options: { note: { type: 'string' }, 'no-previews': { type: 'boolean' } },
  args: [2, Infinity],
  async run([dir, ...paths], values, out) {
    const bar = progressBar(!out.json);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const report = await withVault(dir!, values, async (vault) => {
        const note = str(values, 'note');
        const options = {
          signal: controller.signal,
          previews: !values['no-previews'],
          ...(note ? { sourceNote: note } : {}),
          onProgress: (p: IngestProgress) => bar.update(p.bytesDone, p.bytesTotal, `${p.filesDone}/${p.filesTotal} files  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
          onFile: (r: IngestFileResult) => {
            bar.done();
            if (out.json) out.data(r);
            else out.line(fileLine(r));
          },
        };
        // Chat exports (WhatsApp zip or folder, Telegram JSON) are imported with their message links; the rest as files.
        const plain: string[] = [];
        const chatResults: IngestFileResult[] = [];
        for (const p of paths) {
          let files: Awaited<ReturnType<typeof readChatExport>>;
          try {
            files = await readChatExport(p);
          } catch (e) {
            const r: IngestFileResult = { path: p, status: 'failed', warnings: [], error: isHuellaError(e) ? e.toApiError() : { code: 'FILE_UNREADABLE', message: 'The chat export could not be read.' } };
            options.onFile(r);
            chatResults.push(r);
            continue;
          }
          if (!files) {
            plain.push(p);
            continue;
          }
          const chat = await importChatExport(vault, p, files, options);
          chatResults.push(...chat.results);
          if (out.json) out.data({ chat: { itemId: chat.chatItemId, format: chat.format, messages: chat.messages, messagesWithAttachment: chat.messagesWithAttachment, linked: chat.linked, missing: chat.missing, alreadyImported: chat.alreadyImported } });
          else out.line(`chat       ${chat.chatItemId}  ${chat.format}: ${chat.messages} messages, ${chat.linked} of ${chat.messagesWithAttachment} attachments linked to their items${chat.missing.length ? ` (not in the export: ${chat.missing.join(', ')})` : ''}${chat.alreadyImported ? ' (already imported)' : ''}`);
        }
        const rest = plain.length > 0 || chatResults.length === 0 ? await ingestPaths(vault, plain, options) : undefined;
        const all = [...chatResults, ...(rest?.results ?? [])];
        const count = (s: IngestFileResult['status']): number => all.filter((r) => r.status === s).length;
        return { ingested: count('ingested'), duplicates: count('duplicate'), failed: count('failed'), skipped: count('skipped'), cancelled: rest?.cancelled ?? controller.signal.aborted, checkpointSize: rest?.checkpointSize ?? vault.log.size() };
      });
      bar.done();
      const summary = `${report.ingested} ingested, ${report.duplicates} duplicate, ${report.failed} failed, ${report.skipped} skipped${report.cancelled ? ' (cancelled: files not listed were not ingested)' : ''}.`;
      if (out.json) out.data({ summary: { ingested: report.ingested, duplicates: report.duplicates, failed: report.failed, skipped: report.skipped, cancelled: report.cancelled, checkpointSize: report.checkpointSize ?? null } });
      else out.info(summary);
      return report.failed > 0 || report.cancelled ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      await shutdownIngestWorkers();
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
    const { item, chat, namedIn } = await withVault(dir!, values, async (vault) => {
      const it = getItem(vault, id!);
      const c = readChat(vault.store, it.id);
      return { item: it, chat: c ? { format: c.format, messages: readChatMessages(vault.store, it.id) } : undefined, namedIn: messagesNamingItem(vault.store, it.id) };
    });
    if (out.json) {
      out.data(chat || namedIn.length > 0 ? { ...item, ...(chat ? { chat } : {}), ...(namedIn.length > 0 ? { namedInChats: namedIn } : {}) } : item);
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
      ['creators', m.creators?.join('; ')],
      ['copyright', m.copyright],
      ['preview', item.hasPreview ? 'yes' : 'no'],
      ['status', item.deleted ? 'deleted (tombstoned; bytes kept until purge)' : 'active'],
    ];
    for (const [k, v] of rows) if (v !== undefined) out.line(`${k.padEnd(14)} ${v}`);
    for (const w of item.warnings) out.line(`${'warning'.padEnd(14)} ${w.message}`);
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
