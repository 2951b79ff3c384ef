import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../../../shared/api';
import { COUNTRY_CODES, LANGUAGE_CODES, canonicalLanguageTag } from '../../../shared/locale/codes';
import { useFormat } from '../lib/format';
import { CodePicker, type CodeOption } from './CodePicker';

type PickerProps = {
  readonly label: string;
  readonly value: string | undefined;
  readonly onChange: (code: string | null) => void;
  readonly hint?: string;
  readonly error?: string | undefined;
  /** Text not (yet) a choice, as a form's draft kept it (CodePicker). */
  readonly typed?: string | undefined;
  readonly onTyped?: (typed: string) => void;
  readonly id?: string;
};

function displayNames(lang: string, type: 'region' | 'language'): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames([lang], { type, fallback: 'none' });
  } catch {
    return undefined;
  }
}

function optionsOf(codes: readonly string[], lang: string, type: 'region' | 'language'): CodeOption[] {
  const local = displayNames(lang, type);
  const english = displayNames('en', type);
  const collator = new Intl.Collator(lang);
  return codes
    .map((code) => {
      const label = local?.of(code) ?? english?.of(code) ?? code;
      const en = english?.of(code);
      return { code, label, alt: en && en !== label ? [en] : [] };
    })
    .sort((a, b) => collator.compare(a.label, b.label));
}

/** Every country (ISO 3166-1), named in the UI language (Intl.DisplayNames), found by that name, English or code. */
export function useCountryOptions(): readonly CodeOption[] {
  const { lang } = useFormat();
  return useMemo(() => optionsOf(COUNTRY_CODES, lang, 'region'), [lang]);
}

export function useLanguageOptions(): readonly CodeOption[] {
  const { lang } = useFormat();
  return useMemo(() => optionsOf(LANGUAGE_CODES, lang, 'language'), [lang]);
}

/** A country or nationality: stores the ISO 3166-1 alpha-2 code, shows the name. */
export function CountryPicker(props: PickerProps) {
  const { t } = useTranslation();
  const options = useCountryOptions();
  return <CodePicker {...props} options={options} refusal={t('problem.validation.notACountry')} />;
}

/**
 * A language (BCP 47): the list offers languages; a tag with a region or script typed by its code ("ar-SY") is
 * offered too, named by Intl ("Arabic (Syria)"), and stored in canonical form.
 */
export function LanguagePicker(props: PickerProps) {
  const { t } = useTranslation();
  const { lang } = useFormat();
  const options = useLanguageOptions();
  const extraOption = useCallback(
    (query: string): CodeOption | undefined => {
      const tag = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})+$/.test(query.trim()) ? canonicalLanguageTag(query) : undefined;
      if (!tag) return undefined;
      const label = displayNames(lang, 'language')?.of(tag) ?? tag;
      const en = displayNames('en', 'language')?.of(tag);
      return { code: tag, label, alt: en && en !== label ? [en] : [] };
    },
    [lang],
  );
  return <CodePicker {...props} options={options} extraOption={extraOption} refusal={t('problem.validation.notALanguage')} />;
}

/**
 * The languages of the app itself (its interface, a packet's language; not the ISO languages of LanguagePicker), as
 * the <option>s of a <select>, each named as translated in the person's language.
 */
export function AppLanguageOptions() {
  const { t } = useTranslation();
  return (
    <>
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {t(`languages.${l}`)}
        </option>
      ))}
    </>
  );
}

/**
 * People as the <option>s of a <select>: an empty first choice in the caller's words ("No witness", "Choose a
 * person…"), then each person by pseudonym (never the real name: someone may be looking over the shoulder).
 */
export function PersonOptions({ persons, emptyLabel }: { readonly persons: readonly { readonly id: string; readonly pseudonym: string }[] | undefined; readonly emptyLabel: string }) {
  return (
    <>
      <option value="">{emptyLabel}</option>
      {(persons ?? []).map((p) => (
        <option key={p.id} value={p.id}>
          {p.pseudonym}
        </option>
      ))}
    </>
  );
}
