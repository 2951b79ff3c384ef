import { describe, expect, it } from 'vitest';
import { exportFileName, extensionFor } from '../../../../../main/archive/export/names';
import { strippedMediaTypes } from '../../../../../main/archive/formats/formats';

/**
 * The exported copy's extension says what the file is (issue 14: a packet says what is true). A WebM or Matroska
 * video was exported as E003.bin: a reviewer could not tell it was a video, nor open it with a double click.
 */
describe('exported file names', () => {
  it('every media type a copy is written for has its own extension, never .bin', () => {
    const types = strippedMediaTypes();
    expect(types.length).toBeGreaterThan(30);
    expect(types.filter((t) => extensionFor(t) === 'bin')).toEqual([]);
    expect(extensionFor('video/webm')).toBe('webm');
    expect(extensionFor('video/x-matroska')).toBe('mkv');
    expect(extensionFor('audio/x-matroska')).toBe('mka');
    expect(extensionFor('application/x-unknown')).toBe('bin');
    expect(exportFileName('E003', 'video/webm', [])).toBe('E003.webm');
  });
});
