import { HuellaError } from '../errors';

/**
 * S3 remote addresses (DESIGN §9): `s3://bucket/prefix` and an optional endpoint URL (an organisation's own Ceph
 * or MinIO; without one, the AWS endpoint of the region). The network rule of DESIGN §1 (A5): TLS to anything
 * that is not this machine. A plain `http://` endpoint is accepted only on loopback (127.0.0.0/8, ::1, localhost),
 * unless the person forces it for a network they trust.
 */

export type S3Location = { readonly bucket: string; readonly prefix: string };

// S3 bucket naming rules (lower case, digits, dots, hyphens, 3-63 characters, starting and ending alphanumeric).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;

export function parseS3Url(text: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(text.trim());
  if (!m) throw new HuellaError('INVALID_INPUT', 'A remote address looks like s3://bucket or s3://bucket/prefix.');
  const bucket = m[1]!;
  if (!BUCKET.test(bucket) || bucket.includes('..')) throw new HuellaError('INVALID_INPUT', `"${bucket.slice(0, 70)}" is not a valid S3 bucket name (lower-case letters, digits, dots and hyphens).`);
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '' && !prefix.split('/').every((s) => PREFIX_SEGMENT.test(s) && s !== '.' && s !== '..')) {
    throw new HuellaError('INVALID_INPUT', 'The prefix after the bucket may hold only letters, digits, ".", "_", "-" and "/" between parts.');
  }
  return { bucket, prefix };
}

export function formatS3Url(loc: S3Location): string {
  return `s3://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
}

/** The object key of `rest` under the location's prefix. */
export function keyOf(loc: S3Location, rest: string): string {
  return loc.prefix ? `${loc.prefix}/${rest}` : rest;
}

export type Endpoint = { readonly url: string; readonly host: string; readonly port: number; readonly tls: boolean };

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parses and checks an endpoint URL; `allowHttp` lets a plain-http endpoint off this machine through (forced). */
export function parseEndpoint(text: string, allowHttp = false): Endpoint {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new HuellaError('INVALID_INPUT', 'The endpoint must be a URL such as https://s3.example.org or http://127.0.0.1:7480.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new HuellaError('INVALID_INPUT', 'The endpoint must be an https:// (or, on this machine, http://) URL.');
  if (u.username || u.password) throw new HuellaError('INVALID_INPUT', 'Do not put credentials in the endpoint URL: Huella reads them from the AWS environment variables or profile.');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new HuellaError('INVALID_INPUT', 'The endpoint is a server address only (no path or query); the bucket and prefix go in the s3:// address.');
  const tls = u.protocol === 'https:';
  if (!tls && !isLoopbackHost(u.hostname) && !allowHttp) {
    throw new HuellaError(
      'INVALID_INPUT',
      `Refusing plain http:// to ${u.hostname}: anyone on the network could watch or alter the transfer. Use https://, or force it (--allow-http) only on a network you control.`,
    );
  }
  const port = u.port ? Number(u.port) : tls ? 443 : 80;
  return { url: `${u.protocol}//${u.host}`, host: u.hostname.replace(/^\[|\]$/g, ''), port, tls };
}

/**
 * The AWS endpoint used when none is configured: virtual-hosted style (bucket in the host name), which is what AWS
 * serves for every bucket. The host is what the network permit allows, so it must be exactly the one contacted.
 */
export function awsEndpoint(region: string, bucket: string): Endpoint {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new HuellaError('INVALID_INPUT', `"${region.slice(0, 40)}" is not an AWS region name (e.g. eu-west-1).`);
  if (bucket.includes('.')) throw new HuellaError('INVALID_INPUT', 'On AWS without --endpoint, use a bucket name without dots (a dotted name breaks the TLS certificate check).');
  const host = `${bucket}.s3.${region}.amazonaws.com`;
  return { url: `https://${host}`, host, port: 443, tls: true };
}
