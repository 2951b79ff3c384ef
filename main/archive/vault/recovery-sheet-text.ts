import type { Language } from '../../../shared/api';
import { pickLocalized, type Localized } from '../../../shared/localized';
import ar from '../../../shared/i18n/ar.json';
import en from '../../../shared/i18n/en.json';
import es from '../../../shared/i18n/es.json';
import fr from '../../../shared/i18n/fr.json';

/**
 * Words of the printed recovery sheet. The headings, the three keeping-safe steps and the unlock button's label are
 * the app's own UI strings (shared/i18n), so the paper says exactly what the screen says; the rest is specific to
 * paper. Spanish, French and Arabic were written by the developers and need review by fluent speakers, like the UI
 * (shared/i18n/README.md).
 */

const UI = { en, es, fr, ar } as const;

export type SheetTextKey = keyof typeof SHEET_TEXTS;

const SHEET_TEXTS = {
  brand: { en: 'Huella', es: 'Huella', fr: 'Huella', ar: 'Huella' },
  warning: {
    en: 'This key opens your vault if the passphrase is forgotten. Whoever holds this sheet can read all the evidence in the vault: keep it as carefully as the evidence itself.',
    es: 'Esta clave abre su bóveda si se olvida la frase de contraseña. Quien tenga esta hoja puede leer todas las pruebas de la bóveda: guárdela con el mismo cuidado que las pruebas.',
    fr: 'Cette clé ouvre votre coffre si la phrase secrète est oubliée. Quiconque détient cette fiche peut lire toutes les preuves du coffre\u202f: conservez-la avec autant de soin que les preuves elles-mêmes.',
    ar: 'يفتح هذا المفتاح خزنتك إذا نُسيت عبارة المرور. من يحوز هذه الورقة يستطيع قراءة كل الأدلة في الخزنة: احفظها بالعناية نفسها التي تحفظ بها الأدلة.',
  },
  printed: { en: 'Printed on', es: 'Impresa el', fr: 'Imprimée le', ar: 'تاريخ الطباعة' },
  qrCaption: {
    en: 'The QR code holds the same key, to enter it without typing mistakes. Scan it only with a device you trust.',
    es: 'El código QR contiene la misma clave, para introducirla sin errores. Escanéelo solo con un dispositivo de su confianza.',
    fr: 'Le code QR contient la même clé, pour la saisir sans erreur. Ne le scannez qu’avec un appareil de confiance.',
    ar: 'يحتوي رمز QR على المفتاح نفسه لإدخاله دون أخطاء في الكتابة. لا تمسحه إلا بجهاز تثق به.',
  },
  useHeading: { en: 'How to use it', es: 'Cómo usarla', fr: 'Comment l’utiliser', ar: 'طريقة الاستخدام' },
  use1: {
    en: 'In Huella, on the unlock screen, choose “{button}” and enter the key. Dashes, spaces and lower case do not matter.',
    es: 'En Huella, en la pantalla de desbloqueo, elija «{button}» e introduzca la clave. Los guiones, los espacios y las minúsculas no importan.',
    fr: 'Dans Huella, sur l’écran de déverrouillage, choisissez «\u202f{button}\u202f» et saisissez la clé. Les tirets, les espaces et les minuscules n’ont pas d’importance.',
    ar: 'في Huella، على شاشة فتح القفل، اختر «{button}» وأدخل المفتاح. لا تهم الشرطات ولا المسافات ولا حالة الأحرف.',
  },
  use2: {
    en: 'Then choose a new passphrase at once. The key keeps working until you replace it.',
    es: 'Después elija enseguida una nueva frase de contraseña. La clave sigue sirviendo hasta que la sustituya.',
    fr: 'Choisissez ensuite aussitôt une nouvelle phrase secrète. La clé reste valable tant que vous ne la remplacez pas.',
    ar: 'ثم اختر عبارة مرور جديدة فورًا. يبقى المفتاح صالحًا حتى تستبدله.',
  },
  keepHeading: { en: 'Keeping it safe', es: 'Cómo guardarla', fr: 'La conserver en sécurité', ar: 'حفظها بأمان' },
  lost: {
    en: 'If this sheet is lost or may have been seen, make a new key at once (huella recovery-sheet): the old key then stops working.',
    es: 'Si pierde esta hoja o alguien pudo verla, cree enseguida una clave nueva (huella recovery-sheet): la antigua deja de funcionar.',
    fr: 'Si cette fiche est perdue ou a pu être vue, créez aussitôt une nouvelle clé (huella recovery-sheet)\u202f: l’ancienne cesse alors de fonctionner.',
    ar: 'إذا فُقدت هذه الورقة أو ربما رآها أحد، أنشئ مفتاحًا جديدًا فورًا (huella recovery-sheet): عندها يتوقف المفتاح القديم عن العمل.',
  },
  noPassphrase: {
    en: 'This sheet does not contain your passphrase. Never write the passphrase on it.',
    es: 'Esta hoja no contiene su frase de contraseña. No la escriba nunca en ella.',
    fr: 'Cette fiche ne contient pas votre phrase secrète. N’y écrivez jamais la phrase secrète.',
    ar: 'لا تحتوي هذه الورقة على عبارة المرور الخاصة بك. لا تكتب عبارة المرور عليها أبدًا.',
  },
  backupKey: { en: 'Backup key fingerprint', es: 'Huella de la clave de copias', fr: 'Empreinte de la clé de sauvegarde', ar: 'بصمة مفتاح النسخ الاحتياطي' },
  backupKeyHint: {
    en: 'Backups made by this vault show the same fingerprint (huella backup verify).',
    es: 'Las copias de seguridad de esta bóveda muestran la misma huella (huella backup verify).',
    fr: 'Les sauvegardes de ce coffre affichent la même empreinte (huella backup verify).',
    ar: 'تُظهر النسخ الاحتياطية لهذه الخزنة البصمة نفسها (huella backup verify).',
  },
} as const satisfies Record<string, Localized>;

export function sheetText(key: SheetTextKey, lang: Language): string {
  return pickLocalized(SHEET_TEXTS[key], lang);
}

/** The UI strings the sheet reuses. */
export function uiText(lang: Language): {
  readonly title: string;
  readonly vault: string;
  readonly keyHeading: string;
  readonly steps: readonly string[];
  readonly useRecoveryKey: string;
} {
  const t = UI[lang];
  return {
    title: t.recovery.title,
    vault: t.recovery.vaultId,
    keyHeading: t.recovery.keyHeading,
    steps: [t.recovery.step1, t.recovery.step2, t.recovery.step3],
    useRecoveryKey: t.unlock.useRecoveryKey,
  };
}

export const SHEET_TEXT_KEYS = Object.keys(SHEET_TEXTS) as SheetTextKey[];
