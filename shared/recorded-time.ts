/**
 * Times as a camera or a file recorded them (a photo's capture time: "2024-03-01T10:15:00-03:00", the EXIF clock
 * time with its OffsetTimeOriginal; or "2024-03-01T10:15:00" when no offset was written). They are shown as
 * recorded: the clock time the device wrote, with the offset it wrote beside it, never moved into the time zone
 * of the computer showing them. A documenter compares them with what a witness said ("about ten in the morning"),
 * often on a laptop in another country: 10:15 at UTC−3 shown as "1:15 PM" would contradict the witness.
 */

/** An ISO 8601 local time as metadata records it, with its UTC offset when one was recorded. */
const RECORDED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export type RecordedTime = {
  /** The clock time as written, as a Date in UTC (format it with timeZone 'UTC'). */
  readonly wall: Date;
  /** The UTC offset written with it ('+00:00' for Z), if any. */
  readonly offset?: string;
  /** The instant, when an offset was written. */
  readonly at?: Date;
};

export function parseRecordedTime(value: string | undefined): RecordedTime | undefined {
  const m = RECORDED_TIME.exec(value ?? '');
  if (!m) return undefined;
  const wall = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  wall.setUTCFullYear(Number(m[1])); // years before 100 are not 19xx
  if (Number.isNaN(wall.getTime())) return undefined;
  if (!m[7]) return { wall };
  const at = new Date(value!);
  return { wall, offset: m[7] === 'Z' ? '+00:00' : m[7], ...(Number.isNaN(at.getTime()) ? {} : { at }) };
}

export type RecordedTimeFormat = {
  /** "Mar 1, 2024, 10:15 AM GMT-3": the clock time and offset as recorded; a value that is not such a time as it is. */
  dateTime(value: string | undefined): string;
  /** "Mar 1, 2024": the day as recorded (not this computer's day at that instant). */
  date(value: string | undefined): string;
};

/** Formats recorded times in an Intl locale ('en', 'ar-u-nu-arab'…). */
export function recordedTimeFormat(locale: string): RecordedTimeFormat {
  const wallClock = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const withOffset = new Map<string, Intl.DateTimeFormat | null>();
  // Offset time zones ('-03:00') are recent in Intl (Chromium has them, Node 20 does not); without them the clock
  // time as written is followed by the offset in digits.
  const offsetFormat = (offset: string): Intl.DateTimeFormat | null => {
    let fmt = withOffset.get(offset);
    if (fmt === undefined) {
      try {
        fmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: offset, timeZoneName: 'shortOffset' });
      } catch {
        fmt = null;
      }
      withOffset.set(offset, fmt);
    }
    return fmt;
  };
  return {
    dateTime(value) {
      const r = parseRecordedTime(value);
      if (!r) return value ?? '';
      if (!r.offset || !r.at) return wallClock.format(r.wall);
      const fmt = offsetFormat(r.offset);
      return fmt ? fmt.format(r.at) : `${wallClock.format(r.wall)} (UTC${r.offset})`;
    },
    date(value) {
      const r = parseRecordedTime(value);
      return r ? day.format(r.wall) : (value ?? '');
    },
  };
}
