// The journey through a bundle on a folder, with no network at all: documenter vault → bundle → lawyer vault
// → WGAD packet → reviewer. `huella packet verify` (our verifier) and the standard tools (minisign, sha256sum, the LoC
// BagIt validator, the independent RFC 9162 checker) pass, and the packet's custody holds both vaults' events:
// the lawyer's item.received and the documenter's item.ingested and items.transferred, each proven in its own log.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue/cases';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { verifyPacket } from '../../../../../main/archive/export';
import { verifySenderLink, type ReceivedRecord } from '../../../../../main/archive/packet/sender-link';
import { exportWgadPacket, reviewerToolsPass } from './wgad';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createBundle, receiveBundle, vaultContactCard } from '../../../../../main/archive/transfer';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { writeGpsPhoto } from '../../../../helpers/photos';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { itemHash } from '../backup/helpers';


const root = tempDir('huella-journey-');
let documenter: Vault;
let lawyer: Vault;
let packet: string;
let senderItems: string[];

beforeAll(async () => {
  documenter = (await createVault(path.join(root, 'documenter'), TEST_PASSPHRASE)).vault;
  lawyer = (await createVault(path.join(root, 'lawyer'), TEST_PASSPHRASE)).vault;
  const inbox = path.join(root, 'inbox');
  await Promise.all([1, 2].map((i) => writeGpsPhoto(inbox, `detencion-${i}.jpg`, 40 + i)));
  const ing = await ingestPaths(documenter, [inbox]);
  senderItems = ing.results.map((r) => r.itemId!);
  const c = createCase(documenter, { title: 'Detención arbitraria en el retén norte', country: 'VE' });
  addCaseItems(documenter, { caseId: c.id, itemIds: senderItems });
  const bundle = await createBundle(documenter, path.join(root, 'usb', 'bundle'), { recipient: vaultContactCard(lawyer), caseId: c.id });
  const received = await receiveBundle(lawyer, bundle.dir, { acceptNewSender: true });
  packet = path.join(root, 'packet');
  await exportWgadPacket(lawyer, received.caseId!, packet);
}, 240_000);

afterAll(async () => {
  documenter.lock();
  lawyer.lock();
  await shutdownIngestWorkers();
});

describe('documenter → bundle on a folder → lawyer → WGAD packet → reviewer', () => {
  it('passes huella packet verify, with each exhibit linked to the documenter\'s log', async () => {
    const key = fs.readFileSync(path.join(packet, 'custody/public-key'), 'utf8');
    const report = await verifyPacket(packet, { key });
    expect(report.checks.filter((c) => c.status !== 'PASS'), JSON.stringify(report.checks)).toEqual([]);
    expect(report.ok).toBe(true);
    const e1 = report.files.find((f) => f.path.startsWith('data/evidence/E001'))!;
    expect(e1.reason).toMatch(/received from huella\//);
    expect(report.files.some((f) => f.path.startsWith('custody/senders/1/proofs/') && f.status === 'PASS')).toBe(true);
  });

  it('passes the standard tools: minisign, sha256sum, the BagIt validator, and RFC 9162 checks of BOTH logs', () => {
    expect(reviewerToolsPass(packet)).toEqual([]);
  });

  it('shows both vaults\' events: the lawyer\'s item.received, the documenter\'s item.ingested and items.transferred', async () => {
    const own = fs.readFileSync(path.join(packet, 'custody/events.jsonl'), 'utf8').trim().split('\n').map((l) => parseEvent(Buffer.from((JSON.parse(l) as { event: string }).event)));
    const senders = fs.readFileSync(path.join(packet, 'custody/senders/1/events.jsonl'), 'utf8').trim().split('\n').map((l) => parseEvent(Buffer.from((JSON.parse(l) as { event: string }).event)));
    expect(own.filter((e) => e.type === 'item.received')).toHaveLength(2);
    expect(senders.filter((e) => e.type === 'item.ingested').map((e) => e.subject).sort()).toEqual([...senderItems].sort());
    expect(senders.filter((e) => e.type === 'items.transferred')).toHaveLength(1);
    // The documenter's checkpoint in the packet is one the documenter's own vault signed, over its own log.
    const cp = fs.readFileSync(path.join(packet, 'custody/senders/1/checkpoint'), 'utf8');
    expect(cp.startsWith(`${documenter.log.origin}\n`)).toBe(true);
    // And the exhibit's original is byte-identical to what the documenter imported.
    const items = JSON.parse(fs.readFileSync(path.join(packet, 'custody/items.json'), 'utf8')) as { items: { original: { sha256: string }; received?: { ingested: { seq: number } } }[] };
    for (const it of items.items) {
      const senderIngest = senders.find((e) => e.seq === it.received!.ingested.seq)!;
      expect(senderIngest.data.sha256).toBe(it.original.sha256);
      expect(await itemHash(documenter, senderIngest.subject!)).toBe(it.original.sha256);
    }
  });

  it('a tampered sender record in the packet fails verification, naming the file', async () => {
    const copy = path.join(root, 'packet-tampered');
    fs.cpSync(packet, copy, { recursive: true });
    const proofs = fs.readdirSync(path.join(copy, 'custody/senders/1/proofs'));
    const f = path.join(copy, 'custody/senders/1/entries', proofs[0]!.replace('.tlog-proof', '.json'));
    const entry = fs.readFileSync(f, 'utf8');
    fs.writeFileSync(f, entry.replace(/"v":(\d+)/, (_m, v: string) => `"v":${Number(v) + 1}`));
    expect(fs.readFileSync(f, 'utf8')).not.toBe(entry);
    const report = await verifyPacket(copy, { key: fs.readFileSync(path.join(copy, 'custody/public-key'), 'utf8') });
    expect(report.ok).toBe(false);
    const rel = path.relative(copy, f).split(path.sep).join('/');
    expect(report.files.find((x) => x.path === rel)?.status).toBe('FAIL');
    expect(report.checks.find((c) => c.name === 'items')).toMatchObject({ status: 'FAIL', reason: expect.stringContaining("the sender's event") });
  });
});

/** An exhibit's sender link as the packet ships it: the small files of custody/senders/, its items.json record, its receipt event. */
function shippedLink(): { small: Map<string, Buffer>; rec: ReceivedRecord; original: { sha256: string; size: number }; receipt: { data: Record<string, unknown> } } {
  const small = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(packet, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else small.set(`${rel}/${e.name}`, fs.readFileSync(path.join(packet, rel, e.name)));
    }
  };
  walk('custody/senders');
  const items = JSON.parse(fs.readFileSync(path.join(packet, 'custody/items.json'), 'utf8')) as { items: { received: ReceivedRecord; original: { sha256: string; size: number; ingested: { seq: number } } }[] };
  const it = items.items[0]!;
  const events = fs.readFileSync(path.join(packet, 'custody/events.jsonl'), 'utf8').trim().split('\n').map((l) => parseEvent(Buffer.from((JSON.parse(l) as { event: string }).event)));
  const receipt = events.find((e) => e.seq === it.original.ingested.seq)!;
  return { small, rec: it.received, original: { sha256: it.original.sha256, size: it.original.size }, receipt: { data: receipt.data as Record<string, unknown> } };
}

