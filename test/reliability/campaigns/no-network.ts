import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Campaign } from '../lib';
import { runCommand, runHuella } from './cli-run';
import { makeJourneyInputs, runJourneys } from './journeys';

/**
 * No network (DESIGN: offline by construction). Every CLI journey step runs under
 * `strace -f -qq -e trace=socket,connect,sendto,sendmsg,bind` and fails on any AF_INET/AF_INET6 socket, or any
 * connect/sendto/sendmsg/bind naming an inet address. Any other socket use (AF_UNIX, AF_NETLINK…) fails the run
 * too and is listed: the CLI is a bundle run by plain Node (bin/huella.js; until it was, tsx's loader probed an
 * AF_UNIX pipe of its parent at every start, the one exception this check used to allow). A control run that does
 * open a TCP connection under the same strace must be flagged, or the check proves nothing. Push and pull
 * (DESIGN §9) are traced too, against the real S3 gateway: they may connect to the configured endpoint and nowhere
 * else (offEndpointLines), and the commands around them to nothing.
 */
const TRACE = ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=socket,connect,sendto,sendmsg,bind'];

/** The traced lines that touch the internet families (a socket of that family, or an inet address in a call). */
export function inetLines(trace: string): string[] {
  return trace.split('\n').filter((l) => /\bAF_INET6?\b/.test(l));
}

/** Socket calls of any other family: none is expected, so each is unexplained. */
export function unexplainedLines(trace: string): string[] {
  return trace.split('\n').filter((l) => /\bAF_[A-Z0-9]+\b/.test(l) && !/\bAF_INET6?\b/.test(l));
}

/** Socket families seen other than the inet ones (listed, so a reviewer can judge them). */
function otherFamilies(trace: string): string[] {
  const seen = new Set<string>();
  for (const m of trace.matchAll(/\b(AF_[A-Z0-9]+)\b/g)) if (m[1] !== 'AF_INET' && m[1] !== 'AF_INET6') seen.add(m[1]!);
  return [...seen].sort();
}

function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * The inet calls of a push or pull trace that go anywhere but the endpoint: every connect, sendto or sendmsg naming an
 * inet address must name the endpoint's address and port (a DNS query, a metadata server or a second host fails).
 * Also returns how many connects went to the endpoint, so a trace that contacted nothing cannot pass.
 */
