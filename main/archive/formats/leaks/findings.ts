import type { CopyFacts, LeakFinding, LeakKind } from '../types';

/**
 * Collects findings without duplicates. Details name tags and structures, never their values. Besides what leaks, the
 * re-read notes what the copy legitimately holds (a kept capture date, Orientation, a colour profile): the packet's
 * statements about the copy are made from these facts, not from what the stripper meant to write.
 */
export class Findings {
  private readonly list: LeakFinding[] = [];
  private readonly captureDates: string[] = [];
  private orientation: number | undefined;
  private colourProfile: string | undefined;

  captureDate(where: string): void {
    if (!this.captureDates.includes(where)) this.captureDates.push(where);
  }

  setOrientation(o: number): void {
    this.orientation = o;
  }

  setColourProfile(description: string): void {
    this.colourProfile = description;
  }

  get facts(): CopyFacts {
    return {
      captureDate: [...this.captureDates],
      ...(this.orientation !== undefined ? { orientation: this.orientation } : {}),
      ...(this.colourProfile !== undefined ? { colourProfile: this.colourProfile } : {}),
    };
  }

  add(kind: LeakKind, detail: string): void {
    if (!this.list.some((f) => f.kind === kind && f.detail === detail)) this.list.push({ kind, detail });
  }

  get all(): LeakFinding[] {
    return [...this.list];
  }
}
