// Stable error codes shared by main, CLI (--json) and renderer. A code never changes meaning; add new ones.
export const ERROR_CODES = [
  // vault
  'VAULT_NOT_FOUND',
  'VAULT_EXISTS',
  'VAULT_CORRUPT',
  'VAULT_TOO_NEW',
  'VAULT_LOCKED',
  'WRONG_PASSPHRASE',
  'WRONG_RECOVERY_KEY',
  'WEAK_PASSPHRASE',
  'WEAK_KDF',
  // blobs and formats
  'OBJECT_MISSING',
  'OBJECT_CORRUPT',
  'AGE_FORMAT',
  'AGE_NO_IDENTITY_MATCHED',
  'AGE_INTEGRITY',
  'FORMAT_INVALID',
  'SIGNATURE_INVALID',
  // ingest
  'FILE_UNREADABLE',
  'FILE_TOO_LARGE',
  'FILE_CHANGED',
  'PARSER_FAILED',
  'PARSER_TIMEOUT',
  'DISK_FULL',
  'CANCELLED',
  // catalogue
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFLICT',
  'CONSENT_REQUIRED',
  // export / packets
  'STRIP_FAILED',
  'STRIP_UNSUPPORTED',
  'LEAK_DETECTED',
  'PACKET_INVALID',
  'UNSAFE_ARCHIVE',
  // custody
  'VERIFY_FAILED',
  // anything else
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A value for a message's placeholder. `{ key }` is itself a message key (an enumeration, a field name, a check):
 * it is translated before it is placed, so no English word travels inside a translated sentence.
 */
export type MessageParam = string | number | { readonly key: string };
export type MessageParams = Readonly<Record<string, MessageParam>>;

/**
 * A sentence for a person, as a key and its parameters rather than as text: the renderer translates it
 * (`problem.<key>` in shared/i18n/problems/*.json), the CLI prints the English text of the same key
 * (shared/i18n/english.ts). Parameters are data (ids, counts, file names), never prose.
 */
export type Message = { readonly key: string; readonly params?: MessageParams };

/** One refused field of an input: where it is (the path into the input) and why, shown at the field. */
export type FieldIssue = { readonly path: readonly (string | number)[]; readonly message: Message };

/**
 * The error shape that crosses process and API boundaries: never a stack, key or absolute path. `message` is
 * English (CLI, logs); `key`/`params` are the same sentence for translation; `issues` name each refused field.
 */
export type ApiError = {
  readonly code: ErrorCode;
  readonly message: string;
  readonly key?: string;
  readonly params?: MessageParams;
  readonly issues?: readonly FieldIssue[];
  readonly details?: Readonly<Record<string, string | number | boolean>>;
};

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${String(x)}`);
}
