/** Messages between parallel-hash.ts and hash-worker.ts. */
export type HashRequest =
  | { readonly type: 'begin'; readonly id: number }
  | { readonly type: 'data'; readonly id: number; readonly chunk: ArrayBuffer }
  | { readonly type: 'end'; readonly id: number }
  | { readonly type: 'abort'; readonly id: number };

export type HashResponse =
  | { readonly type: 'ack'; readonly id: number; readonly bytes: number }
  | { readonly type: 'digest'; readonly id: number; readonly digest: ArrayBuffer };
