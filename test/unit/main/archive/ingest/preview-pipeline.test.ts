import { describe, expect, it } from 'vitest';
import { runPreviewPipeline, type PipelineLimits } from '../../../../../main/archive/ingest/preview-pipeline';

/**
 * Phase 2's scheduling (issue 19: previews in the background, memory flat with the batch). Driven by hand: each
 * make and store is a promise the test settles, so the bounds are checked at every step, with no timing.
 */

type Item = { readonly id: number; readonly size: number };

function harness(items: readonly Item[], limits: PipelineLimits, pageSize = 5) {
  let next = 0;
  const making = new Map<number, () => void>();
  const stores: { readonly ids: number[]; readonly done: () => void }[] = [];
  const log: string[] = [];
  let maxMaking = 0;
  let maxBytes = 0;
  let maxMadeNotStored = 0;
  let stored = 0;
  let made = 0;
  let stopNow = false;
  const check = (): void => {
    maxMaking = Math.max(maxMaking, making.size);
    maxBytes = Math.max(maxBytes, [...making.keys()].reduce((a, id) => a + items[id]!.size, 0));
    maxMadeNotStored = Math.max(maxMadeNotStored, made - stored);
  };
  const run = runPreviewPipeline<Item, number>(limits, {
    next: () => {
      const page = items.slice(next, next + pageSize);
      next += page.length;
      return page;
    },
    sizeOf: (item) => item.size,
    make: (item) =>
      new Promise<number>((resolve) => {
        log.push(`make ${item.id}`);
        making.set(item.id, () => {
          making.delete(item.id);
          made++;
          check();
          resolve(item.id);
        });
        check();
      }),
    store: (ids) =>
      new Promise<void>((resolve) => {
        log.push(`store ${ids.join(',')}`);
        stores.push({
          ids: [...ids],
          done: () => {
            stored += ids.length;
            resolve();
          },
        });
      }),
    stop: () => stopNow,
  });
  let finished = false;
  void run.then(() => {
    finished = true;
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    run,
    log,
    stores,
    making,
    get finished() {
      return finished;
    },
    stop: () => {
      stopNow = true;
    },
    settle,
    /** Finish every item being made and every store, the lowest id first, until the run ends. */
    async drain(): Promise<void> {
      for (let guard = 0; guard < 10_000 && !finished; guard++) {
        await settle();
        const open = stores.find((s) => !(s as { settled?: boolean }).settled);
        if (making.size > 0) making.get(Math.min(...making.keys()))!();
        else if (open) {
          (open as { settled?: boolean }).settled = true;
          open.done();
        }
        await settle();
      }
    },
    bounds: () => ({ maxMaking, maxBytes, maxMadeNotStored }),
  };
}

const items = (n: number, size = 10): Item[] => Array.from({ length: n }, (_, id) => ({ id, size }));

describe('phase 2 pipeline (previews after the originals)', () => {
  it('makes at most `slots` at once, within the bytes in flight, and stores every item once, in order, in groups', async () => {
    const all = [...items(40, 10), { id: 40, size: 500 }, ...items(9, 10).map((i) => ({ id: 41 + i.id, size: 10 }))];
    const h = harness(all, { slots: 3, maxBytes: 25, group: 8 });
    await h.drain();
    await h.run;
    const storedIds = h.stores.flatMap((s) => s.ids);
    expect(storedIds).toEqual(all.map((i) => i.id));
    expect(h.stores.every((s) => s.ids.length <= 8)).toBe(true);
    expect(h.stores.slice(0, -1).every((s) => s.ids.length === 8)).toBe(true);
    const b = h.bounds();
    expect(b.maxMaking).toBeLessThanOrEqual(3);
    // Two items of 10 fit in 25, not three; the item of 500 is made alone.
    expect(b.maxBytes).toBe(500);
    expect(h.log.filter((l) => l.startsWith('make')).length).toBe(all.length);
  });

  it('keeps the parsers busy while a group is stored, but holds at most two groups made and not stored', async () => {
    const h = harness(items(100), { slots: 2, maxBytes: 1000, group: 10 });
    // Make the first 10: their group goes to store, and is left unfinished.
    for (let k = 0; k < 10; k++) {
      await h.settle();
      h.making.get(Math.min(...h.making.keys()))!();
    }
    await h.settle();
    expect(h.stores.map((s) => s.ids)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    // While it is stored, items go on being made, up to a second group's worth, and no further.
    for (let k = 0; k < 30; k++) {
      await h.settle();
      if (h.making.size > 0) h.making.get(Math.min(...h.making.keys()))!();
    }
    await h.settle();
    expect(h.stores.length).toBe(1); // one store at a time
    expect(h.making.size).toBe(0);
    expect(h.log.filter((l) => l.startsWith('make')).length).toBe(20);
    expect(h.bounds().maxMadeNotStored).toBe(20);
    await h.drain();
    await h.run;
    expect(h.stores.flatMap((s) => s.ids)).toEqual(items(100).map((i) => i.id));
    expect(h.bounds().maxMadeNotStored).toBeLessThanOrEqual(20);
    expect(h.bounds().maxMaking).toBe(2); // the slots, never more
  });

  it('stop: nothing new starts or is stored; what is being made is waited for, then the run ends', async () => {
    const h = harness(items(30), { slots: 2, maxBytes: 1000, group: 4 });
    for (let k = 0; k < 5; k++) {
      await h.settle();
      h.making.get(Math.min(...h.making.keys()))!();
    }
    await h.settle();
    expect(h.stores.map((s) => s.ids)).toEqual([[0, 1, 2, 3]]);
    h.stop();
    h.stores[0]!.done();
    await h.settle();
    expect(h.finished).toBe(false); // items 5 and 6 are still being made
    const started = h.log.filter((l) => l.startsWith('make')).length;
    await h.drain();
    await h.run;
    expect(h.log.filter((l) => l.startsWith('make')).length).toBe(started);
    expect(h.stores.map((s) => s.ids)).toEqual([[0, 1, 2, 3]]);
  });

  it('an empty source ends at once', async () => {
    const h = harness([], { slots: 2, maxBytes: 1000, group: 4 });
    await h.run;
    expect(h.log).toEqual([]);
  });
});
