/**
 * What `huella ingest` and the app's import do with each path they are given: a ProofMode bundle (zip or folder)
 * is imported with its signatures checked and its files linked (proofmode/import.ts); a chat export (WhatsApp zip or
 * folder, Telegram JSON export) with its messages linked to their attachments (chats/import.ts); anything else is
 * ingested as files and folders. A hostile zip of either kind is refused whole (a failed result naming why) and the
 * other paths go on.
 */
import type { IngestFileResult, IngestReport } from '../../../shared/model/items';
import { importChatExport, readChatExport, type ChatImportReport } from '../chats/import';
import { countPendingPreviews } from '../db/items';
import { HuellaError, isHuellaError } from '../errors';
import { importProofModeBundle, readProofModeBundle, type ProofModeImportReport } from '../proofmode/import';
import type { Vault } from '../vault/vault';
import type { SetFile } from '../ingest/file-set';
import { ingestPaths, type IngestOptions } from '../ingest/ingest';

export type SourceImport =
  | { readonly kind: 'proofmode'; readonly input: string; readonly report: ProofModeImportReport }
  | { readonly kind: 'chat'; readonly input: string; readonly report: ChatImportReport };

export type SourcesReport = IngestReport & { readonly imports: readonly SourceImport[] };

export type SourcesOptions = IngestOptions & { readonly onImport?: (i: SourceImport) => void };

type Recognised = { readonly kind: 'proofmode' | 'chat'; readonly files: SetFile[] } | undefined;

async function recognise(input: string): Promise<Recognised> {
  const bundle = await readProofModeBundle(input);
  if (bundle) return { kind: 'proofmode', files: bundle };
  const chat = await readChatExport(input);
  return chat ? { kind: 'chat', files: chat } : undefined;
}

export async function ingestSources(vault: Vault, inputs: readonly string[], options: SourcesOptions = {}): Promise<SourcesReport> {
  const plain: string[] = [];
  const results: IngestFileResult[] = [];
  const imports: SourceImport[] = [];
  const refuse = (input: string, e: unknown): void => {
    // An expected refusal (hostile zip, unreadable chat text) names why; anything else is not the file's fault.
    if (isHuellaError(e, 'CANCELLED') || isHuellaError(e, 'DISK_FULL') || !isHuellaError(e)) throw e;
    const r: IngestFileResult = { path: input, status: 'failed', warnings: [], error: e.toApiError() };
    options.onFile?.(r);
    results.push(r);
  };
  for (const input of inputs) {
    if (options.signal?.aborted) break;
    let found: Recognised;
    try {
      found = await recognise(input);
    } catch (e) {
      refuse(input, isHuellaError(e) ? e : new HuellaError('FILE_UNREADABLE', 'The file could not be read.'));
      continue;
    }
    if (!found) {
      plain.push(input);
      continue;
    }
    let done: SourceImport;
    try {
      done =
        found.kind === 'proofmode'
          ? { kind: 'proofmode', input, report: await importProofModeBundle(vault, input, found.files, options) }
          : { kind: 'chat', input, report: await importChatExport(vault, input, found.files, options) };
    } catch (e) {
      refuse(input, e);
      continue;
    }
    results.push(...done.report.results);
    imports.push(done);
    options.onImport?.(done);
  }
  const rest = plain.length > 0 || imports.length === 0 ? await ingestPaths(vault, plain, options) : undefined;
  const all = [...results, ...(rest?.results ?? [])];
  const count = (s: IngestFileResult['status']): number => all.filter((r) => r.status === s).length;
  const checkpointSize = rest?.checkpointSize ?? (imports.length > 0 ? vault.log.size() : undefined);
  // Previews left for the next unlock or import (a cancel or a vault error stopped them; --no-wait-previews).
  const previewsPending = options.previews === false || vault.isLocked ? 0 : countPendingPreviews(vault.store);
  return {
    results: all,
    ingested: count('ingested'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: rest?.cancelled ?? options.signal?.aborted ?? false,
    ...(checkpointSize !== undefined ? { checkpointSize } : {}),
    ...(previewsPending > 0 ? { previewsPending } : {}),
    imports,
  };
}
