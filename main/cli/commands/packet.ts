import fs from 'node:fs';
import { HuellaError } from '../../archive/errors';
import { verifyPacket } from '../../archive/packet/verify';
import type { FieldOrigin, PacketExportInput, PacketPlan, PacketProfile, PacketVerifyReport } from '../../../shared/model/packet';
import type { Language } from '../../../shared/api';
import { allFields, getMechanism } from '../../../shared/mechanisms';
import type { MechanismField } from '../../../shared/mechanisms';
import type { Command, ParsedValues } from '../command';
import { list, str } from '../command';
import { progressBar, UsageError } from '../io';
import { withVault } from '../unlock';

/** `huella export` (writes a submission packet) and `huella packet verify` (checks one without the vault). */

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HuellaError('FILE_UNREADABLE', `Cannot read the ${what} file.`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HuellaError('INVALID_INPUT', `The ${what} file is not valid JSON.`, { cause: e });
  }
}

function ids(values: ParsedValues, key: string): string[] | undefined {
  const raw = list(values, key);
  if (raw.length === 0) return undefined;
  const out = raw.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  return out.length === 1 && out[0] === 'none' ? [] : out;
}

function exportInput(values: ParsedValues): PacketExportInput {
  const need = (k: string): string => {
    const v = str(values, k);
    if (!v) throw new UsageError(`--${k} is required. Usage: ${exportCommand.usage}`);
    return v;
  };
  const answersFile = str(values, 'answers');
  const answers = answersFile ? readJsonFile(answersFile, 'answers') : undefined;
  if (answers !== undefined && (typeof answers !== 'object' || answers === null || Array.isArray(answers))) throw new UsageError('--answers must be a JSON object: { "fieldId": value, … }.');
  if (values['keep-capture-date'] && values['drop-capture-date']) throw new UsageError('Give --keep-capture-date or --drop-capture-date, not both.');
  const itemIds = ids(values, 'items');
  const originalOnly = ids(values, 'original-only');
  const keepCredentials = ids(values, 'keep-content-credentials-of');
  const testimonyIds = ids(values, 'testimonies');
  const recipient = str(values, 'recipient');
  return {
    mechanismId: need('mechanism'),
    caseId: need('case'),
    profile: need('profile') as PacketProfile,
    lang: (str(values, 'lang') ?? 'en') as Language,
    outPath: values['dry-run'] ? 'dry-run' : need('out'),
    ...(itemIds ? { itemIds } : {}),
    ...(originalOnly ? { originalOnlyItemIds: originalOnly } : {}),
    ...(values['keep-content-credentials'] ? { keepContentCredentials: true } : {}),
    ...(keepCredentials ? { keepContentCredentialsItemIds: keepCredentials } : {}),
    ...(testimonyIds ? { testimonyIds } : {}),
    ...(recipient ? { recipient } : {}),
    ...(answers ? { answers: answers as PacketExportInput['answers'] } : {}),
    ...(values['keep-capture-date'] ? { keepCaptureDate: true } : values['drop-capture-date'] ? { keepCaptureDate: false } : {}),
    ...(values['include-file-names'] ? { includeFileNames: true } : {}),
    ...(values.zip ? { zip: true } : {}),
  };
}

/** What an answer to a field must be in the --answers JSON. */
function answerForm(field: MechanismField | undefined): string {
  switch (field?.type) {
    case 'date':
      return 'a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"';
    case 'boolean':
      return 'true or false';
    case 'country':
      return 'an ISO 3166 two-letter country code, e.g. "AR"';
    case 'choice':
      return `one of ${(field.choices ?? []).map((c) => JSON.stringify(c.id)).join(', ')}`;
    case 'multichoice':
      return `a list of ${(field.choices ?? []).map((c) => JSON.stringify(c.id)).join(', ')}`;
    case 'items':
      return 'a list of item ids';
    default:
      return 'text';
  }
}