describe("the sender's link of a received exhibit, step by step (packet/sender-link.ts)", () => {
  const reasons = (l: ReturnType<typeof shippedLink>): string[] => verifySenderLink(l.small, l.rec, l.original, l.receipt).failures.map((f) => `${f.file}: ${f.reason}`);

  it('passes as shipped: the key, the checkpoint, both events and both proofs', () => {
    const l = shippedLink();
    const r = verifySenderLink(l.small, l.rec, l.original, l.receipt);
    expect(r.failures).toEqual([]);
    expect(r.passes.map((p) => p.file).sort()).toEqual([`${l.rec.dir}/checkpoint`, `${l.rec.dir}/verifier-key`, l.rec.ingested.entry, l.rec.ingested.proof, l.rec.transferred.entry, l.rec.transferred.proof].sort());
  });

  it('names the first step that fails, and the file', () => {
    const l = shippedLink();
    const dir = l.rec.dir;
    const without = (file: string) => ({ ...l, small: new Map([...l.small].filter(([k]) => k !== file)) });
    const replaced = (file: string, text: string) => ({ ...l, small: new Map([...l.small, [file, Buffer.from(text)]]) });
    expect(reasons(without(`${dir}/checkpoint`))).toEqual([`${dir}/checkpoint: the sender's checkpoint is missing`]);
    expect(reasons(without(`${dir}/verifier-key`))).toEqual([`${dir}/verifier-key: the sender's verifier key is missing`]);
    expect(reasons({ ...l, rec: { ...l.rec, origin: 'another/log' } })).toEqual([expect.stringContaining("items.json says the sender's log is another/log")]);
    expect(reasons(replaced(`${dir}/events.jsonl`, 'not json\n'))).toEqual([`${dir}/events.jsonl: a line of the sender's events.jsonl is not a canonical event`]);
    expect(reasons({ ...l, rec: { ...l.rec, ingested: { ...l.rec.ingested, entry: `${dir}/entries/999999.json` } } })).toEqual([`${l.rec.ingested.proof}: sender ingest: its entry or proof path does not match event #${l.rec.ingested.seq}`]);
    // Both events are checked: a missing transfer proof is named even when the ingest event is fine.
    expect(reasons(without(l.rec.transferred.proof))).toEqual([`${l.rec.transferred.entry}: sender transfer: the sender's event #${l.rec.transferred.seq} or its proof is missing`]);
    const lines = l.small.get(`${dir}/events.jsonl`)!.toString('utf8').trim().split('\n').map((x) => JSON.parse(x) as { event: string; signature: string });
    const resigned = lines.map((x) => ({ ...x, signature: lines[0]!.signature === x.signature ? lines[1]!.signature : lines[0]!.signature }));
    expect(reasons(replaced(`${dir}/events.jsonl`, resigned.map((x) => JSON.stringify(x)).join('\n')))).toEqual([
      `${l.rec.ingested.entry}: sender ingest: the sender's event #${l.rec.ingested.seq} is not signed by the sender's key (or differs from events.jsonl)`,
      `${l.rec.transferred.entry}: sender transfer: the sender's event #${l.rec.transferred.seq} is not signed by the sender's key (or differs from events.jsonl)`,
    ]);
    expect(reasons({ ...l, original: { ...l.original, size: l.original.size + 1 } })).toEqual([`${l.rec.ingested.entry}: the sender's event #${l.rec.ingested.seq} does not record this original (SHA-256 and size)`]);
    expect(reasons({ ...l, rec: { ...l.rec, transferSalt: 'A'.repeat(22) + '==' } })).toEqual([`${l.rec.transferred.entry}: the sender's transfer event #${l.rec.transferred.seq} does not include this original`]);
    const from = l.receipt.data.from as Record<string, unknown>;
    expect(reasons({ ...l, receipt: { data: { ...l.receipt.data, from: { ...from, checkpointSize: Number(from.checkpointSize) + 1 } } } })).toEqual([
      `${l.rec.ingested.entry}: this vault's receipt event does not name the sender's records shipped here (checkpointSize differ)`,
    ]);
  });
});
