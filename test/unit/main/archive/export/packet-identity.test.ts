import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestimony } from '../../../../../main/archive/catalogue';
import { exportPacket } from '../../../../../main/archive/export';
import { commitment } from '../../../../../main/archive/custody/commitment';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { PacketExportReport } from '../../../../../shared/model/packet';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

/**
 * A packet carries only its own exhibits' and testimonies' custody events and no identifier of another packet: the
 * `item.derived` events of earlier exports (with their packet ids) stay out, so packets do not link to each other
 * and do not grow with the vault's history.
 *
 * Issue 14, Must show: two packets exported from the same case share no identifier other than the vault's signed
 * checkpoint origin. What else two packets of one vault hold in common, and why each is inherent (also in
 * main/archive/packet/README.md, 'What two packets of one vault share'):
 *  - the vault's public key (custody/public-key, custody/verifier-key): the signer key a reviewer must check every
 *    signature against; it names the same vault as the origin, and a packet signed by another key proves nothing;
 *  - nodes of the log's Merkle tree in the RFC 9162 inclusion proofs: any two proofs in one tree share the hashes
 *    of the complete subtrees beside their paths; they say where the events sit in the one log, which the events'
 *    seq and the origin state anyway, and nothing of the events themselves; for the same reason an earlier
 *    packet's checkpoint root (also quoted in its cover) is a node of a later packet's proofs when the earlier tree
 *    size is a power of two (that whole tree is then a complete subtree of every later one);
 *  - the SHA-256 of a file both hold byte for byte (bagit.txt; the same exhibit's copy when both carry it): anyone
 *    holding the file computes it;
 *  - not inherent, stated there until the event format changes: the case id and the witness's person id of the
 *    testimonies both carry, which a testimony's custody events name in the clear.
 * The consent record both rely on is no longer shared: each packet carries its own `consent.relied` event, whose
 * record and event are sealed in a salted commitment new for each packet (the `consent.recorded` event, its ids,
 * signature and leaf hash were the same in every packet relying on it).
 */

