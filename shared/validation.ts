import type { z } from 'zod';
import type { FieldIssue, Message } from './errors';
import type { ProblemKey } from './i18n/keys';
import { englishTemplate, englishText } from './i18n/english';

/**
 * Zod issues as Messages, so a refused field is explained at the field in the person's language (renderer) and in
 * English in the CLI, from the same key. Schemas in shared/model name their rule with a `problem.validation.*` key
 * as the zod message; the limits come from the issue itself (`maximum`, `minimum`) or from `params`. Issues of
 * zod's own (a wrong type, an unknown field) get a key from their code. Values are never repeated: they may be a
 * name or a line of testimony.
 */

export const V = (key: ProblemKey & `problem.validation.${string}`): string => key;

function num(n: number | bigint): number {
  return typeof n === 'bigint' ? Number(n) : n;
}

/** The message with only the parameters its English text uses (a "Required." needs no minimum). */
function withParams(key: string, params: Record<string, string | number>): Message {
  const template = englishTemplate(key) ?? '';
  const used = Object.entries(params).filter(([name]) => template.includes(`{{${name}}}`));
  return used.length > 0 ? { key, params: Object.fromEntries(used) } : { key };
}

export function issueMessage(issue: z.core.$ZodIssue): Message {
  const own = issue.message.startsWith('problem.validation.') ? issue.message : undefined;
  switch (issue.code) {
    case 'too_big': {
      const max = num(issue.maximum);
      if (own) return withParams(own, { max });
      if (issue.origin === 'string') return { key: 'problem.validation.tooLong', params: { max } };
      if (issue.origin === 'array' || issue.origin === 'set') return { key: 'problem.validation.tooMany', params: { max } };
      return { key: 'problem.validation.tooLarge', params: { max } };
    }
    case 'too_small': {
      const min = num(issue.minimum);
      if (own) return withParams(own, { min });
      if (issue.origin === 'string' && min <= 1) return { key: 'problem.validation.required' };
      if ((issue.origin === 'array' || issue.origin === 'set') && min <= 1) return { key: 'problem.validation.needsOne' };
      return { key: 'problem.validation.tooSmall', params: { min } };
    }
    case 'custom': {
      if (!own) return { key: 'problem.validation.notValid' };
      return withParams(own, Object.fromEntries(Object.entries(issue.params ?? {}).filter(([, v]) => typeof v === 'string' || typeof v === 'number')) as Record<string, string | number>);
    }
    case 'invalid_type':
      if (issue.message.endsWith('received undefined')) return { key: 'problem.validation.required' };
      return { key: own ?? 'problem.validation.wrongType' };
    case 'invalid_value': {
      // The allowed values of an enum are ids, not what a person typed: name them (the CLI has no list to pick from).
      const choices = issue.values.filter((v): v is string => typeof v === 'string');
      if (!own && choices.length === issue.values.length && choices.length > 0 && choices.length <= 12) return { key: 'problem.validation.notOneOf', params: { choices: choices.join(', ') } };
      return { key: own ?? 'problem.validation.notAChoice' };
    }
    case 'unrecognized_keys':
      return { key: 'problem.validation.unknownFields', params: { fields: issue.keys.map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ') } };
    default:
      return { key: own ?? 'problem.validation.notValid' };
  }
}

export function fieldIssues(error: z.ZodError, max = 20): FieldIssue[] {
  return error.issues.slice(0, max).map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: issueMessage(i) }));
}

/** "title: Too long: at most 500 characters." — one line per issue, for the CLI and logs. */
export function englishIssues(issues: readonly FieldIssue[], total = issues.length): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'input'}: ${englishText(i.message)}`);
  return `${shown.join('; ')}${total > 3 ? ` (and ${total - 3} more problems)` : ''}`;
}
