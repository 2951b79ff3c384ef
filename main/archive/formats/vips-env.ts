/**
 * libvips spills large decoded images to a temporary file in TMPDIR ("disc threshold", 100 MB by default):
 * that would put evidence pixels on disk in plaintext (DESIGN §1 A1). Raise the threshold above anything our pixel
 * limit allows, so decoding stays in memory. Must run before libvips first loads (import this before sharp).
 */
export const MAX_INPUT_PIXELS = 100_000_000;

if (!process.env.VIPS_DISC_THRESHOLD) process.env.VIPS_DISC_THRESHOLD = '4g';