const ID = /\b(pkt|it|case|per|tes|con|tag|lnk|pmb)_[0-9a-z]{10}\b/g; // every prefix newId() gives (main/archive/ids.ts)

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
    // Two packets, each with a different testimony of the same witness in the same case.
    const second = createTestimony(w.vault, { caseId: w.caseId, witnessId: w.persons.witness, title: 'Second statement', interviewDate: '2024-03-09', language: 'es', text: 'Volví al retén dos días después.' });
    reports.e = await exportPacket(w.vault, { ...base, itemIds: [w.photos[1]!.itemId], testimonyIds: [w.testimonyId], outPath: out('e') });
    reports.f = await exportPacket(w.vault, { ...base, itemIds: [w.photos[2]!.itemId], testimonyIds: [second.id], outPath: out('f') });
  });
  afterAll(() => w?.vault.lock());

  it('two packets of the same case with different exhibits share no identifier but the log origin', () => {
    const a = allText(out('a'));
    const b = allText(out('b'));
    const idsA = new Set(a.match(ID));
    const idsB = new Set(b.match(ID));
    expect(idsA.has(reports.a!.packetId)).toBe(true);
    expect(idsB.has(reports.b!.packetId)).toBe(true);
    // Both rely on the victim's consent record for this mechanism, yet neither names it nor the victim's person id.
    for (const text of [a, b]) for (const id of [w.victimConsentId, w.persons.victim]) expect(text).not.toContain(id);
    const shared = [...idsA].filter((id) => idsB.has(id));
    expect(shared).toEqual([]);
    const origin = fs.readFileSync(path.join(out('a'), 'custody/verifier-key'), 'utf8').split('+')[0]!;
    expect(b).toContain(origin);
    expect(a).not.toContain(reports.b!.packetId);
    expect(b).not.toContain(reports.a!.packetId);
  });

  it('two packets with different testimonies of one witness in one case share the case id and the witness id (the testimony events name them)', () => {
    // Stated in main/archive/packet/README.md ('What two packets of one vault share'): a testimony's custody events
    // name its case and witness in the clear, so these two ids link the packets; nothing else does.
    const idsE = new Set(allText(out('e')).match(ID));
    const idsF = new Set(allText(out('f')).match(ID));
    expect([...idsE].filter((id) => idsF.has(id)).sort()).toEqual([w.caseId, w.persons.witness].sort());
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
    expect(events(out('d')).every((e) => e.subject === w.photos[0]!.itemId || e.type === 'consent.relied')).toBe(true);
  });

  it('each packet seals the consent it relies on in a commitment of its own, which the owner can open', () => {
    const relied = (dir: string) => events(dir).filter((e) => e.type === 'consent.relied') as unknown as { seq: number; subject: null; data: Record<string, unknown> }[];
    const [ra, rb] = [relied(out('a')), relied(out('b'))];
    // Packet a relies on the victim's consent; b also on the witness's (its testimony).
    expect(ra).toHaveLength(1);
    expect(rb).toHaveLength(2);
    for (const r of [...ra, ...rb]) {
      // In the clear: what the consent allows, for this packet; no person, no record, no event of the vault named.
      expect(r.subject).toBeNull();
      expect(Object.keys(r.data).sort()).toEqual(['commitment', 'discloseName', 'fields', 'givenAt', 'howRecorded', 'mechanism', 'packetId', 'shareMaterial']);
      expect(r.data.fields).toEqual(['consentEventSeq', 'consentEventSha256', 'consentId']);
      expect(r.data.commitment).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(ra[0]!.data).toMatchObject({ packetId: reports.a!.packetId, mechanism: MECHANISM, discloseName: false, shareMaterial: true, givenAt: '2024-04-01', howRecorded: 'written-signed' });
    expect(rb.every((r) => r.data.packetId === reports.b!.packetId)).toBe(true);
    // Opened with the salt kept in the vault: each commitment is to exactly one consent.recorded event of the vault,
    // the victim's for a and for b, by commitments that differ.
    const recorded = [...w.vault.log.events()].flatMap((e) => {
      const ev = parseEvent(e.bytes);
      return ev.type === 'consent.recorded' ? [{ consentId: String(ev.data.consentId), consentEventSeq: e.seq, consentEventSha256: crypto.createHash('sha256').update(e.bytes).digest('hex') }] : [];
    });
    const opens = (r: (typeof ra)[number]) => {
      const salt = w.vault.log.salt(r.seq)!;
      expect(salt).toBeDefined();
      return recorded.filter((o) => commitment(salt, o) === r.data.commitment).map((o) => o.consentId);
    };
    expect(opens(ra[0]!)).toEqual([w.victimConsentId]);
    const victimInB = rb.filter((r) => opens(r).includes(w.victimConsentId));
    expect(victimInB).toHaveLength(1);
    expect(victimInB[0]!.data.commitment).not.toBe(ra[0]!.data.commitment);
    expect(rb.map((r) => opens(r).length)).toEqual([1, 1]);
  });

  it('two packets with different exhibits share no hash, signature or random id but the origin, the signer key, Merkle nodes and the hashes of identical files', () => {
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
    // No event is in both packets (the consent each relies on is its own consent.relied event).
    const entriesB = new Set(entries(fb).map((x) => x.text));
    expect(entries(fa).filter((x) => entriesB.has(x.text)).map((x) => x.f)).toEqual([]);
    // The only files both packets hold byte for byte: the bag declaration and the vault's public keys.
    const identical = new Set([...fa.keys()].filter((f) => fb.get(f) === fa.get(f)));
    expect([...identical].sort()).toEqual(['bagit.txt', 'custody/public-key', 'custody/verifier-key']);
    // Each shared token must be one of the inherent kinds (see the header): the origin, the signer key, a Merkle
    // node of an inclusion proof (a 32-byte hash on a line of its own), or the hash of a file both hold.
    const explainedIn = (m: Map<string, string>, t: string): boolean => {
      if (t.includes(origin) || keyFiles.includes(t) || [...m.keys()].some((f) => f.startsWith(t))) return true;
      const isRoot = m.get('custody/checkpoint')!.split('\n')[2] === t;
      return [...m].filter(([, text]) => text.includes(t)).every(([f, text]) => {
        // The checkpoint's root hash, quoted in the cover: shared only as a Merkle node of the other's proofs.
        if (isRoot && (f === 'custody/checkpoint' || f.startsWith('data/submission/'))) return true;
        if (f.startsWith('custody/proofs/')) return text.split('\n').some((l) => l === t && Buffer.from(t, 'base64').length === 32); // a Merkle node
        if (/manifest-sha256\.txt$/.test(f)) return text.split('\n').some((l) => l.startsWith(t) && identical.has(l.slice(t.length).trim()));
        return false;
      });
    };
    const explained = (t: string): boolean => explainedIn(fa, t) && explainedIn(fb, t);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter((t) => !explained(t)).map((t) => `${t} in ${[...fa, ...fb].filter(([, x]) => x.includes(t)).map(([f]) => f).join(', ')}`)).toEqual([]);
    // Each packet's own checkpoint, signature and id are its own.
    for (const f of ['custody/checkpoint', 'tagmanifest-sha256.txt.minisig', 'bag-info.txt', 'custody/items.json']) expect(fa.get(f), f).not.toBe(fb.get(f));
  });
});
