import type { LeakFinding, LeakKind } from '../types';

/** Collects findings without duplicates. Details name tags and structures, never their values. */
export class Findings {
  private readonly list: LeakFinding[] = [];

  add(kind: LeakKind, detail: string): void {
    if (!this.list.some((f) => f.kind === kind && f.detail === detail)) this.list.push({ kind, detail });
  }

  get all(): LeakFinding[] {
    return [...this.list];
  }
}
