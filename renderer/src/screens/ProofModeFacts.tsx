import { useTranslation } from 'react-i18next';
import type { ExtractedMetadata, PgpSignatureCheck } from '../../../shared/model/items';
import { useFormat } from '../lib/format';

const NOTE: Record<PgpSignatureCheck['state'], string> = { valid: 'note-ok', invalid: 'note-error', 'unknown-key': 'note-warn' };
const VERDICT: Record<PgpSignatureCheck['state'], string> = { valid: 'valid', invalid: 'invalid', 'unknown-key': 'unknownKey' };

/**
 * A file that came in a ProofMode bundle: the verdict on the PGP signature over it first, then which key made it
 * (nobody vouches for whose), and for the media what its proof data states and which bundle files belong to it.
 */
export function ProofModeFacts({ metadata }: { readonly metadata: ExtractedMetadata }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pm = metadata.proofMode;
  if (!pm) return null;
  const s = pm.signature;
  const d = pm.proofData ?? {};
  const lat = d['Location.Latitude'];
  const lon = d['Location.Longitude'];
  const device = [d.Manufacturer, d.Hardware].filter(Boolean).join(' ');
  const when = (iso: string | undefined): string | undefined => (iso ? f.dateTime(iso) || iso : undefined);
  const signedAt = when(s?.signedAt);
  const rows: [string, string | undefined, boolean?][] = [
    ['role', t(`item.proofmode.roles.${pm.role}`)],
    ['fingerprint', s?.keyFingerprint?.replace(/(.{4})(?=.)/g, '$1 '), true],
    ['keyUser', s?.keyUserIds?.join(', ')],
    ['signedAt', signedAt],
    ['signatureFile', s?.signatureFile, true],
    ['reason', s && s.state !== 'valid' && s.problem ? t(`item.proofmode.problems.${s.problem}`) : undefined],
    ['proofHash', pm.proofHashMatches === undefined ? undefined : pm.proofHashMatches ? t('item.proofmode.proofHashOk') : t('item.proofmode.proofHashBad', { hash: pm.mediaSha256 ?? '' })],
    ['generated', when(d['Proof Generated'])],
    ['location', lat && lon ? `${lat}, ${lon}${d['Location.Provider'] ? ` (${d['Location.Provider']})` : ''}` : undefined, true],
    ['device', device || undefined],
    ['proofFiles', pm.proofFiles?.length ? f.list(pm.proofFiles.map((x) => `${t(`item.proofmode.roles.${x.role}`)}${x.signature ? ` (${t(`item.proofmode.states.${x.signature}`)})` : ''}`)) : undefined],
    ['verifier', s?.verifier, true],
  ];
  return (
    <section aria-labelledby="item-proofmode" data-testid="proofmode-facts">
      <h2 id="item-proofmode">{t('item.proofmode.title')}</h2>
      <div className={`note ${s ? NOTE[s.state] : 'note-warn'}`}>
        <p>{s ? t(`item.proofmode.${VERDICT[s.state]}`) : t('item.proofmode.unsigned')}</p>
      </div>
      {s ? <p className="hint">{t('item.proofmode.trustNote')}</p> : null}
      <dl className="facts">
        {rows
          .filter(([, v]) => v !== undefined)
          .map(([k, v, code]) => (
            <div key={k} className="fact-row">
              <dt>{t(`item.proofmode.${k}`)}</dt>
              <dd dir={code ? 'ltr' : 'auto'}>{code ? <code>{v}</code> : v}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
