/**
 * ICC profile policy, shared by every format that embeds one (JPEG APP2, PNG iCCP, WebP ICCP, BMP V5).
 *
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
