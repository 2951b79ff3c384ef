import { describe, expect, it } from 'vitest';
import { parseRecordedTime, recordedTimeFormat } from '../../../shared/recorded-time';

/**
 * A capture time is shown as the camera recorded it: its clock time and offset, not moved into the zone of the
 * computer showing it. A photo taken at 10:15 at UTC−3 was shown as "1:15 PM" on a computer in UTC, three hours
 * from what a witness would say. The expectations hold in any time zone and with or without Intl offset zones.
 */
describe('recorded times (a photo capture time)', () => {
  const en = recordedTimeFormat('en');

  it('shows the clock time the camera wrote, with its offset', () => {
    const shown = en.dateTime('2024-03-01T10:15:00-03:00');
    expect(shown).toMatch(/^Mar 1, 2024, 10:15\sAM/);
    expect(shown).toMatch(/\(UTC-03:00\)$|GMT-3$/);
  });

  it('shows a time written without an offset exactly as written', () => {
    expect(en.dateTime('2024-03-01T23:30:00')).toMatch(/^Mar 1, 2024, 11:30\sPM$/);
    expect(parseRecordedTime('2024-03-01T23:30:00')).toEqual({ wall: new Date(Date.UTC(2024, 2, 1, 23, 30)) });
  });

  it('keeps the recorded day, not the day at that instant elsewhere', () => {
    // 23:30 at UTC−3 is 02:30 the next day in UTC.
    expect(en.date('2024-03-01T23:30:00-03:00')).toBe('Mar 1, 2024');
    expect(en.dateTime('2024-03-01T23:30:00.042-03:00')).toMatch(/^Mar 1, 2024, 11:30\sPM/);
  });

  it('in Arabic, the same clock time in Arabic-Indic digits', () => {
    expect(recordedTimeFormat('ar-u-nu-arab').dateTime('2024-03-01T10:15:00-03:00')).toContain('١٠:١٥');
  });

  it('shows a value that is not such a time as it is, not an empty cell', () => {
    expect(en.dateTime('2024:03:01')).toBe('2024:03:01');
    expect(en.date('sometime in March')).toBe('sometime in March');
    expect(en.dateTime(undefined)).toBe('');
  });
});
