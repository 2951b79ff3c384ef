import type { Taxonomy, Term } from '../../../../shared/taxonomy';

// A small hand-made taxonomy set with retired terms, for the registry and search logic. The bundled data has no
// retired term yet, and the tests must not depend on one appearing.

const L = (en: string, es: string, fr: string, ar: string) => ({ en, es, fr, ar });

const STATUS = {
  en: { state: 'source-language', note: 'fixture' },
  es: { state: 'drafted-needs-review', note: 'fixture' },
  fr: { state: 'drafted-needs-review', note: 'fixture' },
  ar: { state: 'drafted-needs-review', note: 'fixture' },
} as const;

const methods: Term[] = [
  { id: 'ip.physical-methods', labels: L('Physical methods', 'Métodos físicos', 'Méthodes physiques', 'الأساليب الجسدية'), source: 'fixture' },
  { id: 'ip.electric-shock', parent: 'ip.physical-methods', labels: L('Electric shocks', 'Choques eléctricos', 'Décharges électriques', 'الصدمات الكهربائية'), source: 'fixture' },
  // Retired, replaced by a term that was itself retired later and replaced again.
  { id: 'ip.old-beating', parent: 'ip.physical-methods', labels: L('Beating (old)', 'Golpiza (antigua)', 'Passage à tabac (ancien)', 'الضرب (قديم)'), source: 'fixture', retired: { version: 2, replacedBy: 'ip.mid-beating' } },
  { id: 'ip.mid-beating', parent: 'ip.physical-methods', labels: L('Beating (v2)', 'Golpiza (v2)', 'Passage à tabac (v2)', 'الضرب (الإصدار 2)'), source: 'fixture', retired: { version: 3, replacedBy: 'ip.blunt-trauma' } },
  { id: 'ip.blunt-trauma', parent: 'ip.physical-methods', labels: L('Blunt trauma', 'Traumatismos contundentes', 'Traumatismes contondants', 'الرضوض'), source: 'fixture' },
  // Retired without a successor.
  { id: 'ip.withdrawn', parent: 'ip.physical-methods', labels: L('Withdrawn method', 'Método retirado', 'Méthode retirée', 'أسلوب مسحوب'), source: 'fixture', retired: { version: 2 } },
  // Bad data: a replacement cycle must not hang the lookup.
  { id: 'ip.loop-a', labels: L('Loop A', 'Bucle A', 'Boucle A', 'حلقة أ'), source: 'fixture', retired: { version: 3, replacedBy: 'ip.loop-b' } },
  { id: 'ip.loop-b', labels: L('Loop B', 'Bucle B', 'Boucle B', 'حلقة ب'), source: 'fixture', retired: { version: 3, replacedBy: 'ip.loop-a' } },
  // A label left blank in one language falls back to English.
  { id: 'ip.untranslated', parent: 'ip.physical-methods', labels: L('Untranslated method', '', 'Méthode', 'أسلوب'), source: 'fixture' },
];

export const FIXTURE: readonly Taxonomy[] = [
  { id: 'istanbul-protocol-methods', version: 3, title: L('IP', 'PE', 'PI', 'ب إ'), source: 'fixture', translationStatus: STATUS, terms: methods },
  {
    id: 'wgad-categories', version: 1, title: L('WGAD', 'GTDA', 'GTDA', 'الفريق العامل'), source: 'fixture', translationStatus: STATUS,
    terms: [{ id: 'wgad.category-i', labels: L('Category I', 'Categoría I', 'Catégorie I', 'الفئة الأولى'), source: 'fixture' }],
  },
];
