import { z } from 'zod';
import { ITEMS_FORMAT } from './layout';

/**
 * custody/items.json: per exported file, what it is and how to check it against the custody log (DESIGN §6).
 *
 *  - original: the evidentiary copy's SHA-256 and size as logged at ingest (event `item.ingested`, its leaf index
 *    and inclusion proof). A reviewer holding the original (or the decrypted data/originals/*.age) can hash it.
 *  - exported: the working copy in data/evidence: its SHA-256 (= its manifest line), the transformation applied
 *    (the stripper's record), and the `item.derived` event that logged this very copy, with its proof.
 *  - encryptedOriginal (forensic): the age file's path and the recipient it was encrypted to.
 *  - received: for an exhibit received from another vault, where the sender's records for it are (sender-link.ts);
 *    its `original.ingested` is then this vault's item.received event.
 *  - contentCredentials: when the original carried C2PA Content Credentials, what became of them (below).
 *
 * Names of people never appear here: titles are already pseudonymised per consent.
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const packetPath = z.string().min(1).max(1024);
const logRef = z.object({ seq: z.number().int().min(0), proof: packetPath }).strict();
const senderRef = z.object({ seq: z.number().int().min(0), proof: packetPath, entry: packetPath }).strict();

/** An exhibit received from another vault: where the sender's records for it are in the packet (./sender-link.ts). */
export const receivedSchema = z
  .object({
    origin: z.string().min(1).max(200),
    dir: packetPath,
    ingested: senderRef,
    transferred: senderRef,
    transferSalt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
  })
  .strict();
export type ReceivedRecord = z.infer<typeof receivedSchema>;

export const transformationSchema = z
  .object({
    method: z.enum(['lossless-structure', 'reencode', 'rewrite']),
    format: z.string().max(100),
    removed: z.array(z.string().max(500)).max(10_000),
    kept: z.array(z.string().max(500)).max(10_000),
    notes: z.string().max(10_000).optional(),
    keepCaptureDate: z.boolean(),
  })
  .strict();
export type Transformation = z.infer<typeof transformationSchema>;

/**
 * Content Credentials (C2PA) of an original that carried them (./c2pa-sidecar.ts): how they validated at import (the
 * ingest event states the same), that the stripped copy holds none (read back from the copy), that the forensic
 * original holds them as they were, and whether the lawyer kept them as a sidecar: the original's manifest store,
 * byte for byte, which describes (and validates against) the original, not the copy.
 */
export const contentCredentialsSchema = z
  .object({
    atImport: z.enum(['valid', 'invalid']),
    inCopy: z.literal('removed').optional(),
    inEncryptedOriginal: z.literal(true).optional(),
    kept: z.enum(['no', 'sidecar']),
    sidecar: z
      .object({
        path: packetPath,
        sha256,
        size: z.number().int().min(0),
        describes: z.literal('original'),
        manifests: z.array(z.string().max(500)).min(1).max(10_000),
        activeManifest: z.string().max(500),
        derived: logRef,
      })
      .strict()
      .optional(),
  })
  .strict();
export type ContentCredentialsRecord = z.infer<typeof contentCredentialsSchema>;

export const packetItemSchema = z
  .object({
    label: z.string().regex(/^E\d{3,}$/),
    itemId: z.string().max(40),
    mediaType: z.string().max(200),
    title: z.string().max(2_000).optional(),
    tags: z.array(z.string().max(128)).max(1_000),
    original: z.object({ sha256, size: z.number().int().min(0), ingested: logRef }).strict(),
    exported: z.object({ path: packetPath, sha256, size: z.number().int().min(0), transformation: transformationSchema, derived: logRef }).strict().optional(),
    encryptedOriginal: z.object({ path: packetPath, sha256, size: z.number().int().min(0), recipient: z.string().max(200) }).strict().optional(),
    /** The exhibit came from another vault (DESIGN §9): the sender's link of its chain (./sender-link.ts). */
    received: receivedSchema.optional(),
    contentCredentials: contentCredentialsSchema.optional(),
  })
  .strict();
export type PacketItemRecord = z.infer<typeof packetItemSchema>;

export const packetTestimonySchema = z
  .object({
    label: z.string().regex(/^T\d{2,}$/),
    testimonyId: z.string().max(40),
    path: packetPath,
    sha256,
    size: z.number().int().min(0),
    revision: z.number().int().min(1),
    /** The testimony.created/edited event of the exported revision (its commitment is to the unredacted text). */
    revisionEvent: logRef.optional(),
    transformation: z.string().max(2_000),
  })
  .strict();
export type PacketTestimonyRecord = z.infer<typeof packetTestimonySchema>;

export const itemsJsonSchema = z
  .object({
    format: z.literal(ITEMS_FORMAT),
    packetId: z.string().regex(/^pkt_[0-9a-z]{10}$/),
    origin: z.string().max(200),
    checkpoint: z.object({ path: packetPath, size: z.number().int().min(1) }).strict(),
    mechanismId: z.string().max(64),
    profile: z.enum(['redacted', 'forensic']),
    items: z.array(packetItemSchema).max(100_000),
    testimonies: z.array(packetTestimonySchema).max(10_000),
  })
  .strict();
export type ItemsJson = z.infer<typeof itemsJsonSchema>;
