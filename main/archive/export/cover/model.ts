import type { Language } from '../../../../shared/api';
import { coverText, joinList } from '../../../../shared/cover';
import { allFields, type AnswerValue, type Mechanism, type MechanismField } from '../../../../shared/mechanisms';
import { pickLocalized } from '../../../../shared/localized';
import type { PacketProfile, PlannedField } from '../../../../shared/model/packet';
import { termLabel } from '../../../../shared/taxonomy';

/**
 * The content of a packet's cover documents, independent of the file format: the DOCX (editable, lawyers finish it
 * before sending) and the PDF are both rendered from this one model, so they always say the same thing.
 *
 * A `Text` marked `ltr` is data that must read left to right whatever the document direction (hashes, file names,
 * dates, ids, commands): the renderers isolate it, so an Arabic document does not reorder "2024-03-05" or a hash.
 */

export type Text = { readonly text: string; readonly ltr?: boolean; readonly mono?: boolean };

/**
 * Whether a text reads left to right by its first strong letter (HTML's dir="auto" rule): a Latin name or phrase
 * inside an Arabic document must still show "(unit 7)" with its brackets where they belong.
 */
export function startsLeftToRight(s: string): boolean {
  const m = /[\p{L}]/u.exec(s);
  if (!m) return false;
  return !/[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u.test(m[0]);
}

export type CoverField = { readonly label: string; readonly lines: readonly Text[]; readonly missing: boolean; readonly confidential: boolean };
export type CoverSection = { readonly title: string; readonly fields: readonly CoverField[] };

export type EvidenceRow = {
  readonly label: string;
  readonly file: string;
  readonly shows: string;
  readonly tags: string;
  readonly originalSha256: string;
  readonly exportedSha256: string | undefined;
  readonly transformation: string;
};

export type CoverModel = {
  readonly lang: Language;
  readonly rtl: boolean;
  readonly title: string;
  readonly caseTitle: string;
  readonly notices: readonly string[];
  readonly meta: readonly (readonly [string, Text])[];
  readonly namesNote: string;
  readonly sections: readonly CoverSection[];
  readonly evidence: readonly EvidenceRow[];
  readonly testimonies: readonly { readonly label: string; readonly file: string; readonly witness: string; readonly date: string }[];
  readonly custodyIntro: string;
  readonly custody: readonly (readonly [string, Text])[];
  readonly verifyIntro: string;
  readonly commands: readonly (readonly [string, string])[];
  readonly headings: {
    readonly fields: string;
    readonly evidence: string;
    readonly testimonies: string;
    readonly custody: string;
    readonly verify: string;
    readonly number: string;
    readonly file: string;
    readonly shows: string;
    readonly tags: string;
    readonly hashes: string;
    readonly original: string;
    readonly exported: string;
    readonly transformation: string;
    readonly witness: string;
    readonly interviewDate: string;
    readonly confidential: string;
  };
};

export type CoverInput = {
  readonly lang: Language;
  readonly mechanism: Mechanism;
  readonly caseTitle: string;
  readonly packetId: string;
  readonly preparedOn: string;
  readonly profile: PacketProfile;
  readonly fields: readonly PlannedField[];
  readonly evidence: readonly {
    readonly label: string;
    readonly file: string;
    readonly shows: string;
    readonly tagIds: readonly string[];
    readonly originalSha256: string;
    readonly exportedSha256?: string;
    readonly method?: 'lossless-structure' | 'reencode' | 'rewrite';
    /** Read back from the written copy: it holds a capture date. */
    readonly captureDateKept?: boolean;
    readonly encryptedOriginal: boolean;
  }[];
  readonly testimonies: readonly { readonly label: string; readonly file: string; readonly witness?: string; readonly date?: string }[];
  readonly custody: {
    readonly firstIngest: string;
    readonly lastIngest: string;
    readonly origin: string;
    readonly size: number;
    readonly rootHash: string;
    readonly events: number;
    readonly minisignKeyLine: string;
    readonly exampleProofSeq: number | undefined;
  };
};

function countryName(code: string, lang: Language): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function valueLines(field: MechanismField | undefined, value: AnswerValue, lang: Language): Text[] {
  if (value === null) return [];
  if (typeof value === 'boolean') return [{ text: coverText(value ? 'yes' : 'no', lang) }];
  const choiceLabel = (id: string): string => {
    const c = field?.choices?.find((x) => x.id === id);
    if (c) return pickLocalized(c.label, lang);
    return /^[a-z]+\.[a-z0-9.-]+$/.test(id) ? termLabel(id, lang) : id;
  };
  if (Array.isArray(value)) {
    if (field?.type === 'items') return value.map((v: string) => ({ text: v, ltr: true }));
    return value.map((v: string) => ({ text: choiceLabel(v) }));
  }
  const s = value as string;
  switch (field?.type) {
    case 'choice':
      return [{ text: choiceLabel(s) }];
    case 'country':
      return [{ text: countryName(s, lang) }];
    case 'date':
      return [{ text: s, ltr: true }];
    default:
      return s.split('\n').map((line) => ({ text: line }));
  }
}

function transformationText(method: 'lossless-structure' | 'reencode' | 'rewrite' | undefined, captureDateKept: boolean, encrypted: boolean, lang: Language): string {
  const parts: string[] = [];
  if (method === 'lossless-structure') parts.push(coverText('strippedLossless', lang));
  else if (method === 'reencode') parts.push(coverText('strippedReencode', lang));
  else if (method === 'rewrite') parts.push(coverText('strippedRewrite', lang));
  if (method && captureDateKept) parts.push(coverText('captureDateKept', lang));
  if (encrypted) parts.push(coverText('encryptedOriginal', lang));
  return joinList(parts, lang);
}

type T = (k: Parameters<typeof coverText>[0]) => string;

/** Red notices above everything: a template that is a draft or partial, answers deferred. */
function coverNotices(input: CoverInput, t: T): string[] {
  const notices: string[] = [];
  if (input.mechanism.status === 'draft') notices.push(t('templateDraft'));
  else if (input.mechanism.status === 'partial') notices.push(t('templatePartial'));
  if (input.fields.some((f) => f.deferred)) notices.push(t('deferredNotice'));
  return notices;
}

/** The mechanism's sections with the planned answers in them; an empty answer says deferred, missing or not answered. */
function coverSections(input: CoverInput, t: T): CoverSection[] {
  const { lang, mechanism } = input;
  const byId = new Map(allFields(mechanism).map((f) => [f.id, f]));
  return mechanism.sections.map((s) => ({
    title: pickLocalized(s.title, lang),
    fields: input.fields
      .filter((f) => f.sectionId === s.id)
      .map((f) => {
        const lines = valueLines(byId.get(f.fieldId), f.value, lang);
        const missing = lines.length === 0;
        return {
          label: f.label,
          lines: missing ? [{ text: f.deferred ? t('deferred') : f.required ? t('missing') : t('notAnswered') }] : lines,
          missing: missing && f.required,
          confidential: f.confidential,
        };
      }),
  }));
}

/** Addressee, contact (to be checked), packet id, date prepared, profile. */
function coverMeta(input: CoverInput, t: T): CoverModel['meta'] {
  const { lang, mechanism } = input;
  const contact = typeof mechanism.addressee.contact === 'string' ? mechanism.addressee.contact : pickLocalized(mechanism.addressee.contact, lang);
  return [
    [t('to'), { text: pickLocalized(mechanism.addressee.name, lang) }],
    [t('contact'), { text: `${contact} — ${t('contactCheck')}` }],
    [t('packetId'), { text: input.packetId, ltr: true }],
    [t('prepared'), { text: input.preparedOn, ltr: true }],
    [t('profile'), { text: t(input.profile === 'forensic' ? 'profile.forensic' : 'profile.redacted') }],
  ];
}

function coverEvidence(input: CoverInput, t: T): EvidenceRow[] {
  const { lang } = input;
  return input.evidence.map((e) => ({
    label: e.label,
    file: e.file,
    shows: e.shows || t('noDescription'),
    tags: joinList(e.tagIds.map((id) => termLabel(id, lang)), lang),
    originalSha256: e.originalSha256,
    exportedSha256: e.exportedSha256,
    transformation: transformationText(e.method, e.captureDateKept ?? false, e.encryptedOriginal, lang),
  }));
}

/** The checkpoint's figures; the root hash and the public key monospaced. */
function coverCustody(c: CoverInput['custody'], t: T): CoverModel['custody'] {
  return [
    [t('firstIngest'), { text: c.firstIngest, ltr: true }],
    [t('lastIngest'), { text: c.lastIngest, ltr: true }],
    [t('checkpointOrigin'), { text: c.origin, ltr: true }],
    [t('checkpointSize'), { text: String(c.size), ltr: true }],
    [t('checkpointRoot'), { text: c.rootHash, ltr: true, mono: true }],
    [t('eventsListed'), { text: String(c.events), ltr: true }],
    [t('publicKey'), { text: c.minisignKeyLine, ltr: true, mono: true }],
  ];
}

/** The commands a reviewer runs, each with its label; the proof check only when the packet has an example proof. */
function coverCommands(example: number | undefined, t: T): CoverModel['commands'] {
  return [
    [t('verifySignature'), 'minisign -Vm tagmanifest-sha256.txt -p <signing-key.pub>'],
    // tagmanifest-sha256.txt (the signed file) lists the custody files, items.json among them; manifest-sha256.txt only data/.
    [t('verifyHashes'), 'sha256sum -c tagmanifest-sha256.txt manifest-sha256.txt'],
    ...(example !== undefined
      ? ([[t('verifyProof'), `node rfc9162-check.mjs tlog-proof --proof-file custody/proofs/${example}.tlog-proof --leaf-file custody/entries/${example}.json --verifier-key "$(cat custody/verifier-key)"`]] as const)
      : []),
    [t('verifyAll'), 'huella packet verify <packet> --key <signing-key.pub>'],
  ];
}

function coverHeadings(input: CoverInput, t: T): CoverModel['headings'] {
  return {
    fields: pickLocalized(input.mechanism.title, input.lang),
    evidence: t('evidenceIndex'),
    testimonies: t('testimonies'),
    custody: t('custody'),
    verify: t('howToVerify'),
    number: t('col.number'),
    file: t('col.file'),
    shows: t('col.shows'),
    tags: t('col.tags'),
    hashes: t('col.hashes'),
    original: t('col.original'),
    exported: t('col.exported'),
    transformation: t('col.transformation'),
    witness: t('col.witness'),
    interviewDate: t('col.interviewDate'),
    confidential: t('confidential'),
  };
}

export function buildCoverModel(input: CoverInput): CoverModel {
  const { lang } = input;
  const t: T = (k) => coverText(k, lang);
  return {
    lang,
    rtl: lang === 'ar',
    title: pickLocalized(input.mechanism.title, lang),
    caseTitle: input.caseTitle,
    notices: coverNotices(input, t),
    meta: coverMeta(input, t),
    namesNote: t('namesNote'),
    sections: coverSections(input, t),
    evidence: coverEvidence(input, t),
    testimonies: input.testimonies.map((x) => ({ label: x.label, file: x.file, witness: x.witness ?? '—', date: x.date ?? '—' })),
    custodyIntro: t('custodyIntro'),
    custody: coverCustody(input.custody, t),
    verifyIntro: t('verifyIntro'),
    commands: coverCommands(input.custody.exampleProofSeq, t),
    headings: coverHeadings(input, t),
  };
}
