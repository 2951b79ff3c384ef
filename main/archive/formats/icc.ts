import crypto from 'node:crypto';

/**
 * ICC profile policy, shared by every format that embeds one (JPEG APP2, PNG iCCP, WebP ICCP, BMP V5).
 *
 * Current policy (neutraliseIccProfile, used by the JPEG, PNG and WebP strippers): KEEP THE COLOUR, DROP THE
 * IDENTITY. Every phone maker writes its name into the profile it embeds (Google's copyright text and 'GOOG'
 * manufacturer code, Apple's 'APPL'/'appl' header fields, Samsung's, Huawei's and Xiaomi's descriptions and device
 * tags), and the leak check then finds the photo's Make in the copy: the export was blocked, or, with the profile
 * dropped, a wide-gamut photo lost its colours. So the profile is rebuilt: the tags that define colour (matrix
 * columns, tone curves, white and black points, chromatic adaptation, lookup tables, colorant and viewing data) are
 * copied byte for byte, so colour conversion is exactly the original's; the description is kept only when it is a
 * published colour space's name (else a neutral "RGB"/"Gray"/"CMYK"), the copyright text is emptied, and every
 * other tag (device manufacturer and model 'dmnd'/'dmdd', 'meta', calibration data and dates, Apple's 'mmod' and
 * 'dscm', video-card gamma, private tags) is dropped; the header's preferred CMM, date, platform, device
 * manufacturer, device model and creator are zeroed, and the profile ID recomputed. A standard profile is not
 * substituted: copying the colour tags is already lossless, a substitution would be only where the colorimetry is
 * identical, which needs a comparison the copy does not.
 *
 * Earlier policy, still used where a format keeps or drops a whole profile (assessIccProfile):
 * Decision: KEEP a profile, byte-identical, when it is a published colour-space definition (sRGB, Display P3,
 * Adobe RGB…): dropping it would silently change the colours of wide-gamut photos (an iPhone's Display P3 photo
 * shown as sRGB looks washed out), which alters what the evidence looks like. Such a profile is the same bytes in
 * millions of files, so it identifies nobody; its header date is the profile's publication date, not the photo's.
 * DROP every other profile: a display or scanner profile made by calibration software names the device model and
 * sometimes the calibration date ("Dell U2720Q #1 2023-04-01"), and screenshots embed exactly that. Dropping costs a
 * small colour shift, recorded in the StripRecord. The allowlist is matched on the 'desc' tag; a profile with
 * device description tags ('dmnd'/'dmdd') naming anything but a standards body is dropped even with a standard name.
 */

const STANDARD_DESCRIPTIONS = new Set(
  [
    'sRGB IEC61966-2.1',
    'sRGB IEC61966-2-1',
    'sRGB IEC61966-2.1 black scaled',
    'sRGB IEC61966-2-1 black scaled',
    'sRGB',
    'sRGB built-in',
    'sRGB v4 ICC preference perceptual intent beta',
    'sRGB2014',
    'c2ci', // compact sRGB (saucecontrol), used by sharp/libvips
    'sP3C', // compact Display P3 (saucecontrol), used by sharp/libvips
    'sGry', // compact grey
    'Display P3',
    'Display P3 - ACES',
    'P3 D65',
    'DCI-P3',
    'DCI(P3) RGB',
    'Adobe RGB (1998)',
    'Compatible with Adobe RGB (1998)',
    'ProPhoto RGB',
    'ROMM-RGB',
    'Generic RGB Profile',
    'Generic Gray Profile',
    'Generic Gray Gamma 2.2 Profile',
    'Gray Gamma 2.2',
    'Gray Gamma 1.8',
    'Dot Gain 10%',
    'Dot Gain 15%',
    'Dot Gain 20%',
    'Dot Gain 25%',
    'Dot Gain 30%',
    'Apple RGB',
    'ColorMatch RGB',
    'eciRGB v2',
    'eciRGB v4',
    'Wide Gamut RGB',
    'Rec. ITU-R BT.709-5',
    'Rec. ITU-R BT.2020-1',
    'ITU-R BT.2020',
    'Rec.2020',
    'Rec2020',
    'BT.2020',
    'HDTV (Rec. 709)',
    'U.S. Web Coated (SWOP) v2',
    'U.S. Sheetfed Coated v2',
    'Coated FOGRA27 (ISO 12647-2:2004)',
    'Coated FOGRA39 (ISO 12647-2:2004)',
    'Uncoated FOGRA29 (ISO 12647-2:2004)',
    'Japan Color 2001 Coated',
    'Japan Color 2001 Uncoated',
    'ISO Coated v2 (ECI)',
    'ISO Coated v2 300% (ECI)',
    'PSO Coated v3',
    'Chrome 64 Default RGB',
  ].map(normalise),
);

