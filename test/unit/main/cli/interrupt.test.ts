import { describe, expect, it } from 'vitest';
import { untilInterrupted } from '../../../../main/cli/io';

describe('untilInterrupted (backup, share, receive, push, pull)', () => {
  it('Ctrl-C aborts the operation that is running, and the handler is gone once it ends, whether it returns or throws', async () => {
    const before = process.listenerCount('SIGINT');
    const aborted = await untilInterrupted(async (signal) => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      expect(signal.aborted).toBe(false);
      process.emit('SIGINT');
      return signal.aborted;
    });
    expect(aborted).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(before);
    await expect(untilInterrupted(() => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
