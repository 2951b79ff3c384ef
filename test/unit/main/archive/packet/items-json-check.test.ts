import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { itemsJsonSchema } from '../../../../../main/archive/packet/items-json';
import { itemsJsonIfValid } from '../../../../../main/archive/packet/items-json-check';
import { ITEMS_FORMAT } from '../../../../../main/archive/packet/layout';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../../../main/archive/packet/items.schema.json');

/**
 * itemsJsonIfValid (packet verify's check of items.json without zod) against itemsJsonSchema, the rule: on an
 * items.json using every field, then on every change of every field (removed, replaced by values of each type, at
 * and past each limit, another key added), it may refuse what the schema accepts (the schema is then asked) but must
 * never accept what the schema refuses, and what it accepts is what the schema returns.
 */

const sha = (c: string): string => c.repeat(64);
const ref = (seq: number): { seq: number; proof: string } => ({ seq, proof: `custody/proofs/${seq}.tlog-proof` });
const senderRef = (seq: number): { seq: number; proof: string; entry: string } => ({ seq, proof: `custody/senders/1/proofs/${seq}.tlog-proof`, entry: `custody/senders/1/entries/${seq}.json` });

/** An items.json with every optional part present (a copy with notes, an encrypted original, a received exhibit, a sidecar, a testimony revision). */
function fullItemsJson(): Record<string, unknown> {
  return {
    format: ITEMS_FORMAT,
    packetId: 'pkt_0123456789',
    origin: 'huella/abcdefghijklmnopqrstuvwxyz',
    checkpoint: { path: 'custody/checkpoint', size: 12 },
    mechanismId: 'sp-communication',
    profile: 'forensic',
    items: [
      {
        label: 'E001',
        itemId: 'it_0123456789',
        mediaType: 'image/jpeg',
        title: 'Checkpoint, north side',
        tags: ['vt.arbitrary-detention'],
        original: { sha256: sha('a'), size: 1000, ingested: ref(1) },
        exported: {
          path: 'data/evidence/E001.jpg',
          sha256: sha('b'),
          size: 900,
          transformation: { method: 'lossless-structure', format: 'jpeg', removed: ['gps'], kept: ['orientation'], notes: 'n', keepCaptureDate: false },
          derived: ref(5),
        },
        encryptedOriginal: { path: 'data/originals/E001.jpg.age', sha256: sha('c'), size: 1200, recipient: 'age1xyz' },
        received: { origin: 'huella/sender', dir: 'custody/senders/1', ingested: senderRef(3), transferred: senderRef(4), transferSalt: 'AAAAAAAAAAAAAAAAAAAAAA==' },
        contentCredentials: {
          atImport: 'valid',
          inCopy: 'removed',
          inEncryptedOriginal: true,
          kept: 'sidecar',
          sidecar: { path: 'data/content-credentials/E001.c2pa', sha256: sha('d'), size: 300, describes: 'original', manifests: ['urn:c2pa:1'], activeManifest: 'urn:c2pa:1', derived: ref(6) },
        },
      },
      { label: 'E002', itemId: 'it_1', mediaType: 'video/mp4', tags: [], original: { sha256: sha('e'), size: 0, ingested: ref(2) } },
    ],
    testimonies: [{ label: 'T01', testimonyId: 'te_1', path: 'data/testimonies/T01.txt', sha256: sha('f'), size: 10, revision: 1, revisionEvent: ref(7), transformation: 'names replaced' }],
  };
}

type Path = readonly (string | number)[];

/** Every path to a value (object, array or leaf) of `v`. */
function paths(v: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(v)) return here.concat(...v.map((x, i) => paths(x, [...at, i])));
  if (v && typeof v === 'object') return here.concat(...Object.entries(v).map(([k, x]) => paths(x, [...at, k])));
  return here;
}

function withChange(base: Record<string, unknown>, at: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(base);
  let parent: Record<string | number, unknown> = copy;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  change(parent, at.at(-1)!);
  return copy;
}

/** Values of each JSON type, at and past the schema's limits. */
function replacements(current: unknown): unknown[] {
  const s = typeof current === 'string' ? current : 'x';
  return [
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    '',
    'x',
    s.toUpperCase(),
    `${s}x`,
    `${s}\n`,
    'E12',
    'E123',
    'T1',
    'T12',
    'pkt_012345678',
    'original',
    'removed',
    'sidecar',
    'valid',
    'reencode',
    'forensic',
    ITEMS_FORMAT,
    'A'.repeat(22) + '==',
    'x'.repeat(40),
    'x'.repeat(41),
    'x'.repeat(64),
    'x'.repeat(100),
    'x'.repeat(101),
    'x'.repeat(128),
    'x'.repeat(129),
    'x'.repeat(200),
    'x'.repeat(201),
    'x'.repeat(500),
    'x'.repeat(501),
    'x'.repeat(1024),
    'x'.repeat(1025),
    [],
    [s],
    ['x'.repeat(501)],
    {},
    { seq: 1, proof: 'p' },
  ];
}

