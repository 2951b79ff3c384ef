/** The name every vault records its events under until the person sets their own (Settings → "Your name in the
 * custody log"): main/archive/custody/log.ts. It is stored as written; it is shown in the person's language. */
export const DEFAULT_ACTOR = 'owner';

/** Who recorded an event or assigned a tag, as a person reads it: the default name translated, any other as written. */
export function actorLabel(actor: string, t: (key: string) => string): string {
  return actor === DEFAULT_ACTOR ? t('custody.owner') : actor;
}
