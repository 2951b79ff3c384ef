import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * "No string hard-coded in components" (issue 7) is enforced by the lint config (eslint-plugin-i18next
 * no-literal-string, JSX text and the attributes people read). This proves the rule is on for the renderer and
 * fires, and that code-like attributes are not flagged.
 */
describe('renderer lint: no literal strings in components', () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  const lint = async (code: string) => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(code, { filePath: path.join(root, 'renderer/src/screens/Probe.tsx') });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'i18next/no-literal-string').map((m) => m.line);
  };

  it('flags JSX text, readable attributes and literals in JSX expressions', async () => {
    const lines = await lint(
      [
        'export function Probe() {',
        '  return (',
        '    <div>',
        '      <p>Hello world</p>',
        '      <button type="button" aria-label="Close it" />',
        '      <img alt="A photo" src="" />',
        "      <span>{'Literal'}</span>",
        '      <input placeholder="Name" />',
        '    </div>',
        '  );',
        '}',
      ].join('\n'),
    );
    expect(lines).toEqual([4, 5, 6, 7, 8]);
  });

  it('leaves code alone: class names, ids, roles, types, symbols and t() keys', async () => {
    const lines = await lint(
      [
        "import { useTranslation } from 'react-i18next';",
        'export function Probe() {',
        '  const { t } = useTranslation();',
        '  return (',
        '    <div className="card" id="x" role="status" data-testid="probe">',
        "      <input type=\"text\" autoComplete=\"off\" dir=\"ltr\" aria-label={t('common.save')} />",
        "      <p>{t('common.loading')}</p>",
        '      <span>✕</span>',
        '      <span>{42}</span>',
        '    </div>',
        '  );',
        '}',
      ].join('\n'),
    );
    expect(lines).toEqual([]);
  });
});
