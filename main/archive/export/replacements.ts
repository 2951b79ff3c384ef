import type { NameReplacement } from '../../../shared/model/packet';
import type { Pseudonymiser, PseudonymisedText } from './pseudonymise';

export type ReplacementPlace = Omit<NameReplacement, 'count' | 'pseudonyms'>;

/**
 * Where the pseudonymiser replaced a hidden name, for the review (issue 13): every text that leaves is passed
 * through `pseudonymiser` inside `at(place, …)`, and each replacement is counted under that place (an answer, a
 * field filled from the catalogue, a testimony, an exhibit's title, description or file name, the case title).
 * Texts passed outside any place (labels shown only in the app) are not counted.
 */
export class ReplacementLog {
  private current: ReplacementPlace | undefined;
  private readonly entries = new Map<string, { place: ReplacementPlace; count: number; pseudonyms: Set<string> }>();
  readonly pseudonymiser: Pseudonymiser;

  constructor(base: Pseudonymiser) {
    this.pseudonymiser = {
      hidden: base.hidden,
      apply: (text: string): PseudonymisedText => {
        const r = base.apply(text);
        if (r.count > 0 && this.current) this.add(this.current, r);
        return r;
      },
    };
  }

  at<T>(place: ReplacementPlace, f: () => T): T {
    const before = this.current;
    this.current = place;
    try {
      return f();
    } finally {
      this.current = before;
    }
  }

  private add(place: ReplacementPlace, r: PseudonymisedText): void {
    const key = JSON.stringify([place.where, place.fieldId ?? '', place.label ?? '']);
    const e = this.entries.get(key) ?? { place, count: 0, pseudonyms: new Set<string>() };
    e.count += r.count;
    for (const p of r.pseudonyms ?? []) e.pseudonyms.add(p);
    this.entries.set(key, e);
  }

  list(): NameReplacement[] {
    return [...this.entries.values()].map((e) => ({ ...e.place, count: e.count, pseudonyms: [...e.pseudonyms].sort() }));
  }
}
