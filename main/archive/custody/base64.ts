/**
 * Standard base64 (RFC 4648 §4, with padding: https://www.rfc-editor.org/rfc/rfc4648#section-4), as every custody
 * format uses it (C2SP signed-note, tlog-checkpoint, tlog-proof, minisign). Decoding is strict: Node's decoder
 * silently skips junk and accepts the URL alphabet and missing padding, so we accept a string only if re-encoding
 * the bytes gives back exactly the same string. Each value then has one spelling, so two files that differ in
 * bytes cannot decode to the same proof.
 */
import { HuellaError } from '../errors';

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes, or undefined if `text` is not canonical standard base64. */
export function tryDecodeBase64(text: string): Buffer | undefined {
  if (!BASE64_SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** The bytes; throws FORMAT_INVALID naming `what` (never the value itself) if `text` is not canonical base64. */
export function decodeBase64Strict(text: string, what: string, expectedLength?: number): Buffer {
  const bytes = tryDecodeBase64(text);
  if (bytes === undefined) throw new HuellaError('FORMAT_INVALID', `${what} is not valid base64.`);
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new HuellaError('FORMAT_INVALID', `${what} must be ${expectedLength} bytes, found ${bytes.length}.`);
  }
  return bytes;
}