const STANDARD_DEVICE_TEXT = /^(IEC\b|IEC http|International Color Consortium|IEC 61966-2[.-]1\b|ITU\b|Adobe Systems)/i;

function normalise(s: string): string {
  return s.replace(/\0/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

export type IccAssessment = { readonly standard: boolean; readonly reason: string };

function readTagText(p: Buffer, offset: number, size: number): string | undefined {
  if (offset < 0 || size < 12 || offset + size > p.length) return undefined;
  const type = p.toString('latin1', offset, offset + 4);
  switch (type) {
    case 'desc': {
      const n = p.readUInt32BE(offset + 8);
      if (n > size - 12) return undefined;
      return p.toString('latin1', offset + 12, offset + 12 + n);
    }
    case 'text':
      return p.toString('latin1', offset + 8, offset + size);
    case 'mluc': {
      const records = p.readUInt32BE(offset + 8);
      const recSize = p.readUInt32BE(offset + 12);
      if (records === 0 || recSize < 12 || 16 + records * recSize > size) return undefined;
      // The first record is enough for matching; all records are scanned by findLeaks' value check.
      const len = p.readUInt32BE(offset + 16 + 4);
      const off = p.readUInt32BE(offset + 16 + 8);
      if (off + len > size || len % 2 !== 0) return undefined;
      const be = p.subarray(offset + off, offset + off + len);
      const le = Buffer.from(be);
      le.swap16();
      return le.toString('utf16le');
    }
    default:
      return undefined;
  }
}

/** Reads the profile's tag table and says whether it is a published colour space (keep) or anything else (drop). */
export function assessIccProfile(profile: Buffer): IccAssessment {
  if (profile.length < 132 || profile.toString('latin1', 36, 40) !== 'acsp') return { standard: false, reason: 'not a valid ICC profile' };
  const declared = profile.readUInt32BE(0);
  if (declared > profile.length || declared < 132) return { standard: false, reason: 'profile size inconsistent' };
  const count = profile.readUInt32BE(128);
  if (count > 200 || 132 + count * 12 > profile.length) return { standard: false, reason: 'tag table inconsistent' };
  const texts = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    const sig = profile.toString('latin1', e, e + 4);
    if (sig === 'desc' || sig === 'dmnd' || sig === 'dmdd') {
      const t = readTagText(profile, profile.readUInt32BE(e + 4), profile.readUInt32BE(e + 8));
      if (t === undefined) return { standard: false, reason: `unreadable ${sig} tag` };
      texts.set(sig, t);
    }
  }
  const desc = texts.get('desc');
  if (desc === undefined || !STANDARD_DESCRIPTIONS.has(normalise(desc))) return { standard: false, reason: 'device-specific profile' };
  for (const sig of ['dmnd', 'dmdd']) {
    const t = texts.get(sig);
    if (t !== undefined && normalise(t) !== '' && !STANDARD_DEVICE_TEXT.test(normalise(t))) return { standard: false, reason: 'profile names a device' };
  }
  return { standard: true, reason: 'standard colour space' };
}

/** The profile's description text, or '' when it has none that can be read (a damaged or unusual profile). */
export function iccDescription(profile: Buffer): string {
  const count = profile.length >= 132 ? profile.readUInt32BE(128) : 0;
  for (let i = 0; i < Math.min(count, 200); i++) {
    const e = 132 + i * 12;
    if (e + 12 > profile.length) break;
    if (profile.toString('latin1', e, e + 4) === 'desc') return (readTagText(profile, profile.readUInt32BE(e + 4), profile.readUInt32BE(e + 8)) ?? '').replace(/\0/g, '').trim();
  }
  return '';
}

/** A short, non-identifying label for the record (the description only when it is on the allowlist). */
export function iccLabel(profile: Buffer): string {
  const count = profile.length >= 132 ? profile.readUInt32BE(128) : 0;
  for (let i = 0; i < Math.min(count, 200); i++) {
    const e = 132 + i * 12;
    if (e + 12 > profile.length) break;
    if (profile.toString('latin1', e, e + 4) === 'desc') {
      const t = readTagText(profile, profile.readUInt32BE(e + 4), profile.readUInt32BE(e + 8));
      if (t !== undefined && STANDARD_DESCRIPTIONS.has(normalise(t))) return t.replace(/\0/g, '').trim();
    }
  }
  return 'device-specific';
}


// ------------------------------------------------------------------------------------------------ neutralisation

/** Tags that define colour conversion (ICC.1:2010 and v2): copied byte for byte. Every other tag is dropped. */
const COLOUR_TAGS = new Set([
  'rXYZ', 'gXYZ', 'bXYZ', 'rTRC', 'gTRC', 'bTRC', 'kTRC', 'wtpt', 'bkpt', 'chad', 'chrm', 'lumi', 'meas', 'view', 'tech', 'ciis',
  'A2B0', 'A2B1', 'A2B2', 'A2B3', 'B2A0', 'B2A1', 'B2A2', 'B2A3', 'D2B0', 'D2B1', 'D2B2', 'D2B3', 'B2D0', 'B2D1', 'B2D2', 'B2D3',
  'gamt', 'pre0', 'pre1', 'pre2', 'clro', 'clrt', 'clot', 'rig0', 'rig2', 'cicp', 'ncl2', 'resp', 'bfd ',
]);

/** Header fields that name a vendor, a device, a platform or a moment: [start, end, name]. */
const IDENTITY_HEADER_FIELDS: readonly (readonly [number, number, string])[] = [
  [4, 8, 'preferred CMM'],
  [24, 36, 'date'],
  [40, 44, 'platform'],
  [48, 52, 'device manufacturer'],
  [52, 56, 'device model'],
  [80, 84, 'creator'],
];

function findTagText(profile: Buffer, sig: string): string | undefined {
  const count = profile.readUInt32BE(128);
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    if (profile.toString('latin1', e, e + 4) === sig) return readTagText(profile, profile.readUInt32BE(e + 4), profile.readUInt32BE(e + 8));
  }
  return undefined;
}

