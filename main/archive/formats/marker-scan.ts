/**
 * Finding where a JPEG scan ends: the first 0xFF in the entropy-coded data that is not followed by a stuffed 0x00.
 * A 12 MP photo's scan holds about one 0xFF00 pair every 400 bytes; finding them one by one with Buffer.indexOf
 * costs a native call each (~1.3 ms per photo, a third of the strip). Buffers made by scannableBuffer live in a
 * WebAssembly memory and are searched with SIMD instead, 64 bytes at a time where there is no 0xFF (~0.35 ms); any
 * other buffer is searched with indexOf. Both give the same answer (test/unit/main/archive/formats/marker-scan.test.ts).
 */

/** Unsigned LEB128, as WebAssembly encodes sizes and counts. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: readonly number[]): number[] => [id, ...leb(body.length), ...body];

/**
 * (module
 *   (import "m" "m" (memory 1))
 *   (func (export "scan") (param $p i32) (param $end i32) (result i32) (local $m i32) (local $q i32)
 *     ;; 64 bytes at a time while 65 can be read: a block without any 0xFF (six in seven of a photo's scan) is
 *     ;; passed over with four compares; a block with one is searched 16 bytes at a time as below
 *     (block $wide (loop $w
 *       (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 65)) (local.get $end)))
 *       (if (v128.any_true (v128.or
 *             (v128.or (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 0xff)))
 *                      (i8x16.eq (v128.load offset=16 (local.get $p)) (i8x16.splat (i32.const 0xff))))
 *             (v128.or (i8x16.eq (v128.load offset=32 (local.get $p)) (i8x16.splat (i32.const 0xff)))
 *                      (i8x16.eq (v128.load offset=48 (local.get $p)) (i8x16.splat (i32.const 0xff))))))
 *         (then
 *           (local.set $q (i32.add (local.get $p) (i32.const 64)))
 *           (loop $x
 *             <sixteen lanes, as below: return p + ctz(m) when one is found>
 *             (local.set $p (i32.add (local.get $p) (i32.const 16)))
 *             (br_if $x (i32.lt_u (local.get $p) (local.get $q))))
 *           (br $w)))
 *       (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *       (br $w)))
 *     ;; 16 bytes at a time while 17 can be read: lanes where byte == 0xFF and the next byte != 0x00
 *     (block $done (loop $simd
 *       (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 17)) (local.get $end)))
 *       (local.set $m (i8x16.bitmask (v128.andnot
 *         (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 0xff)))
 *         (i8x16.eq (v128.load offset=1 (local.get $p)) (i8x16.splat (i32.const 0))))))
 *       (if (local.get $m) (return (i32.add (local.get $p) (i32.ctz (local.get $m)))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 16)))
 *       (br $simd)))
 *     ;; the last bytes one by one; a 0xFF in the last byte is returned (what follows it is not known here)
 *     (block $out (loop $s
 *       (br_if $out (i32.ge_u (local.get $p) (local.get $end)))
 *       (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0xff)) (then
 *         (if (i32.eq (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (return (local.get $p)))
 *         (if (i32.load8_u offset=1 (local.get $p)) (return (local.get $p)))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1)))
 *       (br $s)))
 *     (local.get $end)))
 * Measured over a 12 MP photo's scan (4.4 MB, one 0xFF every ~380 bytes), same run: 16 bytes at a time only
 * 7.3 GB/s (0.60 ms per photo), with the 64-byte pass 12.8 GB/s (0.35 ms).
 */
function moduleBytes(): Uint8Array {
  const P = [0x20, 0x00]; // local.get $p
  const END = [0x20, 0x01]; // local.get $end
  const FF = [0x41, 0x7f, 0xfd, 0x0f]; // i8x16.splat 0xff
  const EQ_FF_AT = (offset: number): number[] => [...P, 0xfd, 0x00, 0x00, offset, ...FF, 0xfd, 0x23]; // v128.load offset p; i8x16.eq
  /** The sixteen lanes at p: m = lanes with 0xFF not followed by 0x00; if any, return p + ctz(m). */
  const LANES = [
    ...EQ_FF_AT(0),
    ...P, 0xfd, 0x00, 0x00, 0x01, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x23, // v128.load offset=1 p; i8x16.splat 0; i8x16.eq
    ...[0xfd, 0x4f, 0xfd, 0x64, 0x22, 0x02], // v128.andnot; i8x16.bitmask; local.tee $m
    ...[0x04, 0x40, ...P, 0x20, 0x02, 0x68, 0x6a, 0x0f, 0x0b], // if: return p + ctz(m)
  ];
  const body = [
    ...[0x01, 0x02, 0x7f], // two locals: i32 $m, i32 $q
    ...[0x02, 0x40, 0x03, 0x40], // block $wide, loop $w
    ...P, 0x41, 0xc1, 0x00, 0x6a, ...END, 0x4b, 0x0d, 0x01, // br_if $wide (p + 65 > end)
    ...EQ_FF_AT(0), ...EQ_FF_AT(16), 0xfd, 0x50, ...EQ_FF_AT(32), ...EQ_FF_AT(48), 0xfd, 0x50, // two v128.or
    ...[0xfd, 0x50, 0xfd, 0x53, 0x04, 0x40], // v128.or; v128.any_true; if
    ...P, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x03, //   q = p + 64
    0x03, 0x40, ...LANES, //   loop $x: the sixteen lanes at p
    ...P, 0x41, 0x10, 0x6a, 0x21, 0x00, //     p += 16
    ...P, 0x20, 0x03, 0x49, 0x0d, 0x00, 0x0b, //     br_if $x (p < q); end loop
    ...[0x0c, 0x01, 0x0b], //   br $w; end if
    ...P, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x00, 0x0c, 0x00, // p += 64; br $w
    ...[0x0b, 0x0b], // end loop, end block
    ...[0x02, 0x40, 0x03, 0x40], // block $done, loop $simd
    ...P, 0x41, 0x11, 0x6a, ...END, 0x4b, 0x0d, 0x01, // br_if $done (p + 17 > end)
    ...LANES,
    ...P, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x0c, 0x00, // p += 16; br $simd
    ...[0x0b, 0x0b], // end loop, end block
    ...[0x02, 0x40, 0x03, 0x40], // block $out, loop $s
    ...P, ...END, 0x4f, 0x0d, 0x01, // br_if $out (p >= end)
    ...P, 0x2d, 0x00, 0x00, 0x41, 0xff, 0x01, 0x46, 0x04, 0x40, // if (load8_u p == 0xff)
    ...P, 0x41, 0x01, 0x6a, ...END, 0x46, 0x04, 0x40, ...P, 0x0f, 0x0b, //   if (p + 1 == end) return p
    ...P, 0x2d, 0x00, 0x01, 0x04, 0x40, ...P, 0x0f, 0x0b, //   if (load8_u offset=1 p) return p
    0x0b, // end if
    ...P, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x0c, 0x00, // p += 1; br $s
    ...[0x0b, 0x0b], // end loop, end block
    ...END, 0x0b, // return end
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]), // type: (i32, i32) -> i32
    // import "m" "m" memory, shared, at least 1 page, at most 65,536 (4 GiB): a shared memory's buffer is a
    // SharedArrayBuffer, which a crypto worker can decrypt a photo into (blobs/crypto-worker.ts: decrypt-whole)
    ...section(2, [0x01, 0x01, 0x6d, 0x01, 0x6d, 0x02, 0x03, 0x01, ...leb(65536)]),
    ...section(3, [0x01, 0x00]), // one function of type 0
    ...section(7, [0x01, 0x04, 0x73, 0x63, 0x61, 0x6e, 0x00, 0x00]), // export "scan"
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

