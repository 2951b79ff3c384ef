import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeTelegramExport, makeWhatsAppExport } from '../../fixtures/chat-exports';
import { makeProofModeBundle } from '../../fixtures/proofmode';
import { writeZipFile } from '../../fixtures/documents';
import { STACK_FRAME, describeRun, jsonObjects, runHuella } from './cli-run';
import { rawZip } from './hostile';
import { PER_FILE_LIMIT_MS } from './malformed';

/**
 * The malformed campaign's sets of files that arrive together (issue 16): ProofMode bundles and chat exports, made
 * valid (ProofMode signed by GnuPG, Telegram and WhatsApp as the apps lay them out), then corrupted where an attacker
 * or a broken phone would: the zip cut or bit-flipped, the public key or a signature or the proof data replaced with
 * garbage, a zip-slip entry, the chat text cut, garbage, or of the wrong types. Each goes through `huella ingest`
 * alone; it must answer in time with no stack trace, with an exit code that matches its report, and:
 *  - a refusal names why, in a message a person can act on (not INTERNAL);
 *  - what it imports keeps every file as an item, and a damaged signature is reported invalid, never valid;
 *  - a hostile zip imports nothing.
 */

type Expect = 'refused' | 'imported' | 'either';

type Variant = {
  readonly name: string;
  readonly path: string;
  readonly expect: Expect;
  /** Extra check on the import report (the `proofmode` or `chat` JSON object), returning a failure or undefined. */
  readonly check?: (report: Record<string, unknown> | undefined, refusal: string | undefined) => string | undefined;
};

/** Deterministic bytes that are no format at all. */
function garbage(n: number, seed: number): Buffer {
  const parts: Buffer[] = [];
  let h = Buffer.from(`garbage ${seed}`);
  for (let have = 0; have < n; have += h.length) parts.push((h = crypto.createHash('sha256').update(h).digest()));
  return Buffer.concat(parts).subarray(0, n);
}

function flipBits(b: Buffer, flips: number, seed: number): Buffer {
  const out = Buffer.from(b);
  let x = seed * 2654435761;
  for (let i = 0; i < flips; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const at = x % out.length;
    out[at] = out[at]! ^ (1 << (x % 8));
  }
  return out;
}

function copyFolder(from: string, to: string, edit: (name: string, bytes: Buffer) => Buffer | undefined): string {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(from, path.join(e.parentPath, e.name));
    const bytes = edit(rel, fs.readFileSync(path.join(from, rel)));
    if (bytes === undefined) continue;
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.writeFileSync(path.join(to, rel), bytes);
  }
  return to;
}

const sigs = (r: Record<string, unknown> | undefined): { valid: number; invalid: number; unknownKey: number } | undefined => (r?.signatures as { valid: number; invalid: number; unknownKey: number } | undefined);

