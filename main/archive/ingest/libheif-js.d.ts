/** The part of libheif-js (an Emscripten build of libheif with the libde265 HEVC decoder) that heif-preview.ts uses. */
declare module 'libheif-js/wasm-bundle' {
  type HeifImage = {
    get_width(): number;
    get_height(): number;
    is_primary(): boolean;
    display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
    free(): void;
  };
  type HeifDecoder = { decoder: number | null; decode(data: Uint8Array): HeifImage[] };
  const libheif: { HeifDecoder: new () => HeifDecoder; heif_context_free(ctx: number): void };
  export default libheif;
}
