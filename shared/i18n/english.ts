import type { Message, MessageParam } from '../errors';
import problems from './problems/en.json';
import ui from './en.json';

/**
 * The English text of a Message, for the CLI, logs and the `message` of every error (the renderer translates the
 * key instead). Follows i18next's conventions, so one file serves both: `{{name}}` placeholders, plural keys
 * `x_one`/`x_other` chosen by `count`, and `{ key }` parameters translated before they are placed.
 */
type Tree = { readonly [k: string]: string | Tree };
const ROOT: Tree = { ...(ui as Tree), problem: problems as Tree };
const plural = new Intl.PluralRules('en');

function lookup(key: string): string | undefined {
  let node: string | Tree | undefined = ROOT;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** The raw English template of `key` (with `count` for plurals), or undefined when no such message exists. */
export function englishTemplate(key: string, count?: number): string | undefined {
  if (count !== undefined) {
    const form = lookup(`${key}_${plural.select(count)}`) ?? lookup(`${key}_other`);
    if (form !== undefined) return form;
  }
  return lookup(key);
}

function paramText(p: MessageParam): string {
  if (typeof p === 'object') return englishTemplate(p.key) ?? p.key;
  return typeof p === 'number' ? String(p) : p;
}

export function englishText(message: Message): string {
  const params = message.params ?? {};
  const count = typeof params.count === 'number' ? params.count : undefined;
  const template = englishTemplate(message.key, count);
  if (template === undefined) return message.key;
  return template.replace(/\{\{-?\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? paramText(params[name]!) : whole));
}
