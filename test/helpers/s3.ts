// Real S3 for tests: the Ceph RADOS Gateway that .ci/run starts (../shared/tools/s3-ceph-up.sh), never a mock.
// Tests that need it FAIL when it is absent (a skipped S3 test would hide a broken transfer); locally, start it:
//   eval "$(../shared/tools/s3-ceph-up.sh start /tmp/huella-ceph)"
import crypto from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export type S3Env = { readonly endpoint: string };

export function requireS3(): S3Env {
  const endpoint = process.env.S3_ENDPOINT;
  if (!endpoint || !process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
    throw new Error(
      'These tests need a real S3 server: S3_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set. ' +
        '.ci/run starts one; locally run: eval "$(../shared/tools/s3-ceph-up.sh start /tmp/huella-ceph)"',
    );
  }
  return { endpoint };
}

export function adminClient(env: S3Env): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: env.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function makeBucket(client: S3Client, options: { readonly objectLock?: boolean } = {}): Promise<string> {
  const name = `huella-test-${crypto.randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: name, ...(options.objectLock ? { ObjectLockEnabledForBucket: true } : {}) }));
  return name;
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<{ key: string; size: number }[]> {
  const out: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of r.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function getBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

export async function putBytes(client: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
