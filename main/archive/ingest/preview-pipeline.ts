/**
 * The scheduling of phase 2 (previews.ts), apart from what a preview is, so its bounds can be checked on their own.
 *
 * Items come from `next` (pages, in order) and are made (`make`: read the original, decode, resize, encode) at most
 * `slots` at once and within `maxBytes` of originals in flight (one item larger than that is made alone). Made
 * items are stored (`store`: encrypted, flushed and committed) in groups of up to `group`, in order, one group at a
 * time, while the next ones are being made: the parser threads do not wait for the disk. At most `group` items are
 * started beyond the group being stored (so at most two groups' results are held), and memory does not grow with
 * the batch.
 * `stop()` returning true (cancel, a vault error) stops at once: no new item starts and no new group is stored; the
 * group being stored and the items being made are waited for (a worker cannot be interrupted mid-file), and the
 * items made but not stored are dropped: they are still pending, and the next run makes them.
 */

export type PipelineLimits = {
  /** Items being made at once (the parser threads, plus one being read). */
  readonly slots: number;
  /** Bytes of originals in flight at once (the sum of `sizeOf` over the items being made). */
  readonly maxBytes: number;
  /** Items stored in one group (one transaction, one flush). */
  readonly group: number;
};

export type PipelineSteps<I, O> = {
  /** The next page of items (empty when there are no more). */
  readonly next: () => readonly I[];
  readonly sizeOf: (item: I) => number;
  /** Never rejects (an item's failure is an outcome). */
  readonly make: (item: I) => Promise<O>;
  /** Stores a group of outcomes, in the order the items came. Never rejects. */
  readonly store: (outcomes: readonly O[]) => Promise<void>;
  readonly stop: () => boolean;
};

type Slot<O> = { outcome?: O; readonly size: number };

export async function runPreviewPipeline<I, O>(limits: PipelineLimits, steps: PipelineSteps<I, O>): Promise<void> {
  const queue: I[] = []; // fetched, not started
  const window: Slot<O>[] = []; // started, in order, not yet stored
  let exhausted = false;
  let running = 0;
  let bytes = 0;
  let storing = false;
  let wakeUp: (() => void) | undefined;
  const wake = (): void => {
    const w = wakeUp;
    wakeUp = undefined;
    w?.();
  };
  for (;;) {
    const stopped = steps.stop();
    const refill = (): boolean => {
      if (!stopped && !exhausted && queue.length === 0) {
        const page = steps.next();
        if (page.length === 0) exhausted = true;
        else queue.push(...page);
      }
      return queue.length > 0;
    };
    while (!stopped && running < limits.slots && window.length < limits.group && refill() && (running === 0 || bytes + steps.sizeOf(queue[0]!) <= limits.maxBytes)) {
      const item = queue.shift()!;
      const slot: Slot<O> = { size: steps.sizeOf(item) };
      window.push(slot);
      running++;
      bytes += slot.size;
      void steps.make(item).then((o) => {
        slot.outcome = o;
        running--;
        bytes -= slot.size;
        wake();
      });
    }
    if (stopped) {
      if (running === 0 && !storing) return;
    } else {
      const noMore = !refill();
      let done = 0;
      while (done < window.length && done < limits.group && window[done]!.outcome !== undefined) done++;
      if (!storing && done > 0 && (done === limits.group || (noMore && done === window.length))) {
        const outcomes = window.splice(0, done).map((s) => s.outcome!);
        storing = true;
        void steps.store(outcomes).then(() => {
          storing = false;
          wake();
        });
        continue; // room in the window: start more before waiting
      }
      if (noMore && window.length === 0 && !storing) return;
    }
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
    });
  }
}
