import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Remote } from '../db/transfers';
import { HuellaError, fromSystemError, msg } from '../errors';
import { resolveCredentials, type S3Credentials } from './credentials';
import { withNetworkPermit } from './network-permit';
import { awsEndpoint, keyOf, parseEndpoint, parseS3Url, type Endpoint, type S3Location } from './url';

/**
 * An S3 remote as Huella uses it (DESIGN §9), on the AWS SDK for JavaScript v3: list, head, upload (multipart above
 * 8 MiB through lib-storage), download to a file, retention. Every call runs inside a network permit for exactly
 * this remote's endpoint; nothing else is contacted (credentials: ./credentials.ts; the SDK's configured-endpoint
 * environment variables are ignored, so AWS_ENDPOINT_URL_S3 cannot redirect it).
 *
 * Objects Huella writes carry their SHA-256 as user metadata (x-amz-meta-sha256), so a resumed transfer can tell a
 * complete, identical object from one to send again without reading it back.
 */

export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;
const UPLOAD_QUEUE = 4;
const DEFAULT_REGION = 'us-east-1';

export type RemoteObject = { readonly key: string; readonly size: number };

export type S3RemoteConfig = {
  readonly location: S3Location;
  readonly endpoint: Endpoint;
  readonly customEndpoint: boolean;
  readonly region: string;
  readonly retentionDays: number | null;
};

export function remoteConfig(remote: Pick<Remote, 'url' | 'endpoint' | 'region' | 'allowHttp' | 'retentionDays'>): S3RemoteConfig {
  const location = parseS3Url(remote.url);
  const region = remote.region ?? DEFAULT_REGION;
  const endpoint = remote.endpoint ? parseEndpoint(remote.endpoint, remote.allowHttp) : awsEndpoint(region, location.bucket);
  return { location, endpoint, customEndpoint: remote.endpoint !== null, region, retentionDays: remote.retentionDays };
}

