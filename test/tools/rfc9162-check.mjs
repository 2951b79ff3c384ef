#!/usr/bin/env node
// An independent checker of RFC 9162 Merkle inclusion and consistency proofs, for reviewers who do not want to
// trust Huella's own code. Written from the RFC text (https://www.rfc-editor.org/rfc/rfc9162, §2.1.3.2 and
// §2.1.4.2), plain Node.js, no dependencies, and it shares no code with Huella: read it top to bottom.
//
//   node rfc9162-check.mjs inclusion --leaf-file F (or --leaf-hash-hex H) --index N --size N \
//        --proof-hex h1,h2,... --root-b64 R            (--proof-b64 and --root-hex work too)
//   node rfc9162-check.mjs consistency --old-size M --new-size N --old-root-b64 R1 --new-root-b64 R2 \
//        --proof-hex h1,h2,...
//   node rfc9162-check.mjs tlog-proof --proof-file P --leaf-file F [--verifier-key <name>+<id>+<key>]
//        reads a c2sp.org/tlog-proof@v1 file and checks the entry's inclusion against its checkpoint; with a
//        verifier key (signed-note format) it also checks the checkpoint's Ed25519 signature.
//
// Exit status: 0 the proof is valid, 1 it is not, 2 the command line or an input file is malformed.
// Leaf hash = SHA-256(0x00 || entry bytes); node hash = SHA-256(0x01 || left || right).

import crypto from 'node:crypto';
import fs from 'node:fs';

class Usage extends Error {}

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hashLeaf = (entry) => sha256(Buffer.from([0]), entry);
const hashChildren = (left, right) => sha256(Buffer.from([1]), left, right);
const same = (a, b) => a.length === b.length && crypto.timingSafeEqual(a, b);

function decodeHash(text, encoding, what) {
  const bytes = Buffer.from(text, encoding);
  const canonical = encoding === 'hex' ? text.toLowerCase() : text;
  if (bytes.length !== 32 || bytes.toString(encoding) !== canonical) throw new Usage(`${what} is not a 32-byte ${encoding} hash`);
  return bytes;
}

function decodeList(text, encoding, what) {
  if (text === undefined || text === '') return [];
  return text.split(',').map((t, i) => decodeHash(t.trim(), encoding, `${what} #${i + 1}`));
}

function decodeCount(text, what) {
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) throw new Usage(`${what} must be a decimal number`);
  return BigInt(text);
}

// RFC 9162 §2.1.3.2, step by step. Indices are BigInt so sizes up to 2^64 are exact.
function inclusionHolds(leafIndex, treeSize, leafHash, path, rootHash) {
  if (leafIndex >= treeSize) return false; // 1.
  let fn = leafIndex; // 2.
  let sn = treeSize - 1n;
  let r = leafHash; // 3.
  for (const p of path) { // 4.
    if (sn === 0n) return false; // 4a.
    if ((fn & 1n) === 1n || fn === sn) { // 4b.
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n; // 4c.
    sn >>= 1n;
  }
  return sn === 0n && same(r, rootHash); // 5.
}

const EMPTY_TREE = sha256();

// RFC 9162 §2.1.4.2 for 0 < first < second; for first = second the proof is empty and the roots equal; from the
// empty tree (first = 0) the proof is empty and the first root is the hash of the empty string.
function consistencyHolds(first, second, firstHash, secondHash, path) {
  if (first > second) return false;
  if (first === 0n) return path.length === 0 && same(firstHash, EMPTY_TREE) && (second > 0n || same(secondHash, EMPTY_TREE));
  if (first === second) return path.length === 0 && same(firstHash, secondHash);
  if (path.length === 0) return false; // 1.
  const isPowerOf2 = (first & (first - 1n)) === 0n;
  const proof = isPowerOf2 ? [firstHash, ...path] : [...path]; // 2.
  let fn = first - 1n; // 3.
  let sn = second - 1n;
  while ((fn & 1n) === 1n) { // 4.
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = proof[0]; // 5.
  let sr = proof[0];
  for (const c of proof.slice(1)) { // 6.
    if (sn === 0n) return false; // 6a.
    if ((fn & 1n) === 1n || fn === sn) { // 6b.
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n; // 6c.
    sn >>= 1n;
  }
  return same(fr, firstHash) && same(sr, secondHash) && sn === 0n; // 7.
}

function parseOptions(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key.startsWith('--') || i + 1 >= argv.length) throw new Usage(`unexpected argument ${key}`);
    options[key.slice(2)] = argv[i + 1];
  }
  return options;
}

function readLeafHash(o) {
  if (o['leaf-file'] !== undefined) return hashLeaf(fs.readFileSync(o['leaf-file']));
  if (o['leaf-hash-hex'] !== undefined) return decodeHash(o['leaf-hash-hex'], 'hex', 'the leaf hash');
  throw new Usage('give --leaf-file or --leaf-hash-hex');
}

function proofList(o) {
  if (o['proof-hex'] !== undefined) return decodeList(o['proof-hex'], 'hex', 'proof hash');
  if (o['proof-b64'] !== undefined) return decodeList(o['proof-b64'], 'base64', 'proof hash');
  throw new Usage('give --proof-hex or --proof-b64 (an empty string for an empty proof)');
}

function rootOf(o, prefix, what) {
  if (o[`${prefix}-b64`] !== undefined) return decodeHash(o[`${prefix}-b64`], 'base64', what);
  if (o[`${prefix}-hex`] !== undefined) return decodeHash(o[`${prefix}-hex`], 'hex', what);
  throw new Usage(`give --${prefix}-b64 or --${prefix}-hex`);
}

// c2sp.org/signed-note: text, blank line, "— <name> base64(key ID || signature)" lines.
function noteSignedBy(note, verifierKey) {
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  const name = verifierKey.slice(0, first);
  const idHex = verifierKey.slice(first + 1, second);
  const key = Buffer.from(verifierKey.slice(second + 1), 'base64');
  if (first < 1 || second < 0 || !/^[0-9a-f]{8}$/.test(idHex) || key.length !== 33 || key[0] !== 1) {
    throw new Usage('the verifier key is not <name>+<8 hex digits>+<base64(0x01 || Ed25519 public key)>');
  }
  // Key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4] (c2sp.org/signed-note).
  if (sha256(Buffer.from(`${name}\n`, 'utf8'), key).subarray(0, 4).toString('hex') !== idHex) throw new Usage('the verifier key ID does not match its name and key');
  const publicKey = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]), format: 'der', type: 'spki' });
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Usage('the checkpoint has no signature block');
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split('\n').filter((l) => l !== '')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = Buffer.from(m[2], 'base64');
    if (sig.subarray(0, 4).toString('hex') !== idHex) continue;
    return crypto.verify(null, Buffer.from(text, 'utf8'), publicKey, sig.subarray(4));
  }
  return false;
}

