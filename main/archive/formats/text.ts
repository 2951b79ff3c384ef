/**
 * Plain text and CSV have no metadata container by definition: the bytes are the content. They are copied
 * unchanged and recorded as such (removed: []), which is a statement, not a pass-through by default: every other
 * type without a stripper is refused.
 */
import type { StructuralStripper } from './handler';
import { RecordBuilder } from './strip-record';

export function plainTextStripper(format: string): StructuralStripper {
  return async (r, sink) => {
    for (;;) {
      const c = await r.nextChunk();
      if (c === null) break;
      await sink.write(c);
    }
    const rec = new RecordBuilder(format, 'lossless-structure');
    rec.note('no metadata container in this format; content copied unchanged');
    return rec.build();
  };
}