async function makeVariants(dir: string, seed: number, quick: boolean): Promise<Variant[]> {
  // One bundle (the signing key and the media take a few seconds to make): as a folder, and zipped as ProofMode does.
  const pmFolder = await makeProofModeBundle({ dir: path.join(dir, 'pm-folder'), zip: false });
  const tg = await makeTelegramExport({ dir: path.join(dir, 'tg'), zip: false });
  const out = (n: string): string => path.join(dir, 'variants', n);
  fs.mkdirSync(out(''), { recursive: true });
  const zipPath = path.join(dir, `${path.basename(pmFolder.path)}.zip`);
  await writeZipFile(zipPath, [...pmFolder.contents].map(([name, data]) => ({ name, data })));
  const zipBytes = fs.readFileSync(zipPath);
  const variants: Variant[] = [];

  // ProofMode: a signature over the media damaged in its armored body → the media's signature is invalid.
  variants.push({
    name: 'proofmode-signature-damaged',
    path: copyFolder(pmFolder.path, out('proofmode-signature-damaged'), (n, b) => {
      if (n !== `${pmFolder.media[0]!.sha256}.asc`) return b;
      const lines = b.toString('utf8').split('\n');
      const i = lines.findIndex((l) => /^[A-Za-z0-9+/]{40,}$/.test(l));
      lines[i] = lines[i]!.split('').reverse().join('');
      return Buffer.from(lines.join('\n'));
    }),
    expect: 'imported',
    check: (r) => (sigs(r) && sigs(r)!.invalid >= 1 && sigs(r)!.valid <= 5 ? undefined : `a damaged signature was not reported invalid: ${JSON.stringify(sigs(r))}`),
  });
  // ProofMode: a zip with a ../ entry → refused whole.
  fs.writeFileSync(out('proofmode-zip-slip.zip'), rawZip([...[...pmFolder.contents].map(([name, data]) => ({ name, data })), { name: '../../../.bashrc', data: Buffer.from('echo owned') }]));
  variants.push({ name: 'proofmode-zip-slip', path: out('proofmode-zip-slip.zip'), expect: 'refused', check: (_r, why) => (why && /zip-slip|escapes/.test(why) ? undefined : `refused without naming the zip-slip: ${why}`) });
  // Telegram: result.json cut in half → refused with a reason (nothing to link messages with).
  variants.push({
    name: 'telegram-result-truncated',
    path: copyFolder(tg.path, out('telegram-result-truncated'), (n, b) => (n === 'result.json' ? b.subarray(0, Math.floor(b.length / 2)) : b)),
    expect: 'refused',
  });
  // ProofMode: the zip cut at 60 % (its central directory gone).
  fs.writeFileSync(out('proofmode-truncated.zip'), zipBytes.subarray(0, Math.floor(zipBytes.length * 0.6)));
  variants.push({ name: 'proofmode-truncated', path: out('proofmode-truncated.zip'), expect: 'either' });
  if (quick) return variants;

  variants.push({
    name: 'proofmode-key-garbage',
    path: copyFolder(pmFolder.path, out('proofmode-key-garbage'), (n, b) => (n === 'pubkey.asc' ? garbage(900, seed) : b)),
    expect: 'imported',
    check: (r) => (sigs(r)?.valid === 0 ? undefined : `signatures were valid without a readable key: ${JSON.stringify(sigs(r))}`),
  });
  variants.push({
    name: 'proofmode-key-missing',
    path: copyFolder(pmFolder.path, out('proofmode-key-missing'), (n, b) => (n === 'pubkey.asc' ? Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n') : b)),
    expect: 'imported',
    check: (r) => (sigs(r)?.valid === 0 ? undefined : `signatures were valid with an empty key block: ${JSON.stringify(sigs(r))}`),
  });
  variants.push({
    name: 'proofmode-proof-garbage',
    path: copyFolder(pmFolder.path, out('proofmode-proof-garbage'), (n, b) => (/\.proof\.(json|csv)$/.test(n) ? garbage(b.length, seed + n.length) : b)),
    expect: 'imported',
    check: (r) => (sigs(r) && sigs(r)!.invalid >= 4 ? undefined : `signatures over garbage proof files were not invalid: ${JSON.stringify(sigs(r))}`),
  });
  variants.push({
    name: 'proofmode-signature-huge',
    path: copyFolder(pmFolder.path, out('proofmode-signature-huge'), (n, b) => (n === `${pmFolder.media[1]!.sha256}.asc` ? Buffer.alloc(200 * 1024, 'A') : b)),
    expect: 'imported',
    check: (r) => (sigs(r) && sigs(r)!.invalid >= 1 ? undefined : `a 200 KB "signature" was not reported invalid: ${JSON.stringify(sigs(r))}`),
  });
  for (const [i, flips] of [8, 64].entries()) {
    fs.writeFileSync(out(`proofmode-bitflip-${flips}.zip`), flipBits(zipBytes, flips, seed + i));
    variants.push({ name: `proofmode-bitflip-${flips}`, path: out(`proofmode-bitflip-${flips}.zip`), expect: 'either' });
  }
  variants.push({
    name: 'telegram-result-garbage',
    path: copyFolder(tg.path, out('telegram-result-garbage'), (n, b) => (n === 'result.json' ? garbage(4096, seed) : b)),
    expect: 'refused',
  });
  variants.push({
    name: 'telegram-wrong-types',
    path: copyFolder(tg.path, out('telegram-wrong-types'), (n, b) => {
      if (n !== 'result.json') return b;
      const j = JSON.parse(b.toString('utf8')) as { messages: Record<string, unknown>[] };
      j.messages = [
        ...j.messages,
        { id: 900, type: 'message', date: 12345, from: ['x'], text: { nested: [1, 2] }, photo: { path: 'x' } },
        { id: 901, type: 'message', date: '2024-03-05T18:00:00', from: 'X', text: 'see', file: `../../../${'..'.repeat(3)}/etc/passwd` },
        { id: 902, type: 'message', date: '2024-03-05T18:00:01', from: 'X', text: 'x'.repeat(300_000), photo: 'photos/does-not-exist.jpg' },
        null as unknown as Record<string, unknown>,
      ];
      return Buffer.from(JSON.stringify(j));
    }),
    expect: 'imported',
    // The traversal path and the missing photo link to nothing; nothing outside the export is read.
    check: (r) => {
      const missing = (r?.missing as string[] | undefined) ?? [];
      return missing.some((m) => m.includes('etc/passwd')) && missing.includes('photos/does-not-exist.jpg') ? undefined : `attachments outside the export were not reported missing: ${JSON.stringify(missing)}`;
    },
  });
  const wa = await makeWhatsAppExport({ dir: path.join(dir, 'wa'), layout: 'ios', zip: false });
  const waZip = out('whatsapp-chat-garbage.zip');
  await writeZipFile(waZip, [{ name: '_chat.txt', data: garbage(3000, seed) }, ...fs.readdirSync(wa.path).filter((n) => n !== '_chat.txt').map((n) => ({ name: n, data: fs.readFileSync(path.join(wa.path, n)), store: true }))]);
  variants.push({ name: 'whatsapp-chat-garbage', path: waZip, expect: 'refused' });
  return variants;
}

/** Runs every variant through `huella ingest <vault> <variant> --json`; returns how many there were. */
export async function malformedSets(workDir: string, vault: string, seed: number, quick: boolean, log: (l: string) => void, failures: string[]): Promise<number> {
  const dir = path.join(workDir, 'sets');
  const variants = await makeVariants(dir, seed, quick);
  for (const v of variants) {
    const r = await runHuella(['ingest', vault, v.path, '--json'], { timeoutMs: PER_FILE_LIMIT_MS * 20 + 30_000 });
    const what = `set ${v.name}`;
    if (r.timedOut) {
      failures.push(`${describeRun(`ingest of ${what}`, r)}: hung`);
      continue;
    }
    if (STACK_FRAME.test(r.stderr)) failures.push(`${what}: a stack trace on stderr: ${r.stderr.slice(0, 400)}`);
    const objs = jsonObjects(r.lines).map((o) => o.value);
    const summary = objs.find((o) => o.summary !== undefined)?.summary as { ingested: number; failed: number; cancelled: boolean } | undefined;
    if (!summary) {
      failures.push(`${describeRun(`ingest of ${what}`, r)}: no summary line`);
      continue;
    }
    if (r.code !== (summary.failed > 0 || summary.cancelled ? 1 : 0)) failures.push(`${what}: exit code ${r.code} does not match the summary ${JSON.stringify(summary)}`);
    const refusal = objs.find((o) => o.path === v.path && o.status === 'failed')?.error as { code?: string; message?: string } | undefined;
    const report = (objs.find((o) => o.proofmode !== undefined)?.proofmode ?? objs.find((o) => o.chat !== undefined)?.chat) as Record<string, unknown> | undefined;
    if (refusal && (refusal.code === 'INTERNAL' || !refusal.message || refusal.message.length < 20)) failures.push(`${what}: refused without a clear reason (${refusal.code}: ${refusal.message})`);
    if (v.expect === 'refused' && !refusal) failures.push(`${what}: was imported (${summary.ingested} files) although it cannot be read`);
    if (v.expect === 'refused' && summary.ingested > 0 && /zip/.test(v.path)) failures.push(`${what}: ${summary.ingested} files imported from a refused zip`);
    if (v.expect === 'imported' && (refusal || !report)) failures.push(`${what}: not imported (${refusal?.message ?? 'no import report'})`);
    const failedFiles = objs.filter((o) => o.status === 'failed' && o.path !== v.path);
    if (failedFiles.length > 0) failures.push(`${what}: ${failedFiles.length} of its files failed: ${JSON.stringify(failedFiles[0]).slice(0, 300)}`);
    const extra = v.check?.(report, refusal?.message);
    if (extra && !(v.expect === 'refused' && !refusal)) failures.push(`${what}: ${extra}`);
    log(`malformed: set ${v.name}: ${refusal ? `refused (${refusal.message?.slice(0, 120)})` : `imported ${summary.ingested} files`}`);
  }
  return variants.length;
}
