import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HuellaError } from '../errors';

/**
 * S3 credentials, never stored by Huella (DESIGN §9): the standard AWS environment variables (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), else the static keys of a profile (AWS_PROFILE, default "default") in
 * the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials).
 *
 * Deliberately NOT the SDK's default provider chain: that chain may ask the EC2/ECS metadata service, STS, SSO or an
 * external process for credentials, i.e. open connections to hosts other than the configured endpoint, which the
 * network rule forbids. A profile that needs any of those is refused with a message saying so.
 */

export type S3Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): S3Credentials {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (id && secret) return { accessKeyId: id, secretAccessKey: secret, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  const profile = env.AWS_PROFILE || 'default';
  const file = env.AWS_SHARED_CREDENTIALS_FILE || path.join(os.homedir(), '.aws', 'credentials');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new HuellaError(
      'INVALID_INPUT',
      'No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with keys in ~/.aws/credentials. Huella never stores them.',
    );
  }
  const section = iniSection(text, profile);
  if (!section) throw new HuellaError('INVALID_INPUT', `The AWS credentials file has no profile "${profile.slice(0, 60)}".`);
  const key = section.get('aws_access_key_id');
  const sec = section.get('aws_secret_access_key');
  if (!key || !sec) {
    throw new HuellaError(
      'INVALID_INPUT',
      `Profile "${profile.slice(0, 60)}" has no static keys (aws_access_key_id, aws_secret_access_key). Huella does not use SSO, roles or credential processes: they would contact other servers than your endpoint.`,
    );
  }
  const token = section.get('aws_session_token');
  return { accessKeyId: key, secretAccessKey: sec, ...(token ? { sessionToken: token } : {}) };
}

/** The key = value pairs of one [section] of an INI file (comments with # or ;). */
function iniSection(text: string, name: string): Map<string, string> | undefined {
  let current: Map<string, string> | undefined;
  let found: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1] === name ? new Map() : undefined;
      if (current) found = current;
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return found;
}