export function offEndpointLines(trace: string, endpoint: { host: string; port: number }): { off: string[]; toEndpoint: number } {
  const off: string[] = [];
  let toEndpoint = 0;
  for (const line of inetLines(trace)) {
    if (!/\b(connect|sendto|sendmsg|bind)\(/.test(line)) continue; // creating a socket is not contacting anyone
    const port = /sin6?_port=htons\((\d+)\)/.exec(line)?.[1];
    const addr = /inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"/.exec(line);
    const host = addr?.[1] ?? addr?.[2];
    if (port === undefined && host === undefined) continue; // a call on an already connected socket
    if (Number(port) === endpoint.port && host === endpoint.host) {
      if (/\bconnect\(/.test(line)) toEndpoint++;
    } else off.push(line);
  }
  return { off, toEndpoint };
}

/**
 * Push, pull and backups on S3 are the only commands allowed to open connections (DESIGN §9): under the same strace,
 * against the real S3 gateway, they may connect to the configured endpoint and nowhere else; the commands around them (remote
 * add, contact, receive's bookkeeping) to nothing at all. Without S3 this fails, it does not skip.
 */
async function traceTransfer(workDir: string, traceFile: (step: string) => string, failures: string[]): Promise<number> {
  const endpointText = process.env.S3_ENDPOINT;
  if (!endpointText || !process.env.AWS_ACCESS_KEY_ID) {
    failures.push('push/pull: S3_ENDPOINT and AWS credentials are not set (.ci/run starts the Ceph gateway): the push/pull check cannot run');
    return 0;
  }
  const u = new URL(endpointText);
  const endpoint = { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  const admin = new S3Client({ region: 'us-east-1', endpoint: endpointText, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const bucket = `huella-nonet-${crypto.randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  const dir = path.join(workDir, 'transfer');
  fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'in', 'acta.txt'), 'acta de detención\n');
  const doc = path.join(dir, 'doc');
  const law = path.join(dir, 'law');
  let traced = 0;
  const step = async (name: string, args: string[], may: 'none' | 'endpoint'): Promise<string> => {
    const file = traceFile(`transfer-${name}`);
    const r = await runHuella(args, { wrapper: ['strace', ...TRACE, '-o', file], timeoutMs: 300_000 });
    traced++;
    if (r.code !== 0) failures.push(`push/pull step '${name}': exit ${String(r.code)}: ${r.stderr.slice(0, 200)}`);
    const trace = fs.readFileSync(file, 'utf8');
    if (may === 'none') {
      const hits = inetLines(trace);
      if (hits.length > 0) failures.push(`push/pull step '${name}': ${hits.length} inet socket call(s), first: ${hits[0]!.slice(0, 200)}`);
    } else {
      const { off, toEndpoint } = offEndpointLines(trace, endpoint);
      if (off.length > 0) failures.push(`push/pull step '${name}': ${off.length} inet call(s) not to ${endpoint.host}:${endpoint.port}, first: ${off[0]!.slice(0, 200)}`);
      if (toEndpoint === 0) failures.push(`push/pull step '${name}': no connect to ${endpoint.host}:${endpoint.port} was seen (the check would be vacuous)`);
    }
    const odd = unexplainedLines(trace);
    if (odd.length > 0) failures.push(`push/pull step '${name}': ${odd.length} unexplained socket call(s), first: ${odd[0]!.slice(0, 200)}`);
    return r.stdout;
  };
  await step('init documenter', ['init', doc, '--json'], 'none');
  await step('init lawyer', ['init', law, '--json'], 'none');
  const ing = await step('ingest', ['ingest', doc, path.join(dir, 'in'), '--json'], 'none');
  const itemId = (JSON.parse(ing.trim().split('\n')[0]!) as { itemId: string }).itemId;
  await step('remote add documenter', ['remote', 'add', doc, 'org', `s3://${bucket}/p`, '--endpoint', endpointText], 'none');
  await step('remote add lawyer', ['remote', 'add', law, 'org', `s3://${bucket}/p`, '--endpoint', endpointText], 'none');
  fs.writeFileSync(path.join(dir, 'law.card'), await step('contact', ['contact', law], 'none'));
  await step('push', ['push', doc, 'org', '--to', path.join(dir, 'law.card'), '--items', itemId, '--json'], 'endpoint');
  await step('pull', ['pull', law, 'org', '--accept-new-sender', '--json'], 'endpoint');
  await step('verify lawyer', ['verify', law, '--json'], 'none');
  // Backups on S3 (issue 15) are the third door: the endpoint and nowhere else; a backup to a folder, none.
  await step('backup to S3', ['backup', doc, `s3://${bucket}/backup`, '--endpoint', endpointText, '--json'], 'endpoint');
  await step('backup verify on S3', ['backup', 'verify', `s3://${bucket}/backup`, '--endpoint', endpointText, '--json'], 'endpoint');
  await step('restore from S3', ['restore', `s3://${bucket}/backup`, path.join(dir, 'restored'), '--endpoint', endpointText, '--json'], 'endpoint');
  await step('backup to a folder', ['backup', doc, path.join(dir, 'usb'), '--json'], 'none');
  return traced;
}

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const failures: string[] = [];
  if (!straceAvailable()) {
    return { name: 'no-network', total: 1, passed: 0, failures: ['strace is not installed (Debian package strace): the check cannot run'], summary: 'no-network: NOT RUN (strace missing)' };
  }
  const traceDir = path.join(workDir, 'traces');
  fs.mkdirSync(traceDir, { recursive: true });
  const otherSeen = new Map<string, Set<string>>();
  let traced = 0;
  let counter = 0;
  const traceFile = (step: string): string => path.join(traceDir, `${String(++counter).padStart(2, '0')}-${step.replace(/\W+/g, '-')}.strace`);

  // Control: the same strace must see a real TCP connect attempt (port 9, discard; refused or not, the syscall happens).
  const controlFile = traceFile('control');
  await runCommand('strace', [...TRACE, '-o', controlFile, process.execPath, '-e', "require('net').connect(9,'127.0.0.1').on('error',()=>{})"], { timeoutMs: 30_000 });
  const controlHits = inetLines(fs.readFileSync(controlFile, 'utf8'));
  const controlFlagged = controlHits.some((l) => l.startsWith('connect(') || /\bconnect\(/.test(l));
  if (!controlFlagged) failures.push(`control run: a TCP connect to 127.0.0.1:9 was NOT flagged by the trace check (the check would be vacuous); trace in ${controlFile}`);

  const inputs = await makeJourneyInputs(path.join(workDir, 'inputs'), seed);
  const rounds = quick ? 1 : 3;
  let steps = 0;
  for (let round = 0; round < rounds; round++) {
    const work = path.join(workDir, `round-${round}`);
    fs.mkdirSync(work, { recursive: true });
    const result = await runJourneys(work, inputs, async (step, args, input) => {
      const file = traceFile(`${round}-${step}`);
      const r = await runHuella(args, { wrapper: ['strace', ...TRACE, '-o', file], timeoutMs: 180_000, ...(input === undefined ? {} : { input }) });
      traced++;
      const trace = fs.readFileSync(file, 'utf8');
      const hits = inetLines(trace);
      if (hits.length > 0) failures.push(`round ${round} step '${step}' (huella ${args[0]}): ${hits.length} inet socket call(s), first: ${hits[0]!.slice(0, 200)}`);
      const odd = unexplainedLines(trace);
      if (odd.length > 0) failures.push(`round ${round} step '${step}' (huella ${args[0]}): ${odd.length} unexplained socket call(s), first: ${odd[0]!.slice(0, 200)}`);
      for (const fam of otherFamilies(trace)) {
        const set = otherSeen.get(fam) ?? new Set<string>();
        set.add(step);
        otherSeen.set(fam, set);
      }
      return r;
    });
    steps += result.steps;
    failures.push(...result.failures.map((f) => `round ${round}: ${f}`));
    log(`no-network: round ${round + 1}/${rounds}: ${result.steps} steps traced, ${failures.length} failure(s) so far`);
  }
  const transferTraced = await traceTransfer(workDir, traceFile, failures);
  traced += transferTraced;
  log(`no-network: push/pull: ${transferTraced} CLI runs under strace (push and pull may reach only the endpoint)`);
  const others = [...otherSeen].map(([fam, stepsSeen]) => `${fam} in ${[...stepsSeen].join(', ')}`);
  const total = traced + 1;
  const failedRuns = new Set(failures.map((f) => f.replace(/:.*$/, ''))).size;
  return {
    name: 'no-network',
    total,
    passed: total - failedRuns,
    failures,
    summary: `no-network: ${traced} CLI runs under strace (${steps} journey steps), ${failures.length} failure(s); control connect ${controlFlagged ? 'flagged' : 'NOT flagged'}; other socket families: ${others.length > 0 ? others.join('; ') : 'none'}`,
    details: { traced, steps, controlFlagged, controlHits: controlHits.slice(0, 3), otherFamilies: Object.fromEntries([...otherSeen].map(([k, v]) => [k, [...v]])) },
  };
};
