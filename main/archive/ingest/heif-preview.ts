/**
 * Decodes the primary image of a HEIC/HEIF file for its preview. The image library we bundle (sharp's prebuilt
 * libvips) reads HEIF boxes but has no HEVC decoder (checked: "Support for this compression format has not been
 * built in"), so HEVC is decoded by libheif-js: libheif (1.23 in libheif-js 1.23.2) with libde265 compiled to WebAssembly, shipped inside the
 * npm package (nothing is fetched at run time). It runs in the parser worker like every other decoder (DESIGN §1
 * A3), after a size check on the declared image size so a hostile file cannot ask for a huge canvas. libheif applies
 * the file's rotation and mirror properties, as a viewer does.
 */
import libheif from 'libheif-js/wasm-bundle';

export type DecodedImage = { readonly data: Uint8ClampedArray; readonly width: number; readonly height: number };

/** libheif-js reports problems with console.log (to the worker's stdout, which is the CLI's --json stream). */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const drop = (): void => undefined;
  console.log = drop;
  console.warn = drop;
  console.error = drop;
  try {
    return await run();
  } finally {
    Object.assign(console, saved);
  }
}

export function decodeHeifPrimary(file: Uint8Array, maxPixels: number): Promise<DecodedImage> {
  return quietly(() => decode(file, maxPixels));
}

async function decode(file: Uint8Array, maxPixels: number): Promise<DecodedImage> {
  const decoder = new libheif.HeifDecoder();
  try {
    const images = decoder.decode(file);
    if (images.length === 0) throw new Error('the HEIF decoder found no image');
    try {
      const image = images.find((i) => i.is_primary()) ?? images[0]!;
      const width = image.get_width();
      const height = image.get_height();
      if (!(width > 0 && height > 0)) throw new Error('the image has no size');
      if (width * height > maxPixels) throw new Error('the image is larger than the pixel limit');
      const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
      const result = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) => image.display(target, resolve));
      if (!result) throw new Error('the HEIF decoder could not decode the image');
      return { data: result.data, width, height };
    } finally {
      for (const i of images) i.free();
    }
  } finally {
    if (decoder.decoder) libheif.heif_context_free(decoder.decoder);
    decoder.decoder = null;
  }
}