function checkTlogProof(o) {
  if (o['proof-file'] === undefined) throw new Usage('give --proof-file');
  const text = fs.readFileSync(o['proof-file'], 'utf8');
  const lines = text.split('\n');
  let i = 0;
  if (lines[i++] !== 'c2sp.org/tlog-proof@v1') throw new Usage('not a c2sp.org/tlog-proof@v1 file');
  if (lines[i]?.startsWith('extra ')) i++;
  const indexMatch = /^index (0|[1-9][0-9]*)$/.exec(lines[i++] ?? '');
  if (!indexMatch) throw new Usage('the proof has no "index N" line');
  const path = [];
  while (i < lines.length && lines[i] !== '') path.push(decodeHash(lines[i++], 'base64', `proof line ${i}`));
  if (i >= lines.length) throw new Usage('the proof has no blank line before its checkpoint');
  const checkpoint = lines.slice(i + 1).join('\n');
  const [origin, sizeText, rootText] = checkpoint.split('\n');
  const size = decodeCount(sizeText, 'the checkpoint size');
  const root = decodeHash(rootText ?? '', 'base64', 'the checkpoint root');
  if (o['verifier-key'] !== undefined && !noteSignedBy(checkpoint, o['verifier-key'])) {
    return { ok: false, message: `the checkpoint of ${origin} is not validly signed by ${o['verifier-key'].split('+').slice(0, 2).join('+')}` };
  }
  const index = BigInt(indexMatch[1]);
  const ok = inclusionHolds(index, size, readLeafHash(o), path, root);
  const signed = o['verifier-key'] !== undefined ? ', checkpoint signature valid' : ', checkpoint signature NOT checked (no --verifier-key)';
  return { ok, message: `entry ${index} ${ok ? 'is' : 'is NOT'} included in ${origin} at size ${size}${ok ? signed : ''}` };
}

function run(argv) {
  const [mode, ...rest] = argv;
  const o = parseOptions(rest);
  switch (mode) {
    case 'inclusion': {
      const index = decodeCount(o.index, '--index');
      const size = decodeCount(o.size, '--size');
      const ok = inclusionHolds(index, size, readLeafHash(o), proofList(o), rootOf(o, 'root', 'the root'));
      return { ok, message: `leaf ${index} ${ok ? 'is' : 'is NOT'} included in the tree of size ${size} with that root` };
    }
    case 'consistency': {
      const m = decodeCount(o['old-size'], '--old-size');
      const n = decodeCount(o['new-size'], '--new-size');
      const ok = consistencyHolds(m, n, rootOf(o, 'old-root', 'the old root'), rootOf(o, 'new-root', 'the new root'), proofList(o));
      return { ok, message: `the tree of size ${n} ${ok ? 'is' : 'is NOT'} an append-only extension of the tree of size ${m}` };
    }
    case 'tlog-proof':
      return checkTlogProof(o);
    default:
      throw new Usage('the first argument must be inclusion, consistency or tlog-proof');
  }
}

try {
  const { ok, message } = run(process.argv.slice(2));
  console.log(`${ok ? 'OK' : 'FAIL'}: ${message}`);
  process.exitCode = ok ? 0 : 1;
} catch (e) {
  console.error(`error: ${e instanceof Usage ? e.message : e}`);
  process.exitCode = 2;
}
