import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A young-generation collection, now, on this thread (crypto workers, after each sealed slot of a large file).
 *
 * Why: Node's AEAD has no output-buffer API, so every 64 KiB chunk a worker seals is a fresh buffer outside the JS
 * heap, garbage once written. Its JS handle is tiny, so the young generation fills slowly and V8 collects on the
 * external bytes alone only late: the workers held tens of MB of dead ciphertext at a time. A 2 GiB `huella ingest`
 * (built CLI, load 15–16, alternating runs) peaked at 184–187 MB without this and 122–124 MB with it, in 8.2–8.9 s
 * vs 7.3–8.1 s. A minor collection of a 2 MB young generation costs well under a millisecond per 1 MiB slot.
 *
 * `gc` is not exposed by default; the flag makes new contexts get it, and one is taken from such a context. Where
 * that is refused (an embedder that forbids the flag), this is a no-op and memory is only collected later.
 */
type Gc = (options?: { readonly type?: 'major' | 'minor'; readonly execution?: 'sync' | 'async' }) => void;

let gc: Gc | null | undefined;

function obtainGc(): Gc | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const found = vm.runInNewContext('typeof gc === "function" ? gc : undefined') as Gc | undefined;
    return found ?? null;
  } catch {
    return null;
  }
}

export function collectYoungGarbage(): void {
  if (gc === undefined) gc = obtainGc();
  gc?.({ type: 'minor' });
}

/** Size of the block freed by keepFreedMemoryMapped: glibc then trims a heap only when twice this is free at its top. */
const MALLOC_THRESHOLD_BYTES = 8 * 1024 * 1024;
let thresholdRaised = false;

/**
 * Makes glibc's malloc keep freed memory mapped instead of handing it back to the kernel at once; once per process.
 *
 * Why: every 64 KiB chunk Node's AEAD opens is a fresh malloc'd buffer. An object's chunks die together and are
 * freed together (collectYoungGarbage above), so they coalesce at the top of the thread's heap; with glibc's
 * initial trim threshold (128 KiB) that top is unmapped at once, and the next object's chunks fault every page in
 * again (on this VM each fault also costs a host fault: virtio-balloon free page reporting). Decrypting 200 × 4.4 MB
 * objects whole, in one thread, 2 runs each, load 8-9: 3.38 and 3.43 s of CPU (1.5 s of it system time, 342,672 page
 * faults for two passes) against 0.98 and 0.79 s after this.
 *
 * How: glibc raises its mmap threshold to the size of a block it had mmap'd when that block is freed, and its trim
 * threshold to twice that (mallopt(3), "dynamic mmap threshold"); its state is the process's, not the thread's. So a
 * block of 8 MiB is allocated and freed here: heaps are then trimmed only when 16 MiB or more is free at their top,
 * and allocations under 8 MiB come from the heaps. The same happens by chance whenever Node frees a large buffer (a
 * 1 MiB read buffer sets 1 and 2 MiB); this makes it certain for the whole-object decryption and for verify's
 * hash-objects task (object-hash.ts). A no-op elsewhere than glibc (or where MALLOC_* variables fixed the thresholds).
 */
export function keepFreedMemoryMapped(): void {
  if (thresholdRaised) return;
  thresholdRaised = true;
  let block: Buffer | null = Buffer.allocUnsafeSlow(MALLOC_THRESHOLD_BYTES);
  block[0] = 0;
  block = null;
  collectYoungGarbage(); // the block's ArrayBuffer is young: this collection frees its memory
}
