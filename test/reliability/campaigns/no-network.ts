import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Campaign } from '../lib';
import { runCommand, runHuella } from './cli-run';
import { makeJourneyInputs, runJourneys } from './journeys';

/**
 * No network (DESIGN: offline by construction). Every CLI journey step runs under
 * `strace -f -qq -e trace=socket,connect,sendto,sendmsg,bind` and fails on any AF_INET/AF_INET6 socket, or any
 * connect/sendto/sendmsg/bind naming an inet address. Any other socket use (AF_UNIX, AF_NETLINK…) fails the run
 * too and is listed: the CLI is a bundle run by plain Node (bin/huella.js; until it was, tsx's loader probed an
 * AF_UNIX pipe of its parent at every start, the one exception this check used to allow). A control run that does
 * open a TCP connection under the same strace must be flagged, or the check proves nothing.
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