type Scan = (from: number, end: number) => number;

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it as a value). */
type WasmApi = {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { readonly buffer: SharedArrayBuffer };
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
};
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The searcher of each WebAssembly memory made here, by its buffer. */
const scanners = new WeakMap<ArrayBufferLike, Scan>();
let compiled: object | null | undefined;

function scanModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm === undefined ? null : new wasm.Module(moduleBytes());
    } catch {
      compiled = null; // no SIMD here (or WebAssembly switched off, e.g. --jitless): plain buffers and indexOf
    }
  }
  return compiled;
}

const PAGE = 64 * 1024;

/**
 * A buffer of `bytes` (a multiple of 64 KiB) that nextMarkerCandidate searches with SIMD: the whole of a shared
 * WebAssembly memory of its own (never grown, so the buffer stays valid). A buffer over a plain SharedArrayBuffer
 * when WebAssembly is not available. Either way its memory is a SharedArrayBuffer: another thread can write into it.
 */
export function scannableBuffer(bytes: number): Buffer {
  const mod = scanModule();
  if (wasm !== undefined && mod !== null && bytes % PAGE === 0) {
    try {
      const memory = new wasm.Memory({ initial: bytes / PAGE, maximum: bytes / PAGE, shared: true });
      const instance = new wasm.Instance(mod, { m: { m: memory } });
      scanners.set(memory.buffer, instance.exports.scan as Scan);
      return Buffer.from(memory.buffer, 0, bytes);
    } catch {
      // A memory reserves address space beyond its size (guard pages): under a tight limit (ulimit -v) it may be
      // refused. A plain buffer then, searched with indexOf.
    }
  }
  return Buffer.from(new SharedArrayBuffer(bytes));
}

/** Whether `b` is searched with SIMD (it lies in a buffer made by scannableBuffer). */
export function searchedInWasm(b: Buffer): boolean {
  return scanners.has(b.buffer);
}

/**
 * The first index `i >= from` in `b` where b[i] is 0xFF and b[i + 1] is not 0x00, or where b[i] is a 0xFF in the
 * last byte; `b.length` when there is none.
 */
export function nextMarkerCandidate(b: Buffer, from: number): number {
  const scan = scanners.get(b.buffer);
  if (scan !== undefined) return scan(b.byteOffset + from, b.byteOffset + b.length) - b.byteOffset;
  let i = from;
  for (;;) {
    const idx = b.indexOf(0xff, i);
    if (idx < 0) return b.length;
    if (idx + 1 === b.length || b[idx + 1] !== 0x00) return idx;
    i = idx + 2;
  }
}

const SCRATCH_BYTES = 1 << 20;
const spareScratch: Buffer[] = [];

/**
 * nextMarkerCandidate for one scan at a time, for chunks of any buffer: a chunk that is not scannable (from a stream,
 * e.g. the vault's decrypting one) is copied once into a scannable scratch buffer and searched there, which costs
 * less than one indexOf per stuffed byte. release() gives the scratch buffer back for the next scan.
 */
export class MarkerFinder {
  private scratch: Buffer | null = null;
  /** The chunk whose bytes the scratch buffer holds. */
  private copied: Buffer | null = null;

  find(b: Buffer, from: number): number {
    if (scanners.has(b.buffer) || b.length > SCRATCH_BYTES || scanModule() === null) return nextMarkerCandidate(b, from);
    if (this.copied !== b) {
      this.scratch ??= spareScratch.pop() ?? scannableBuffer(SCRATCH_BYTES);
      b.copy(this.scratch);
      this.copied = b;
    }
    return nextMarkerCandidate((this.scratch as Buffer).subarray(0, b.length), from);
  }

  release(): void {
    if (this.scratch !== null && spareScratch.length < 4) spareScratch.push(this.scratch);
    this.scratch = null;
    this.copied = null;
  }
}