// The SDK warns on every run under Node 20 that versions published after January 2027 will need Node 22. The
// version pinned in package.json supports Node 20 (README: the project stays on Node 20); the warning would only
// confuse a person reading the CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export class S3Remote {
  readonly config: S3RemoteConfig;
  readonly #client: S3Client;

  constructor(config: S3RemoteConfig, credentials: S3Credentials = resolveCredentials()) {
    this.config = config;
    const options: S3ClientConfig = {
      region: config.region,
      credentials,
      // Ceph RGW and MinIO have no wildcard DNS: path-style on a custom endpoint. On AWS, virtual-hosted (url.ts).
      forcePathStyle: config.customEndpoint,
      ...(config.customEndpoint ? { endpoint: config.endpoint.url } : {}),
      ignoreConfiguredEndpointUrls: true,
      // Checksums only where the operation needs one: S3-compatible stores (Ceph Pacific) reject the aws-chunked
      // trailing checksums the SDK sends by default. Integrity is ours anyway: every object is authenticated
      // ciphertext, and its SHA-256 is in a signed manifest.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 4,
    };
    this.#client = new S3Client(options);
  }

  key(rest: string): string {
    return keyOf(this.config.location, rest);
  }

  /** Runs `fn` with the network permit for this endpoint; S3 errors become HuellaErrors a person can act on. */
  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withNetworkPermit(this.config.endpoint, fn);
    } catch (e) {
      throw s3Error(e, what, this.config);
    }
  }

  /** Every object under `prefix` (relative to the remote's prefix). */
  async list(prefix: string): Promise<RemoteObject[]> {
    const out: RemoteObject[] = [];
    const full = this.key(prefix);
    let token: string | undefined;
    await this.run('listing the remote', async () => {
      do {
        const r = await this.#client.send(new ListObjectsV2Command({ Bucket: this.config.location.bucket, Prefix: full, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of r.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0 });
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    });
    return out;
  }

  /** Size and recorded SHA-256 of one object, or undefined if it does not exist. */
  async head(key: string): Promise<{ size: number; sha256?: string; versionId?: string } | undefined> {
    return this.run('reading an object\'s details on the remote', async () => {
      try {
        const r = await this.#client.send(new HeadObjectCommand({ Bucket: this.config.location.bucket, Key: key }));
        return { size: r.ContentLength ?? 0, ...(r.Metadata?.sha256 ? { sha256: r.Metadata.sha256 } : {}), ...(r.VersionId ? { versionId: r.VersionId } : {}) };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });
  }

  /** Whether nothing at all is stored under `prefix` (one listing request of one key). */
  async isEmpty(prefix: string): Promise<boolean> {
    return this.run('listing the remote', async () => {
      const r = await this.#client.send(new ListObjectsV2Command({ Bucket: this.config.location.bucket, Prefix: this.key(prefix), MaxKeys: 1 }));
      return (r.KeyCount ?? r.Contents?.length ?? 0) === 0;
    });
  }

  /**
   * Aborts the multipart uploads left unfinished under `prefix` (a process killed mid-upload leaves its parts on the
   * store, invisible and billed, until someone aborts them). Only uploads older than `olderThanMs` are touched, so
   * a concurrent upload of another process is not broken.
   */
  async abortUnfinishedUploads(prefix: string, olderThanMs = 0, now = Date.now()): Promise<number> {
    return this.run('cleaning unfinished uploads on the remote', async () => {
      let aborted = 0;
      let keyMarker: string | undefined;
      let idMarker: string | undefined;
      for (;;) {
        const r = await this.#client.send(
          new ListMultipartUploadsCommand({ Bucket: this.config.location.bucket, Prefix: this.key(prefix), ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(idMarker ? { UploadIdMarker: idMarker } : {}) }),
        );
        for (const u of r.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && now - u.Initiated.getTime() < olderThanMs)) continue;
          await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.config.location.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        }
        if (!r.IsTruncated) return aborted;
        keyMarker = r.NextKeyMarker;
        idMarker = r.NextUploadIdMarker;
      }
    });
  }

  /** Uploads a local file under `key` (multipart above one part), with its SHA-256 as metadata. */
  async putFile(file: string, key: string, options: { readonly sha256: string; readonly size: number; readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void }): Promise<void> {
    await this.putStream(() => fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), key, options);
  }

  /** Uploads small bytes under `key`, with their SHA-256 as metadata. */
  async putBytes(bytes: Uint8Array, key: string): Promise<void> {
    await this.putStream(() => Readable.from([Buffer.from(bytes)]), key, { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }

  /** Uploads what `open()` streams (exactly `size` bytes) under `key`, multipart above one part, SHA-256 as metadata. */
  async putStream(open: () => NodeJS.ReadableStream, key: string, options: { readonly sha256: string; readonly size: number; readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void }): Promise<void> {
    await this.run('uploading to the remote', async () => {
      const body = open() as Readable;
      const upload = new Upload({
        client: this.#client,
        params: { Bucket: this.config.location.bucket, Key: key, Body: body, ContentLength: options.size, Metadata: { sha256: options.sha256 }, ContentType: 'application/octet-stream' },
        partSize: MULTIPART_PART_BYTES,
        queueSize: UPLOAD_QUEUE,
        leavePartsOnError: false,
        ...(options.signal ? { abortController: abortControllerFor(options.signal) } : {}),
      });
      let last = 0;
      upload.on('httpUploadProgress', (p) => {
        const loaded = p.loaded ?? 0;
        if (loaded > last) options.onBytes?.(loaded - last);
        last = Math.max(last, loaded);
      });
      await upload.done();
    });
  }

  /** The bytes of a small object, or undefined if it does not exist; refuses one larger than `maxBytes`. */
  async getBytes(key: string, maxBytes: number): Promise<Buffer | undefined> {
    return this.run('downloading from the remote', async () => {
      let r;
      try {
        r = await this.#client.send(new GetObjectCommand({ Bucket: this.config.location.bucket, Key: key }));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      if ((r.ContentLength ?? 0) > maxBytes) {
        (r.Body as Readable | undefined)?.destroy();
        throw new HuellaError('FORMAT_INVALID', `An object on the remote is larger than such a file can be (${r.ContentLength} bytes).`);
      }
      const parts: Buffer[] = [];
      let n = 0;
      for await (const chunk of r.Body as Readable) {
        n += (chunk as Buffer).length;
        if (n > maxBytes) throw new HuellaError('FORMAT_INVALID', 'An object on the remote is larger than such a file can be.');
        parts.push(chunk as Buffer);
      }
      return Buffer.concat(parts);
    });
  }

  /** Streams an object through SHA-256 without storing it: size, hash and its first 16 bytes; undefined if absent. */
  async hashObject(key: string, options: { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void } = {}): Promise<{ size: number; sha256: string; head: Buffer } | undefined> {
    return this.run('reading from the remote', async () => {
      let r;
      try {
        r = await this.#client.send(new GetObjectCommand({ Bucket: this.config.location.bucket, Key: key }), options.signal ? { abortSignal: options.signal } : {});
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      const hash = crypto.createHash('sha256');
      let size = 0;
      let head = Buffer.alloc(0);
      for await (const chunk of r.Body as Readable) {
        const b = chunk as Buffer;
        if (head.length < 16) head = Buffer.concat([head, b.subarray(0, 16 - head.length)]);
        hash.update(b);
        size += b.length;
        options.onBytes?.(b.length);
      }
      return { size, sha256: hash.digest('hex'), head };
    });
  }

  /** Downloads `key` into `dest` (a new file, fsynced); returns its size and SHA-256. */
  async getFile(key: string, dest: string, options: { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void; readonly maxBytes?: number } = {}): Promise<{ size: number; sha256: string }> {
    return this.run('downloading from the remote', async () => {
      const r = await this.#client.send(new GetObjectCommand({ Bucket: this.config.location.bucket, Key: key }), options.signal ? { abortSignal: options.signal } : {});
      if (!r.Body) throw new HuellaError('FORMAT_INVALID', 'The remote returned an empty answer for an object.');
      const hash = crypto.createHash('sha256');
      let size = 0;
      const max = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > max) {
            cb(new HuellaError('PACKET_INVALID', `An object on the remote is larger than its signed listing says (${max} bytes).`));
            return;
          }
          hash.update(chunk);
          options.onBytes?.(chunk.length);
          cb(null, chunk);
        },
      });
      try {
        await pipeline(r.Body as NodeJS.ReadableStream, tap, fs.createWriteStream(dest, { flags: 'wx', mode: 0o600, flush: true }), options.signal ? { signal: options.signal } : {});
      } catch (e) {
        await fsp.rm(dest, { force: true }).catch(() => undefined);
        throw e;
      }
      return { size, sha256: hash.digest('hex') };
    });
  }

  async delete(key: string, versionId?: string): Promise<void> {
    await this.run('deleting on the remote', async () => {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.config.location.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
    });
  }

  /** Whether the bucket has S3 Object Lock enabled (false if the store does not support it). */
  async objectLockEnabled(): Promise<boolean> {
    return this.run('reading the bucket\'s Object Lock setting', async () => {
      try {
        const r = await this.#client.send(new GetObjectLockConfigurationCommand({ Bucket: this.config.location.bucket }));
        return r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      } catch (e) {
        if (e instanceof S3ServiceException && /ObjectLockConfigurationNotFound|NotImplemented|InvalidRequest/i.test(e.name)) return false;
        throw e;
      }
    });
  }

  /** COMPLIANCE retention until `days` from now: nobody, not the account's owner, can delete the version before. */
  async retain(key: string, days: number, now = new Date()): Promise<void> {
    const until = new Date(now.getTime() + days * 86_400_000);
    await this.run('setting Object Lock retention', async () => {
      await this.#client.send(new PutObjectRetentionCommand({ Bucket: this.config.location.bucket, Key: key, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until } }));
    });
  }

  destroy(): void {
    this.#client.destroy();
  }
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const c = new AbortController();
  if (signal.aborted) c.abort();
  else signal.addEventListener('abort', () => c.abort(), { once: true });
  return c;
}

