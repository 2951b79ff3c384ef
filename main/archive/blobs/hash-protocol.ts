/** Messages between parallel-hash.ts and hash-worker.ts. The bytes live in a SharedArrayBuffer ring: no copies. */
export type HashRequest =
  | { readonly type: 'begin'; readonly id: number; readonly ring: SharedArrayBuffer; readonly slotBytes: number }
  | { readonly type: 'data'; readonly id: number; readonly slot: number; readonly length: number }
  | { readonly type: 'end'; readonly id: number }
  | { readonly type: 'abort'; readonly id: number };

export type HashResponse =
  /** The worker has hashed `slot` and no longer reads it: the reader may refill it. */
  | { readonly type: 'released'; readonly id: number; readonly slot: number }
  | { readonly type: 'digest'; readonly id: number; readonly digest: ArrayBuffer };
