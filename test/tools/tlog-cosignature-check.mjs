#!/usr/bin/env node
// An independent checker of C2SP witness cosignatures, for reviewers who do not want to trust Huella's own code.
// Written from the specifications, plain Node.js, no dependencies, sharing no code with Huella: read it top to bottom.
//   https://c2sp.org/signed-note        (note format, verifier keys, key IDs)
//   https://c2sp.org/tlog-checkpoint    (origin, tree size, root hash)
//   https://c2sp.org/tlog-cosignature   (cosignature/v1, Ed25519, signature type 0x04)
//
//   node tlog-cosignature-check.mjs --note FILE --log-key <vkey> --witness-key <vkey> [--witness-key <vkey> ...]
//
// FILE is a signed checkpoint (a note), or a c2sp.org/tlog-proof@v1 file (its checkpoint is checked). The log key
// is the log's signed-note verifier key (type 0x01); each witness key is a cosigner verifier key (type 0x04; a
// type 0x01 key of the same Ed25519 key is accepted too). The checkpoint must carry a valid signature by the log
// key and a valid cosignature by every witness key given. For each, it prints the time the witness stated.
//
// Exit status: 0 all signatures hold, 1 one does not (or is missing), 2 the command line or a file is malformed.

import crypto from 'node:crypto';
import fs from 'node:fs';

class Usage extends Error {}

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function decodeBase64(text, what) {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new Usage(`${what} is not canonical base64`);
  return bytes;
}

// A verifier key: <name>+<key ID, 8 hex digits>+base64(signature type || public key).
function parseVerifierKey(vkey, allowedTypes) {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 1 || second < 0) throw new Usage(`not a verifier key: ${vkey}`);
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const key = decodeBase64(vkey.slice(second + 1), `the key of ${name}`);
  if (!/^[0-9a-f]{8}$/.test(idHex) || key.length !== 33 || !allowedTypes.includes(key[0])) {
    throw new Usage(`${vkey} is not an Ed25519 verifier key of type ${allowedTypes.map((t) => `0x0${t}`).join(' or ')}`);
  }
  // Key ID = SHA-256(name || 0x0A || type || public key)[:4]
  if (sha256(Buffer.from(`${name}\n`, 'utf8'), key).subarray(0, 4).toString('hex') !== idHex) throw new Usage(`the key ID of ${vkey} does not match its name and key`);
  const publicKey = key.subarray(1);
  // What a signature line under this key must carry as its key ID, as a cosigner (type 0x04) or as a log (0x01).
  const idFor = (type) => sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.from([type]), publicKey).subarray(0, 4);
  return { name, publicKey, idFor };
}

function ed25519Verify(publicKey, message, signature) {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return crypto.verify(null, message, crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

// A note: text (ending in a newline), a blank line, then "— <name> base64(key ID || signature)" lines.
function splitNote(note) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Usage('not a signed note (no blank line before the signatures)');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Usage(`malformed signature line: ${line}`);
    const bytes = decodeBase64(m[2], `the signature of ${m[1]}`);
    return { name: m[1], id: bytes.subarray(0, 4), sig: bytes.subarray(4) };
  });
  return { text, signatures };
}

function readCheckpoint(file) {
  const content = fs.readFileSync(file, 'utf8');
  // A tlog-proof: header, optional extra, index, proof hashes, blank line, then the checkpoint.
  if (content.startsWith('c2sp.org/tlog-proof@v1\n')) {
    const blank = content.indexOf('\n\n');
    if (blank < 0) throw new Usage('the tlog-proof has no blank line before its checkpoint');
    return content.slice(blank + 2);
  }
  return content;
}

function run(argv) {
  let noteFile;
  let logKey;
  const witnessKeys = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Usage(`${k} needs a value`);
    if (k === '--note') noteFile = v;
    else if (k === '--log-key') logKey = v;
    else if (k === '--witness-key') witnessKeys.push(v);
    else throw new Usage(`unexpected argument ${k}`);
  }
  if (!noteFile || !logKey || witnessKeys.length === 0) throw new Usage('give --note FILE, --log-key VKEY and at least one --witness-key VKEY');
  const { text, signatures } = splitNote(readCheckpoint(noteFile));
  const [origin, sizeText, rootText] = text.split('\n');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText ?? '') || decodeBase64(rootText ?? '', 'the root hash').length !== 32) throw new Usage('the note is not a checkpoint');

  const results = [];
  const log = parseVerifierKey(logKey, [1]);
  const logSig = signatures.find((s) => s.name === log.name && s.id.equals(log.idFor(1)));
  const logOk = logSig !== undefined && ed25519Verify(log.publicKey, Buffer.from(text, 'utf8'), logSig.sig);
  results.push({ ok: logOk, message: `log signature by ${log.name}: ${logOk ? 'valid' : logSig ? 'INVALID' : 'MISSING'} (${origin}, size ${sizeText}, root ${rootText})` });

  for (const vkey of witnessKeys) {
    const w = parseVerifierKey(vkey, [4, 1]);
    const line = signatures.find((s) => s.name === w.name && s.id.equals(w.idFor(4)));
    if (!line) {
      results.push({ ok: false, message: `cosignature by ${w.name}: MISSING` });
      continue;
    }
    // timestamped_signature = u64 big-endian timestamp || 64-byte Ed25519 signature
    if (line.sig.length !== 72) {
      results.push({ ok: false, message: `cosignature by ${w.name}: INVALID (not 8 + 64 bytes)` });
      continue;
    }
    const time = line.sig.readBigUInt64BE(0);
    // Signed message: "cosignature/v1\n" || "time <decimal>\n" || the whole checkpoint text.
    const message = Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');
    const ok = time < 2n ** 63n && ed25519Verify(w.publicKey, message, line.sig.subarray(8));
    const when = ok ? new Date(Number(time) * 1000).toISOString() : '';
    results.push({ ok, message: `cosignature by ${w.name}: ${ok ? `valid, time ${time} (${when})` : 'INVALID'}` });
  }
  return results;
}

try {
  const results = run(process.argv.slice(2));
  for (const r of results) console.log(`${r.ok ? 'OK' : 'FAIL'}: ${r.message}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (e) {
  console.error(`error: ${e instanceof Usage ? e.message : e}`);
  process.exitCode = 2;
}