/** Whether a failure of an S3Remote call (a HuellaError made by s3Error, or the SDK's own) means "no such object". */
export function isNotFoundError(e: unknown): boolean {
  return isNotFound(e) || isNotFound((e as { cause?: unknown } | null)?.cause);
}

function isNotFound(e: unknown): boolean {
  return e instanceof S3ServiceException && (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404);
}

/** Maps SDK and network failures to errors a person can act on (never with credentials in them). */
export function s3Error(e: unknown, what: string, config: S3RemoteConfig): HuellaError {
  if (e instanceof HuellaError) return e;
  const where = `${config.endpoint.host}:${config.endpoint.port}`;
  // Keyed messages: the renderer says which of these it is in the person's language (issue 13).
  if (e instanceof S3ServiceException) {
    const status = e.$metadata.httpStatusCode;
    if (e.name === 'NoSuchBucket') return new HuellaError('NOT_FOUND', msg('problem.remote.noSuchBucket', { bucket: config.location.bucket, where }), { cause: e });
    if (e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') return new HuellaError('FILE_UNREADABLE', msg('problem.remote.badCredentials', { where }), { cause: e });
    if (e.name === 'AccessDenied' || status === 403) return new HuellaError('FILE_UNREADABLE', msg(/delet/.test(what) ? 'problem.remote.accessDeniedDelete' : 'problem.remote.accessDenied', { where }), { cause: e });
    return new HuellaError('INTERNAL', msg('problem.remote.failed', { where, detail: `${e.name}${status ? `, HTTP ${status}` : ''}` }), { cause: e });
  }
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
    return new HuellaError('FILE_UNREADABLE', msg('problem.remote.unreachable', { where }), { cause: e });
  }
  if ((e as { name?: string } | null)?.name === 'AbortError') return new HuellaError('CANCELLED', 'Cancelled.', { cause: e });
  return fromSystemError(e, what);
}