export type NeutralisedProfile =
  | { readonly ok: true; readonly profile: Buffer; readonly label: string; readonly removed: readonly string[] }
  | { readonly ok: false; readonly reason: string };

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

/** A text tag in the type the profile's version expects: 'desc'/'text' (v2) or 'mluc' (v4). */
function textTag(sig: 'desc' | 'cprt', text: string, v4: boolean): Buffer {
  if (v4) {
    const utf16 = Buffer.from(text, 'utf16le');
    utf16.swap16();
    const b = Buffer.alloc(28 + utf16.length);
    b.write('mluc', 0, 'latin1');
    b.writeUInt32BE(1, 8);
    b.writeUInt32BE(12, 12);
    b.write('enUS', 16, 'latin1');
    b.writeUInt32BE(utf16.length, 20);
    b.writeUInt32BE(28, 24);
    utf16.copy(b, 28);
    return b;
  }
  const ascii = Buffer.from(`${text}\0`, 'latin1');
  if (sig === 'cprt') return Buffer.concat([Buffer.from('text\0\0\0\0', 'latin1'), ascii]);
  // textDescriptionType: ASCII count and string, then empty Unicode and ScriptCode parts (67-byte Mac field).
  const b = Buffer.alloc(12 + ascii.length + 4 + 4 + 2 + 1 + 67);
  b.write('desc', 0, 'latin1');
  b.writeUInt32BE(ascii.length, 8);
  ascii.copy(b, 12);
  return b;
}

function neutralDescription(profile: Buffer, desc: string | undefined): string {
  if (desc !== undefined && STANDARD_DESCRIPTIONS.has(normalise(desc))) return desc.replace(/\0/g, '').trim();
  const space = profile.toString('latin1', 16, 20);
  return space === 'GRAY' ? 'Gray' : space === 'CMYK' ? 'CMYK' : space === 'RGB ' ? 'RGB' : 'Colour profile';
}

type Tag = { readonly sig: string; readonly data: Buffer };
type SortedTags = { readonly kept: Tag[]; readonly removed: Set<string>; readonly desc: string | undefined };

/** The profile cut to its declared size, when its header and tag table hold together; else why not. */
function checkedProfile(input: Buffer): { profile: Buffer; count: number } | { reason: string } {
  if (input.length < 132 || input.toString('latin1', 36, 40) !== 'acsp') return { reason: 'not a valid ICC profile' };
  const declared = input.readUInt32BE(0);
  if (declared > input.length || declared < 132) return { reason: 'profile size inconsistent' };
  const profile = input.subarray(0, declared);
  const count = profile.readUInt32BE(128);
  if (count > 200 || 132 + count * 12 > profile.length) return { reason: 'tag table inconsistent' };
  return { profile, count };
}

