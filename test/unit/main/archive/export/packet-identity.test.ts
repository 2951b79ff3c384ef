import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket } from '../../../../../main/archive/export';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { PacketExportReport } from '../../../../../shared/model/packet';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

/**
 * A packet carries only its own exhibits' and testimonies' custody events and no identifier of another packet: the
 * `item.derived` events of earlier exports (with their packet ids) stay out, so packets do not link to each other
 * and do not grow with the vault's history.
 */

const ID = /\b(pkt|it|case|per|tst|con|tag|evt|obj)_[0-9a-z]{10}\b/g;

function allText(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        parts.push(p, fs.readFileSync(p).toString('latin1'));
        if (p.endsWith('.pdf')) parts.push(execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-']).toString('utf8'));
        if (p.endsWith('.docx')) parts.push(execFileSync('unzip', ['-p', p]).toString('utf8'));
      }
    }
  };
  walk(dir);
  return parts.join('\n');
}

function events(dir: string): { type: string; subject: string | null; data: Record<string, unknown> }[] {
  return fs
    .readFileSync(path.join(dir, 'custody/events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => parseEvent(Buffer.from((JSON.parse(l) as { event: string }).event)) as never);
}

describe('packets of one case do not link to each other', () => {
  const root = tempDir('huella-packet-ids-');
  let w: World;
  const out = (n: string): string => path.join(root, 'out', n);
  const reports: Record<string, PacketExportReport> = {};

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    const base = { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted' as const, lang: 'en' as const, answers: w.answers };
    reports.a = await exportPacket(w.vault, { ...base, itemIds: [w.photos[0]!.itemId], testimonyIds: [], outPath: out('a') });
    reports.b = await exportPacket(w.vault, { ...base, itemIds: [w.photos[1]!.itemId, w.photos[2]!.itemId], testimonyIds: [w.testimonyId], outPath: out('b') });
    reports.c = await exportPacket(w.vault, { ...base, itemIds: [w.photos[0]!.itemId], testimonyIds: [], outPath: out('c') });
    for (let i = 0; i < 3; i++) await exportPacket(w.vault, { ...base, itemIds: [w.photos[0]!.itemId], testimonyIds: [], outPath: out(`again-${i}`) });
    reports.d = await exportPacket(w.vault, { ...base, itemIds: [w.photos[0]!.itemId], testimonyIds: [], outPath: out('d') });
  });
  afterAll(() => w?.vault.lock());

  it('two packets of the same case with different exhibits share no identifier but the log origin (and the consent records both rely on)', () => {
    const a = allText(out('a'));
    const b = allText(out('b'));
    const idsA = new Set(a.match(ID));
    const idsB = new Set(b.match(ID));
    expect(idsA.has(reports.a!.packetId)).toBe(true);
    expect(idsB.has(reports.b!.packetId)).toBe(true);
    // What both rely on: the victim's consent record in force for this mechanism (its person and record ids).
    const consent = new Set([w.victimConsentId, w.persons.victim]);
    const shared = [...idsA].filter((id) => idsB.has(id) && !consent.has(id));
    expect(shared).toEqual([]);
    const origin = fs.readFileSync(path.join(out('a'), 'custody/verifier-key'), 'utf8').split('+')[0]!;
    expect(b).toContain(origin);
    expect(a).not.toContain(reports.b!.packetId);
    expect(b).not.toContain(reports.a!.packetId);
  });

  it('a later packet of the same exhibit carries none of the earlier packets\' events or ids, and is no bigger', () => {
    const c = allText(out('c'));
    for (const r of [reports.a!, reports.b!]) expect(c).not.toContain(r.packetId);
    const d = allText(out('d'));
    for (const r of [reports.a!, reports.b!, reports.c!]) expect(d).not.toContain(r.packetId);
    expect((d.match(/\bpkt_[0-9a-z]{10}\b/g) ?? []).every((id) => id === reports.d!.packetId)).toBe(true);
    const derived = events(out('d')).filter((e) => e.type === 'item.derived' && e.data.kind === 'packet-copy');
    expect(derived).toHaveLength(1);
    expect(derived[0]!.data.packetId).toBe(reports.d!.packetId);
    // Four exports of this photo later, the packet lists the same number of events and files as the first one did.
    expect(events(out('d')).length).toBe(events(out('c')).length);
    expect(reports.d!.files).toBe(reports.c!.files);
    expect(events(out('d')).every((e) => e.subject === w.photos[0]!.itemId || e.type.startsWith('consent.'))).toBe(true);
  });

  it('two packets with different exhibits share no hash, signature or random id beyond what the log and the consent both rely on imply', () => {
    // Every long hex, base64 or UUID token of each packet's files (PDF and DOCX by their text).
    const TOKEN = /[0-9a-f]{16,}|[A-Za-z0-9+/_-]{32,}={0,2}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    const read = (dir: string): Map<string, string> => {
      const m = new Map<string, string>();
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          const rel = path.relative(dir, p);
          if (e.isDirectory()) walk(p);
          else if (p.endsWith('.pdf')) m.set(rel, execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-']).toString('utf8'));
          else if (p.endsWith('.docx')) m.set(rel, [...execFileSync('unzip', ['-p', p, 'word/document.xml']).toString('utf8').matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)].map((x) => x[1]).join(' '));
          else m.set(rel, fs.readFileSync(p).toString('latin1'));
        }
      };
      walk(dir);
      return m;
    };
    const fa = read(out('a'));
    const fb = read(out('b'));
    const tokens = (m: Map<string, string>): Set<string> => new Set([...m.values()].flatMap((t) => t.match(TOKEN) ?? []));
    const tb = tokens(fb);
    const shared = [...tokens(fa)].filter((t) => tb.has(t));
    const origin = fa.get('custody/verifier-key')!.split('+')[0]!;
    const keyFiles = fa.get('custody/verifier-key')! + fa.get('custody/public-key')!;
    const entries = (m: Map<string, string>) => [...m].filter(([f]) => /^custody\/entries\/\d+\.json$/.test(f)).map(([f, text]) => ({ f, text, e: JSON.parse(text) as { type: string; v: number } }));
    // Events carry no hash of their neighbour in the log (version 2, issue 14): nothing one packet holds names an
    // event of the other.
    for (const m of [fa, fb]) for (const { f, e } of entries(m)) expect(e, f).not.toHaveProperty('prev');
    const consentText = [...entries(fa), ...entries(fb)].filter((x) => x.e.type.startsWith('consent.')).map((x) => x.text);
    const identical = new Set([...fa.keys()].filter((f) => fb.get(f) === fa.get(f)));
    // The only files both packets hold byte for byte: the bag declaration, the vault's public keys, and the consent
    // record both rely on (its entry and its line of events.jsonl come with their own proof, which differs).
    const consentEntries = entries(fa).filter((x) => consentText.includes(x.text)).map((x) => x.f);
    expect([...identical].sort()).toEqual(['bagit.txt', 'custody/public-key', 'custody/verifier-key', ...consentEntries].sort());
    const consentLines = (m: Map<string, string>) => m.get('custody/events.jsonl')!.split('\n').filter((l) => consentText.some((c) => l.includes(JSON.stringify(c).slice(1, 60))));
    // Why each kind of shared value is there (README, 'What two packets of one vault share'):
    //  - the log origin and the vault's public key: what a reviewer checks every signature against;
    //  - nodes of the log's Merkle tree in the RFC 9162 inclusion proofs: any two proofs in one tree share the
    //    hashes of the subtrees above them; they tell only what each event's seq and the common origin already say;
    //  - the consent record both packets rely on (same person, same consent): the packet's evidence that sharing
    //    the material was consented to, recorded before the export;
    //  - the hash of a file both hold (in the manifests): computable from the file itself.
    const explainedIn = (m: Map<string, string>, t: string): boolean => {
      if (t.includes(origin) || keyFiles.includes(t) || [...m.keys()].some((f) => f.startsWith(t))) return true;
      return [...m].filter(([, text]) => text.includes(t)).every(([f, text]) => {
        if (f.startsWith('custody/proofs/')) return text.split('\n').some((l) => l === t && Buffer.from(t, 'base64').length === 32); // a Merkle node
        if (consentText.includes(text)) return true;
        if (f === 'custody/events.jsonl') return consentLines(m).some((l) => l.includes(t));
        if (/manifest-sha256\.txt$/.test(f)) return text.split('\n').some((l) => l.startsWith(t) && identical.has(l.slice(t.length).trim()));
        return false;
      });
    };
    const explained = (t: string): boolean => explainedIn(fa, t) && explainedIn(fb, t);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter((t) => !explained(t))).toEqual([]);
    // Each packet's own checkpoint, signature and id are its own.
    for (const f of ['custody/checkpoint', 'tagmanifest-sha256.txt.minisig', 'bag-info.txt', 'custody/items.json']) expect(fa.get(f), f).not.toBe(fb.get(f));
  });
});
