import fsp from 'node:fs/promises';
import path from 'node:path';
import { minisignSign } from '../custody/minisign';
import { HuellaError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { formatBagInfo, formatManifest, payloadOxum, type ManifestEntry } from '../packet/bagit';
import { BAG, BAGIT_TXT, BAG_SOFTWARE_AGENT } from '../packet/layout';
import type { Vault } from '../vault/vault';
import { listFiles, sha256Of, syncFile, syncTree } from './files';
import type { PacketFiles } from './output';
import type { PlanDetails } from './plan';

/**
 * The bag stage: the payload on disk must be exactly what was written; then manifest-sha256.txt, bagit.txt,
 * bag-info.txt, tagmanifest-sha256.txt, an fsync of the whole tree, and the minisign signature over the tagmanifest.
 */

export type BagResult = { readonly tagmanifestSha256: string; readonly payloadBytes: number };

export async function writeBag(vault: Vault, details: PlanDetails, files: PacketFiles, packetId: string, checkpointSize: number): Promise<BagResult> {
  const { plan } = details;
  const origin = vault.log.origin;
  const onDisk = (await listFiles(path.join(files.root, 'data'))).map((p) => `data/${p}`);
  const written = [...files.payload.keys()].sort();
  if (onDisk.length !== written.length || onDisk.some((p, i) => p !== written[i])) {
    throw new HuellaError('INTERNAL', 'The packet being built holds files it did not write; nothing was exported.');
  }
  const payloadBytes = [...files.payload.values()].reduce((a, h) => a + h.size, 0);
  await files.tagFile(BAG.manifest, formatManifest(written.map((p): ManifestEntry => ({ path: p, sha256: files.payload.get(p)!.sha256 }))));
  await files.tagFile(BAG.bagit, BAGIT_TXT);
  await files.tagFile(
    BAG.bagInfo,
    formatBagInfo([
      ['Bag-Software-Agent', BAG_SOFTWARE_AGENT],
      ['Bagging-Date', new Date().toISOString().slice(0, 10)],
      ['External-Identifier', packetId],
      ['Payload-Oxum', payloadOxum(payloadBytes, files.payload.size)],
      ['Huella-Profile', plan.profile],
      ['Huella-Mechanism', plan.mechanismId],
      ['Huella-Log-Origin', origin],
    ]),
  );
  const tagList = [...files.tags.keys()].sort();
  const tagmanifest = formatManifest(tagList.map((p) => ({ path: p, sha256: files.tags.get(p)!.sha256 })));
  await fsp.writeFile(path.join(files.root, BAG.tagmanifest), tagmanifest, { flag: 'wx', mode: 0o600 });
  const tagmanifestSha256 = sha256Of(tagmanifest);
  await syncTree(files.root);
  const signature = await minisignSign(vault.signingSeed, vault.log.publicKey, Buffer.from(tagmanifest, 'utf8'), {
    trustedComment: `huella packet ${packetId} log ${origin} checkpoint ${checkpointSize} tagmanifest-sha256 ${tagmanifestSha256}`,
    untrustedComment: `signature from the Huella vault key of ${origin}`,
  });
  await fsp.writeFile(path.join(files.root, BAG.signature), signature, { flag: 'wx', mode: 0o600 });
  await syncFile(path.join(files.root, BAG.signature));
  await fsyncDir(files.root);
  return { tagmanifestSha256, payloadBytes };
}