/** The tag table read: colour tags kept (the first of each signature), the others named as removed, 'desc' read. */
function sortTags(profile: Buffer, count: number): SortedTags | { reason: string } {
  const kept: Tag[] = [];
  const removed = new Set<string>();
  let desc: string | undefined;
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    const sig = profile.toString('latin1', e, e + 4);
    const at = profile.readUInt32BE(e + 4);
    const size = profile.readUInt32BE(e + 8);
    if (at < 132 || size < 8 || at + size > profile.length) return { reason: `tag ${JSON.stringify(sig)} lies outside the profile` };
    if (sig === 'desc') desc = readTagText(profile, at, size);
    if (COLOUR_TAGS.has(sig)) {
      if (!kept.some((k) => k.sig === sig)) kept.push({ sig, data: profile.subarray(at, at + size) });
    } else if (sig !== 'desc' && sig !== 'cprt') removed.add(/^[\x20-\x7e]{4}$/.test(sig) ? sig.trim() : 'private');
  }
  if (!kept.some((k) => /^(rXYZ|kTRC|A2B0|B2A0|D2B0)$/.test(k.sig))) return { reason: 'no colour-defining tags' };
  return { kept, removed, desc };
}

/** The tag table and tag data: each tag's data 4-byte aligned after the table; identical data is stored once. */
function layOutTags(kept: readonly Tag[]): { table: Buffer; blobs: Buffer[] } {
  const blobs: Buffer[] = [];
  const entries: { sig: string; at: number; size: number }[] = [];
  let offset = 132 + kept.length * 12;
  for (const k of kept) {
    const same = entries.findIndex((x, j) => kept[j]!.data.equals(k.data));
    if (same >= 0) {
      entries.push({ sig: k.sig, at: entries[same]!.at, size: k.data.length });
      continue;
    }
    entries.push({ sig: k.sig, at: offset, size: k.data.length });
    const padded = pad4(Buffer.from(k.data));
    blobs.push(padded);
    offset += padded.length;
  }
  const table = Buffer.alloc(4 + kept.length * 12);
  table.writeUInt32BE(kept.length, 0);
  entries.forEach((x, j) => {
    table.write(x.sig, 4 + j * 12, 'latin1');
    table.writeUInt32BE(x.at, 4 + j * 12 + 4);
    table.writeUInt32BE(x.size, 4 + j * 12 + 8);
  });
  return { table, blobs };
}

/** The new profile: the header with its identifying fields and reserved bytes zeroed, size and profile ID rewritten. */
function assemble(profile: Buffer, kept: readonly Tag[]): Buffer {
  const header = Buffer.from(profile.subarray(0, 128));
  for (const [a, b] of IDENTITY_HEADER_FIELDS) header.fill(0, a, b);
  header.fill(0, 100, 128); // reserved
  const { table, blobs } = layOutTags(kept);
  const out = Buffer.concat([header, table, ...blobs]);
  out.writeUInt32BE(out.length, 0);
  const hadId = profile.subarray(84, 100).some((x) => x !== 0);
  out.fill(0, 84, 100);
  if (hadId) {
    // ICC.1:2010 7.2.18: MD5 of the profile with flags, rendering intent and the ID itself zeroed.
    const forId = Buffer.from(out);
    forId.fill(0, 44, 48);
    forId.fill(0, 64, 68);
    crypto.createHash('md5').update(forId).digest().copy(out, 84);
  }
  return out;
}

/** What the rebuild took away, in words for the record. */
function removedParts(profile: Buffer, { removed, desc }: SortedTags, label: string): string[] {
  const dropped = [...removed].sort();
  const zeroed = IDENTITY_HEADER_FIELDS.filter(([a, b]) => profile.subarray(a, b).some((x) => x !== 0)).map(([, , name]) => name);
  const cprtText = findTagText(profile, 'cprt');
  return [
    ...(desc !== undefined && desc.replace(/\0/g, '').trim() !== label ? ['description replaced by the colour space name'] : []),
    ...(cprtText !== undefined && cprtText.replace(/\0/g, '').trim() !== '' ? ['copyright text'] : []),
    ...(zeroed.length > 0 ? [`header ${zeroed.join(', ')}`] : []),
    ...(dropped.length > 0 ? [`tags ${dropped.join(', ')}`] : []),
  ];
}

/**
 * Rebuilds `input` with its colour tags only, a neutral description and copyright, and the header's identifying
 * fields zeroed (see the header of this file). `ok: false` when the profile is malformed: the caller drops it.
 */
export function neutraliseIccProfile(input: Buffer): NeutralisedProfile {
  const checked = checkedProfile(input);
  if ('reason' in checked) return { ok: false, reason: checked.reason };
  const { profile, count } = checked;
  const tags = sortTags(profile, count);
  if ('reason' in tags) return { ok: false, reason: tags.reason };
  const v4 = (profile[8] ?? 0) >= 4;
  const label = neutralDescription(profile, tags.desc);
  const kept = [...tags.kept, { sig: 'desc', data: textTag('desc', label, v4) }, { sig: 'cprt', data: textTag('cprt', '', v4) }];
  return { ok: true, profile: assemble(profile, kept), label, removed: removedParts(profile, tags, label) };
}
