#!/usr/bin/env node
// An independent BagIt validator, written from RFC 8493 (https://www.rfc-editor.org/rfc/rfc8493) for reviewers and
// for Huella's tests. Plain Node.js, no dependencies, and it shares no code with Huella: read it top to bottom.
//
//   node bagit-validate.mjs <bag folder>
//
// Checks, with the RFC section that requires each:
//   §2.1.1  bagit.txt exists, has exactly the two lines "BagIt-Version: M.N" and "Tag-File-Character-Encoding: X"
//   §2.1.2  the payload directory data/ exists
//   §2.1.3  at least one payload manifest manifest-<alg>.txt; each line "<checksum> <path>"; every listed file
//           exists and has that checksum; every payload file is listed in every payload manifest (§3)
//   §2.2.1  tag manifests tagmanifest-<alg>.txt list only tag files (not payload), each present and matching
//   §2.2.2  bag-info.txt "Label: value" lines; Payload-Oxum (octets.streams), when present, matches the payload
//   §2.1.3  paths are relative, '/'-separated, percent-encoded CR/LF/%, and may not leave the bag
// Exit status: 0 valid, 1 invalid (every problem is printed), 2 usage error.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ALGORITHMS = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

function usage(message) {
  process.stderr.write(`bagit-validate: ${message}\nUsage: node bagit-validate.mjs <bag folder>\n`);
  process.exit(2);
}

const bag = process.argv[2];
if (!bag || process.argv.length > 3) usage('give exactly one bag folder');
if (!fs.existsSync(bag) || !fs.statSync(bag).isDirectory()) usage(`${bag} is not a folder`);

const problems = [];
const problem = (m) => problems.push(m);

function readText(rel) {
  return fs.readFileSync(path.join(bag, rel), 'utf8');
}

function lines(text) {
  const out = text.split(/\r\n|\n|\r/);
  if (out.at(-1) === '') out.pop();
  return out;
}

