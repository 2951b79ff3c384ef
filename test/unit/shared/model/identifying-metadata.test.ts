import { describe, expect, it } from 'vitest';
import { EXIFR_TYPES, HEIF_TYPES } from '../../../../main/archive/ingest/parse-protocol';
import { IDENTIFYING_METADATA_TYPES, readsIdentifyingMetadata } from '../../../../shared/model/identifying-metadata';

/**
 * The item page says "no location, device serial or author was found" only for the types whose identifying
 * metadata the import reads; for a PDF or an MP3 it says the metadata was not read. The two lists cannot drift.
 */
describe('the types whose identifying metadata the import reads', () => {
  it('are exactly those the parser reads GPS, serial and author from (exifr and the HEIF reader)', () => {
    expect([...IDENTIFYING_METADATA_TYPES].sort()).toEqual([...new Set([...EXIFR_TYPES, ...HEIF_TYPES])].sort());
  });

  it('do not include PDF, audio, video or documents', () => {
    for (const t of ['application/pdf', 'audio/mpeg', 'audio/wav', 'video/mp4', 'audio/ogg', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']) expect(readsIdentifyingMetadata(t), t).toBe(false);
    expect(readsIdentifyingMetadata('image/JPEG; charset=binary')).toBe(true);
  });
});
