import type { StripMethod, StripRecord } from './types';

/** Collects what a stripper removed and kept, in first-seen order without duplicates, for the StripRecord. */
export class RecordBuilder {
  private readonly removedList: string[] = [];
  private readonly keptList: string[] = [];
  private readonly noteList: string[] = [];

  constructor(
    private readonly format: string,
    private method: StripMethod,
  ) {}

  removed(what: string): void {
    if (!this.removedList.includes(what)) this.removedList.push(what);
  }

  kept(what: string): void {
    if (!this.keptList.includes(what)) this.keptList.push(what);
  }

  note(text: string): void {
    if (!this.noteList.includes(text)) this.noteList.push(text);
  }

  setMethod(method: StripMethod): void {
    this.method = method;
  }

  build(): StripRecord {
    const base = { method: this.method, format: this.format, removed: [...this.removedList], kept: [...this.keptList] };
    return this.noteList.length > 0 ? { ...base, notes: this.noteList.join('; ') } : base;
  }
}