function fileHash(rel, alg) {
  const h = crypto.createHash(ALGORITHMS[alg]);
  const fd = fs.openSync(path.join(bag, rel), 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** Every regular file under `rel`, as bag-relative '/' paths; symlinks and special files are problems. */
function walk(rel) {
  const out = [];
  for (const name of fs.readdirSync(path.join(bag, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    const st = fs.lstatSync(path.join(bag, r));
    if (st.isSymbolicLink()) problem(`${r} is a symbolic link`);
    else if (st.isDirectory()) out.push(...walk(r));
    else if (st.isFile()) out.push(r);
    else problem(`${r} is not a regular file`);
  }
  return out;
}

function decodePath(p) {
  return p.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
}

function safeRelative(p) {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\\')) return false;
  return !p.split('/').some((s) => s === '..' || s === '');
}

// §2.1.1 bagit.txt
let encoding = 'UTF-8';
if (!fs.existsSync(path.join(bag, 'bagit.txt'))) problem('bagit.txt is missing (§2.1.1)');
else {
  const l = lines(readText('bagit.txt'));
  const v = /^BagIt-Version: ([0-9]+)\.([0-9]+)$/.exec(l[0] ?? '');
  const e = /^Tag-File-Character-Encoding: (.+)$/.exec(l[1] ?? '');
  if (l.length !== 2 || !v || !e) problem('bagit.txt must have exactly the BagIt-Version and Tag-File-Character-Encoding lines (§2.1.1)');
  else {
    encoding = e[1];
    if (v[1] !== '1') problem(`BagIt-Version ${v[1]}.${v[2]} is not version 1.x`);
  }
}
if (encoding.toUpperCase() !== 'UTF-8') problem(`this validator reads UTF-8 tag files only, the bag declares ${encoding}`);

// §2.1.2 payload directory
if (!fs.existsSync(path.join(bag, 'data')) || !fs.statSync(path.join(bag, 'data')).isDirectory()) problem('the payload directory data/ is missing (§2.1.2)');
const allFiles = walk('');
const payload = allFiles.filter((f) => f.startsWith('data/'));

// Manifests (§2.1.3, §2.2.1)
function checkManifest(rel, alg, isTag) {
  const listed = new Set();
  lines(readText(rel)).forEach((line, i) => {
    const m = /^([0-9a-fA-F]+)[ \t]+\*?(.+)$/.exec(line);
    if (!m) {
      problem(`${rel} line ${i + 1} is not "<checksum> <path>"`);
      return;
    }
    const p = decodePath(m[2]);
    if (!safeRelative(p)) {
      problem(`${rel} line ${i + 1}: ${p} is not a safe relative path inside the bag`);
      return;
    }
    if (listed.has(p)) problem(`${rel} lists ${p} twice`);
    listed.add(p);
    if (isTag && p.startsWith('data/')) problem(`${rel} lists payload file ${p} (§2.2.1: tag manifests list tag files)`);
    if (!isTag && !p.startsWith('data/')) problem(`${rel} lists ${p}, which is not in the payload directory (§2.1.3)`);
    if (!allFiles.includes(p)) {
      problem(`${p} is listed in ${rel} but does not exist`);
      return;
    }
    const actual = fileHash(p, alg);
    if (actual !== m[1].toLowerCase()) problem(`${p}: ${alg} is ${actual}, ${rel} says ${m[1].toLowerCase()}`);
  });
  return listed;
}

const top = fs.readdirSync(bag);
const payloadManifests = top.filter((n) => /^manifest-[a-z0-9]+\.txt$/.test(n));
const tagManifests = top.filter((n) => /^tagmanifest-[a-z0-9]+\.txt$/.test(n));
if (payloadManifests.length === 0) problem('no payload manifest manifest-<algorithm>.txt (§2.1.3)');
for (const m of payloadManifests) {
  const alg = /^manifest-([a-z0-9]+)\.txt$/.exec(m)[1];
  if (!(alg in ALGORITHMS)) {
    problem(`${m}: unsupported algorithm ${alg}`);
    continue;
  }
  const listed = checkManifest(m, alg, false);
  for (const f of payload) if (!listed.has(f)) problem(`${f} is in the payload but not listed in ${m} (§3: every payload file in every payload manifest)`);
}
for (const m of tagManifests) {
  const alg = /^tagmanifest-([a-z0-9]+)\.txt$/.exec(m)[1];
  if (!(alg in ALGORITHMS)) {
    problem(`${m}: unsupported algorithm ${alg}`);
    continue;
  }
  checkManifest(m, alg, true);
}

// §2.2.2 bag-info.txt and Payload-Oxum
if (fs.existsSync(path.join(bag, 'bag-info.txt'))) {
  const info = [];
  lines(readText('bag-info.txt')).forEach((line, i) => {
    if (/^[ \t]/.test(line) && info.length > 0) info[info.length - 1][1] += ` ${line.trim()}`;
    else {
      const c = line.indexOf(':');
      if (c <= 0) problem(`bag-info.txt line ${i + 1} is not "Label: value" (§2.2.2)`);
      else info.push([line.slice(0, c).trim(), line.slice(c + 1).trim()]);
    }
  });
  const oxum = info.find(([k]) => k === 'Payload-Oxum');
  if (oxum) {
    const m = /^([0-9]+)\.([0-9]+)$/.exec(oxum[1]);
    const bytes = payload.reduce((a, f) => a + fs.statSync(path.join(bag, f)).size, 0);
    if (!m) problem('Payload-Oxum is not "<octets>.<streams>"');
    else if (Number(m[1]) !== bytes || Number(m[2]) !== payload.length) problem(`Payload-Oxum is ${oxum[1]}, the payload is ${bytes}.${payload.length}`);
  }
}

if (problems.length > 0) {
  for (const p of problems) process.stdout.write(`INVALID: ${p}\n`);
  process.stdout.write(`${bag} is NOT a valid BagIt bag (${problems.length} problem${problems.length === 1 ? '' : 's'})\n`);
  process.exit(1);
}
process.stdout.write(`${bag} is a valid BagIt bag: ${payload.length} payload files, ${payloadManifests.length} payload manifest(s), ${tagManifests.length} tag manifest(s)\n`);
