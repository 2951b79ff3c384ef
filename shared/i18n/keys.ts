import type problems from './problems/en.json';
import type ui from './en.json';

/**
 * Every message key, as a type, from the English files: a key that does not exist is a compile error wherever a
 * Message is built (main/archive, main/ipc, the CLI). Plural keys (`x_one`, `x_other`) are named by their base.
 */
type StripPlural<K extends string> = K extends `${infer B}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B : K;
type Paths<T, P extends string> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${StripPlural<K>}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A sentence about a problem: `problem.<area>.<name>` in shared/i18n/problems/<lang>.json. */
export type ProblemKey = Paths<typeof problems, 'problem.'>;
/** Any message of the UI files (enumerations, field names, check names used as parameters). */
export type UiKey = Paths<typeof ui, ''>;
export type MessageKey = ProblemKey | UiKey;