function agree(value: unknown, what: string): boolean {
  const fast = itemsJsonIfValid(value);
  const zod = itemsJsonSchema.safeParse(value);
  if (fast !== undefined) {
    expect(zod.success, `${what}: accepted without zod, refused by the schema`).toBe(true);
    expect(zod.data, what).toEqual(value);
  }
  return fast !== undefined;
}

describe('itemsJsonIfValid: never accepts what itemsJsonSchema refuses', () => {
  it('accepts a full items.json as it is, and one without any optional part', () => {
    const full = fullItemsJson();
    expect(itemsJsonSchema.safeParse(full).success).toBe(true);
    expect(itemsJsonIfValid(full)).toBe(full);
    const bare = { ...full, items: [(full.items as unknown[])[1]], testimonies: [] };
    expect(itemsJsonIfValid(bare)).toBe(bare);
  });

  it('every field removed, replaced by another value, or joined by an unknown key', () => {
    const base = fullItemsJson();
    let checked = 0;
    let refusedBoth = 0;
    for (const at of paths(base).filter((p) => p.length > 0)) {
      const variants: [string, unknown][] = [[`${at.join('.')} removed`, withChange(base, at, (o, k) => (Array.isArray(o) ? o.splice(Number(k), 1) : delete o[k]))]];
      let current: unknown = base;
      for (const k of at) current = (current as Record<string | number, unknown>)[k];
      replacements(current).forEach((v, i) => variants.push([`${at.join('.')} = replacement ${i}`, withChange(base, at, (o, k) => (o[k] = v))]));
      if (current && typeof current === 'object' && !Array.isArray(current)) variants.push([`${at.join('.')} with an unknown key`, withChange(base, at, (o, k) => ((o[k] as Record<string, unknown>).unknown = 1))]);
      if (Array.isArray(current)) variants.push([`${at.join('.')} with one more element`, withChange(base, at, (o, k) => (o[k] as unknown[]).push('x'))]);
      for (const [what, value] of variants) {
        checked++;
        if (!agree(value, what) && !itemsJsonSchema.safeParse(value).success) refusedBoth++;
      }
    }
    expect(checked).toBeGreaterThan(4000);
    expect(refusedBoth).toBeGreaterThan(checked / 2);
  });

  it('refuses what is not a plain object of JSON', () => {
    for (const v of [null, [], 'x', 1, Object.assign(Object.create(null) as object, fullItemsJson())]) expect(itemsJsonIfValid(v)).toBeUndefined();
    const withProto = JSON.parse(JSON.stringify(fullItemsJson()).replace('{', '{"__proto__":{"x":1},')) as unknown;
    expect(agree(withProto, '__proto__ key')).toBe(false);
  });
});

describe('items.schema.json: the one description of items.json beside the zod schema', () => {
  it('is exactly z.toJSONSchema(itemsJsonSchema) (after a change to the schema: UPDATE_ITEMS_SCHEMA=1 npx vitest run this file)', () => {
    const fromZod = `${JSON.stringify(z.toJSONSchema(itemsJsonSchema), null, 2)}\n`;
    if (process.env.UPDATE_ITEMS_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, fromZod);
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(fromZod));
  });

  it('the checker refuses to load a schema with a keyword it does not run', async () => {
    const { vi } = await import('vitest');
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { properties: Record<string, Record<string, unknown>> };
    for (const [keyword, value] of [['format', 'email'], ['anyOf', []], ['exclusiveMinimum', 0]] as const) {
      vi.resetModules();
      const changed = structuredClone(schema);
      changed.properties.origin![keyword] = value;
      vi.doMock('../../../../../main/archive/packet/items.schema.json', () => ({ default: changed }));
      await expect(import('../../../../../main/archive/packet/items-json-check'), keyword).rejects.toThrow(new RegExp(`keyword ${keyword} is not understood`));
      vi.doUnmock('../../../../../main/archive/packet/items.schema.json');
    }
    vi.resetModules();
    const changed = structuredClone(schema);
    changed.properties.checkpoint!.additionalProperties = true;
    vi.doMock('../../../../../main/archive/packet/items.schema.json', () => ({ default: changed }));
    await expect(import('../../../../../main/archive/packet/items-json-check')).rejects.toThrow(/not strict/);
    vi.doUnmock('../../../../../main/archive/packet/items.schema.json');
  });
});