function shownValue(value: PacketPlan['fields'][number]['value']): string {
  const v = Array.isArray(value) ? value.join(', ') : String(value);
  const flat = v.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

function originText(o: FieldOrigin): string {
  const what = [o.label ? `“${o.label}”` : undefined, o.recordId ? `(${o.recordId})` : undefined].filter(Boolean).join(' ');
  // A testimony's origin date is its interview date (FieldOrigin): say so, it is not the date of the events.
  const date = o.date ? (o.kind === 'testimony' ? `, interviewed on ${o.date}` : ` ${o.date}`) : '';
  return `from ${o.kind}${what ? ` ${what}` : ''}${date}`;
}

/**
 * Every answer the cover documents will state, with its field id (the key in --answers) and where a value filled from
 * the catalogue came from, so the lawyer can check each one (a testimony's interview date fills the date of arrest,
 * for instance) and correct it; then what each missing or invalid answer must be.
 */
function printAnswers(plan: PacketPlan, line: (s: string) => void): void {
  const mechanism = getMechanism(plan.mechanismId);
  const byId = new Map((mechanism ? allFields(mechanism) : []).map((f) => [f.id, f]));
  const invalid = new Map(plan.invalidAnswers.map((a) => [a.fieldId, a.reason]));
  line('Answers (give or correct any with --answers FILE, a JSON object {"<field id>": value, …}):');
  const unanswered: string[] = [];
  for (const f of plan.fields) {
    const bad = invalid.get(f.fieldId);
    if (bad !== undefined) line(`  ${f.fieldId}  “${f.label}”: NOT VALID (${bad}); give ${answerForm(byId.get(f.fieldId))}`);
    else if (f.source === 'missing' || f.value === null) {
      if (f.required) line(`  ${f.fieldId}  “${f.label}”: MISSING (required)${f.deferred ? ', left to be completed before sending' : ''}; give ${answerForm(byId.get(f.fieldId))}`);
      else unanswered.push(f.fieldId);
    } else line(`  ${f.fieldId}  “${f.label}”: ${shownValue(f.value)}  [${f.source === 'answer' ? 'your answer' : f.origin ? originText(f.origin) : 'from the catalogue'}]`);
  }
  for (const [fieldId, reason] of invalid) if (!plan.fields.some((f) => f.fieldId === fieldId)) line(`  ${fieldId}: NOT VALID (${reason}); this mechanism has no such field`);
  if (unanswered.length > 0) line(`  Optional, not answered: ${unanswered.join(', ')}`);
}

function printPlan(plan: PacketPlan, line: (s: string) => void): void {
  line(`Mechanism: ${plan.mechanismId} (${plan.mechanismTitle}, template ${plan.mechanismStatus}); profile ${plan.profile}; language ${plan.lang}; capture dates ${plan.keepCaptureDate ? 'kept where the file format can hold them (an item that loses its date lists capture-date under removes)' : 'removed'}`);
  line('Items:');
  for (const i of plan.items) {
    const where = [i.exportPath, i.originalPath].filter(Boolean).join(' + ') || 'nothing';
    line(`  ${i.label} ${i.itemId} ${i.mediaType}: ${i.action} -> ${where}${i.removes.length ? `; removes ${i.removes.join(', ')}` : ''}${i.reason ? `; ${i.reason}` : ''}`);
    if (i.trialStrip) line(`      stripped in a trial run: removed ${i.trialStrip.removed.join('; ') || 'nothing'}${i.trialStrip.kept.length ? `; kept ${i.trialStrip.kept.join('; ')}` : ''}`);
    const cc = i.contentCredentials;
    if (cc) line(`      Content Credentials (${cc.state} at import): ${cc.kept ? `kept as ${cc.sidecarPath}, beside the copy (they describe the original)` : 'removed'}${cc.discloses.length ? `; they disclose ${cc.discloses.join('; ')}` : ''}`);
  }
  line('Testimonies:');
  for (const t of plan.testimonies) line(`  ${t.label} ${t.testimonyId} -> ${t.exportPath ?? 'not exported'}; ${t.replacements} name occurrence(s) replaced`);
  line('Persons:');
  for (const p of plan.persons) line(`  ${p.pseudonym} (${p.personId}, ${p.roles.join('/') || 'no role'}): shown by ${p.shownAs}; material consent ${p.materialConsent}; ${p.why}`);
  printAnswers(plan, line);
  if (plan.missingFields.length) line(`Missing required fields: ${plan.fields.filter((f) => plan.missingFields.includes(f.fieldId)).map((f) => `“${f.label}” (${f.fieldId})`).join(', ')}`);
  for (const w of plan.warnings) line(`Warning: ${w}`);
  for (const b of plan.blockers) line(`BLOCKED [${b.code}]: ${b.message}`);
  line(plan.canExport ? 'The packet can be exported.' : 'The packet cannot be exported until the problems above are fixed.');
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a submission packet (BagIt, signed) for a UN mechanism',
  usage:
    'huella export <vault> --mechanism ID --case ID --profile redacted|forensic [--recipient age1…] [--lang en|es|fr|ar] --out PATH [--items ID,…] [--original-only ID,…] [--keep-content-credentials | --keep-content-credentials-of ID,…] [--testimonies ID,…|none] [--answers FILE] [--zip] [--keep-capture-date|--drop-capture-date] [--include-file-names] [--dry-run] [--json]',
  options: {
    mechanism: { type: 'string' },
    case: { type: 'string' },
    items: { type: 'string', multiple: true },
    'original-only': { type: 'string', multiple: true },
    'keep-content-credentials': { type: 'boolean' },
    'keep-content-credentials-of': { type: 'string', multiple: true },
    testimonies: { type: 'string', multiple: true },
    profile: { type: 'string' },
    recipient: { type: 'string' },
    lang: { type: 'string' },
    out: { type: 'string' },
    answers: { type: 'string' },
    zip: { type: 'boolean' },
    'keep-capture-date': { type: 'boolean' },
    'drop-capture-date': { type: 'boolean' },
    'include-file-names': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  args: [1, 1],
  async run([dir], values, out) {
    const input = exportInput(values);
    const bar = progressBar(!out.json);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    // Loaded here, not at the top: `huella packet verify` (this module too) needs none of the export code.
    const [{ exportPacket, checkPacket, missingFieldLabels }, { shutdownIngestWorkers }] = await Promise.all([import('../../archive/export'), import('../../archive/ingest/ingest')]);
    try {
      return await withVault(dir!, values, async (vault) => {
        if (values['dry-run']) {
          // The same checks as the export: every item is stripped and re-read in a scratch folder, then removed.
          const { outPath: _o, zip: _z, ...planInput } = input;
          const near = str(values, 'out');
          const plan = await checkPacket(vault, { ...planInput, ...(near ? { outPath: near } : {}) }, { signal: controller.signal, onProgress: (p) => bar.update(p.done, p.total, 'checking') });
          bar.done();
          if (out.json) out.data(plan);
          else printPlan(plan, out.line);
          return plan.canExport ? 0 : 1;
        }
        try {
          const report = await exportPacket(vault, input, {
            signal: controller.signal,
            onProgress: (p) => bar.update(p.done, p.total, p.phase),
          });
          bar.done();
          if (out.json) out.data(report);
          else {
            out.line(`Packet ${report.packetId} written to ${report.outPath} (${report.format}, ${report.files} files, ${report.payloadBytes} payload bytes, ${report.durationMs} ms).`);
            out.line(`tagmanifest-sha256.txt SHA-256: ${report.tagmanifestSha256}; checkpoint ${report.checkpoint.origin} size ${report.checkpoint.size}; logged as event #${report.exportedEventSeq}.`);
            if (report.missingFields.length) {
              // The cover documents are files of the signed packet: completing them by hand makes it fail verification.
              out.line(`Still to be answered (the cover says “to be completed”): ${missingFieldLabels(report.mechanismId, report.missingFields, input.lang)} (${report.missingFields.join(', ')}).`);
              out.line('Give them with --answers FILE and export again: a cover document edited after the export no longer matches the signed manifest, and the packet then fails verification (sha256sum -c, huella packet verify).');
            }
            for (const w of report.warnings) out.info(`Warning: ${w}`);
          }
          return 0;
        } finally {
          bar.done();
          await shutdownIngestWorkers();
        }
      });
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};

function printVerify(report: PacketVerifyReport, line: (s: string) => void): void {
  const width = Math.max(4, ...report.files.map((f) => f.path.length));
  line('Checks:');
  for (const c of report.checks) line(`  ${c.status}  ${c.name.padEnd(13)} ${c.reason}`);
  line('Files:');
  for (const f of report.files) line(`  ${f.status}  ${f.path.padEnd(width)}  ${f.reason}`);
  line(report.keyNote);
  if (report.witnessed) {
    line('Witnesses:');
    const attested = report.witnessed.filter((w) => w.attestations.length > 0);
    for (const w of attested) {
      const first = [...w.attestations].sort((a, b) => a.signedAt - b.signedAt)[0]!;
      const when = new Date(first.signedAt * 1000).toISOString().replace('.000Z', 'Z');
      const date = new Date(first.signedAt * 1000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      const also = w.attestations.length > 1 ? ` (and ${w.attestations.length - 1} more witness${w.attestations.length > 2 ? 'es' : ''})` : '';
      line(`  ${w.label}${w.itemId ? ` (${w.itemId})` : ''} existed in the vault no later than ${date} (${when}), attested by witness ${first.witness}${also}: cosigned checkpoint of size ${w.checkpointSize}.`);
    }
    const unattested = report.witnessed.filter((w) => w.attestations.length === 0);
    if (unattested.length > 0) line(`  ${unattested.map((w) => w.label).join(', ')}: covered by a cosigned checkpoint, but no cosignature verified with a witness key you gave (--witness KEY).`);
    if (report.witnessed.length === 0) line('  No exhibit is covered by a cosigned checkpoint.');
  }
  const failed = report.checks.filter((c) => c.status === 'FAIL').length + report.files.filter((f) => f.status === 'FAIL').length;
  line(report.ok ? `PASS: packet ${report.packetId ?? '?'} verified (${report.files.length} files).` : `FAIL: ${failed} problem(s) found.`);
}

export const packetVerifyCommand: Command = {
  name: 'packet verify',
  summary: 'verify a packet (folder or zip) without the vault: manifests, signature, proofs, custody records',
  usage: 'huella packet verify <packet> [--key KEYFILE] [--witness KEY|KEYFILE]... [--json]',
  options: { key: { type: 'string' }, witness: { type: 'string', multiple: true } },
  args: [1, 1],
  async run([packet], values, out) {
    const keyFile = str(values, 'key');
    let key: string | undefined;
    if (keyFile) {
      try {
        key = fs.readFileSync(keyFile, 'utf8');
      } catch (e) {
        throw new HuellaError('FILE_UNREADABLE', 'Cannot read the key file.', { cause: e });
      }
    }
    const witnessKeys = list(values, 'witness').map((w) => {
      if (w.includes('+')) return w;
      try {
        return fs.readFileSync(w, 'utf8').trim();
      } catch (e) {
        throw new HuellaError('FILE_UNREADABLE', `Cannot read the witness key file (${w}).`, { cause: e });
      }
    });
    const bar = progressBar(!out.json);
    const report = await verifyPacket(packet!, { ...(key !== undefined ? { key } : {}), witnessKeys, onProgress: (p) => bar.update(p.done, p.total, 'hashing') });
    bar.done();
    if (out.json) out.data(report);
    else printVerify(report, out.line);
    return report.ok ? 0 : 1;
  },
};
