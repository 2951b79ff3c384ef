import { useTranslation } from 'react-i18next';
import type { ItemVerification } from '../../../shared/api';
import type { CustodyEventView } from '../../../shared/model/custody';
import { readsIdentifyingMetadata } from '../../../shared/model/identifying-metadata';
import type { ExtractedMetadata, ItemDetail } from '../../../shared/model/items';
import { CopyButton } from '../components/CopyButton';
import { CustodyTimeline } from '../components/CustodyTimeline';
import { ErrorNote } from '../components/ErrorNote';
import { PreviewPlaceholder } from '../components/PreviewPlaceholder';
import { Screen } from '../components/Screen';
import { call, previewUrl } from '../lib/api';
import { href } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useFormat } from '../lib/format';
import { ItemCatalogue } from './catalogue';
import { ProofModeFacts } from './ProofModeFacts';

/** One item as drawn: preview, facts, identifying metadata flagged, catalogue links, custody, verification. */
export function ItemDetailView({
  item,
  events,
  onVerify,
  verifying,
  verifyResult,
  verifyError,
  onChanged,
}: {
  readonly item: ItemDetail;
  readonly events: readonly CustodyEventView[];
  readonly onVerify: () => void;
  readonly verifying: boolean;
  readonly verifyResult: ItemVerification | undefined;
  readonly verifyError: unknown;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Screen
      title={item.title ?? item.originalName}
      className="item-detail"
      // The button stays focusable while it runs (aria-disabled): a disabled one would drop the focus to the body.
      actions={
        <>
          <a className="button" href={href({ name: 'share', id: item.id })}>
            {t('item.share')}
          </a>
          <button type="button" onClick={() => !verifying && onVerify()} aria-disabled={verifying ? true : undefined}>
            {verifying ? t('item.verifying') : t('item.verify')}
          </button>
        </>
      }
    >
      <VerifyResult result={verifyResult} error={verifyError} />
      <div className="item-layout">
        <div className="item-preview">
          {item.hasPreview ? (
            <img src={previewUrl(item.id)} alt={t('item.previewAlt', { name: item.originalName })} />
          ) : (
            <PreviewPlaceholder mediaType={item.mediaType} pending={item.previewPending === true} large />
          )}
          {item.hasPreview ? <p className="hint">{t('item.previewNote')}</p> : null}
        </div>
        <div className="item-facts">
          <IdentifyingMetadata metadata={item.metadata} mediaType={item.mediaType} />
          <ContentCredentialsFacts metadata={item.metadata} />
          <ProofModeFacts metadata={item.metadata} />
          <EvidenceFacts item={item} />
        </div>
      </div>
      {item.warnings.length > 0 ? (
        <section aria-labelledby="item-warnings">
          <h2 id="item-warnings">{t('item.warnings')}</h2>
          <ul>
            {item.warnings.map((w, i) => (
              <li key={i}>
                {t(`item.warning.${w.code}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ItemCatalogue item={item} onChanged={onChanged} />
      <section aria-labelledby="item-custody">
        <h2 id="item-custody">{t('item.custody')}</h2>
        <CustodyTimeline events={events} />
      </section>
      <SenderCustody itemId={item.id} />
      <AllMetadata metadata={item.metadata} />
    </Screen>
  );
}


/** A received item: the sender vault's custody events about it (its import, the transfer), before this vault's own. */
function SenderCustody({ itemId }: { readonly itemId: string }) {
  const { t } = useTranslation();
  const link = useAsync(() => call('transfer.senderCustody', { itemId }), [itemId]);
  if (link.status === 'error') return <ErrorNote error={link.error} />;
  if (!link.value) return null;
  return (
    <section aria-labelledby="item-sender-custody" data-testid="sender-custody">
      <h2 id="item-sender-custody">{t('item.senderCustody')}</h2>
      <p>{t('item.senderCustodyIntro')}</p>
      <p className="words" translate="no" dir="ltr">
        {link.value.sender.words.join(' ')}
      </p>
      <p>
        {t('share.fingerprint')}{' '}
        <code dir="ltr" translate="no">
          {link.value.sender.fingerprint}
        </code>
      </p>
      <CustodyTimeline events={link.value.events} />
    </section>
  );
}

function EvidenceFacts({ item }: { readonly item: ItemDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section aria-labelledby="item-facts">
      <h2 id="item-facts">{t('item.facts')}</h2>
      <dl className="facts">
        <dt>{t('item.originalName')}</dt>
        <dd>
          <bdi dir="auto">{item.originalName}</bdi>
        </dd>
        <dt>{t('item.mediaType')}</dt>
        <dd>
          <code dir="ltr">{item.mediaType}</code>
        </dd>
        <dt>{t('item.size')}</dt>
        <dd>{f.bytes(item.size)}</dd>
        <dt>{t('item.captured')}</dt>
        <dd>{item.captureTime ? f.recordedDateTime(item.captureTime) : t('item.unknown')}</dd>
        <dt>{t('item.ingested')}</dt>
        <dd>{f.dateTime(item.ingestedAt)}</dd>
        <dt>{t('item.sha256')}</dt>
        <dd>
          <code dir="ltr" className="hash" id="item-sha256">
            {item.sha256}
          </code>{' '}
          <CopyButton text={item.sha256} label={t('item.copyHash')} targetId="item-sha256" />
        </dd>
        <dt>{t('item.id')}</dt>
        <dd>
          <code dir="ltr">{item.id}</code>
        </dd>
        {item.sourceNote ? (
          <>
            <dt>{t('item.source')}</dt>
            <dd>
              <bdi>{item.sourceNote}</bdi>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

const IDENTIFYING: readonly (keyof ExtractedMetadata)[] = ['make', 'model', 'serial', 'lensModel', 'lensSerial', 'software', 'creators', 'copyright'];

/**
 * Metadata that can identify a person, a device or a place, shown as evidence but clearly flagged: documenters
 * must know before they share anything that the file says where it was made and by which device.
 */
function IdentifyingMetadata({ metadata, mediaType }: { readonly metadata: ExtractedMetadata; readonly mediaType: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const present = IDENTIFYING.filter((k) => metadata[k] !== undefined && metadata[k] !== '');
  if (!metadata.gps && present.length === 0 && !readsIdentifyingMetadata(mediaType)) {
    // Not read is not "none": a PDF's author or a recording's place may well be there.
    return (
      <section aria-labelledby="item-identifying" className="note note-warn" data-testid="identifying-not-read">
        <h2 id="item-identifying">{t('item.identifying')}</h2>
        <p>{t('item.identifyingNotRead')}</p>
      </section>
    );
  }
  if (!metadata.gps && present.length === 0) {
    return (
      <section aria-labelledby="item-identifying" className="note note-ok">
        <h2 id="item-identifying">{t('item.identifying')}</h2>
        <p>{t('item.noIdentifying')}</p>
      </section>
    );
  }
  const gps = metadata.gps;
  return (
    <section aria-labelledby="item-identifying" className="identifying">
      <h2 id="item-identifying">
        <span className="flag-icon" aria-hidden="true">
          ⚠
        </span>{' '}
        {t('item.identifying')}
      </h2>
      <p>{t('item.identifyingExplain')}</p>
      {gps ? (
        <div className="gps-flag" data-testid="gps-flag">
          <p className="gps-title">
            <strong>{t('item.gpsPresent')}</strong>
          </p>
          <dl className="facts">
            <dt>{t('item.latitude')}</dt>
            <dd>
              <code dir="ltr">{gps.lat.toFixed(6)}</code>
            </dd>
            <dt>{t('item.longitude')}</dt>
            <dd>
              <code dir="ltr">{gps.lon.toFixed(6)}</code>
            </dd>
            {gps.alt !== undefined ? (
              <>
                <dt>{t('item.altitude')}</dt>
                <dd>
                  <code dir="ltr">{gps.alt.toFixed(1)}</code>
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
      {present.length > 0 ? (
        <dl className="facts">
          {present.map((k) => {
            const v = metadata[k];
            return (
              <div key={k} className="fact-row">
                <dt>{t(`item.meta.${k}`)}</dt>
                <dd>
                  <bdi dir="auto">{Array.isArray(v) ? f.list(v as readonly string[]) : String(v)}</bdi>
                </dd>
              </div>
            );
          })}
        </dl>
      ) : null}
    </section>
  );
}

/** The file's Content Credentials (C2PA) as validated at import: the verdict, then who signed and what they assert. */
function ContentCredentialsFacts({ metadata }: { readonly metadata: ExtractedMetadata }) {
  const { t } = useTranslation();
  const f = useFormat();
  const cc = metadata.contentCredentials;
  if (!cc) return null;
  const valid = cc.state === 'valid';
  const rows: [string, string | undefined][] = [
    ['signer', cc.signer],
    ['issuer', cc.issuer],
    ['signedAt', cc.signedAt ? f.dateTime(cc.signedAt) || cc.signedAt : undefined],
    ['generator', cc.claimGenerator],
    ['assertions', cc.assertions.join(', ') || undefined],
    ['actions', cc.actions?.map((a) => [a.action, a.digitalSourceType?.split('/').pop(), a.softwareAgent].filter(Boolean).join(' ')).join('; ')],
    ['failures', cc.failures.map((f) => f.code).join(', ') || undefined],
    ['validator', cc.validator],
  ];
  return (
    <section aria-labelledby="item-c2pa" data-testid="c2pa-facts">
      <h2 id="item-c2pa">{t('item.c2pa.title')}</h2>
      <div className={`note ${valid ? 'note-ok' : 'note-error'}`}>
        <p>{valid ? t('item.c2pa.valid') : t('item.c2pa.invalid')}</p>
      </div>
      <p className="hint">{t('item.c2pa.trustNote')}</p>
      <dl className="facts">
        {rows
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => (
            <div key={k} className="fact-row">
              <dt>{t(`item.c2pa.${k}`)}</dt>
              <dd>
                <bdi>{v}</bdi>
              </dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

function AllMetadata({ metadata }: { readonly metadata: ExtractedMetadata }) {
  const { t } = useTranslation();
  const segments = Object.entries(metadata.segments ?? {});
  if (segments.length === 0) return null;
  return (
    <section aria-labelledby="item-all-meta">
      <h2 id="item-all-meta">{t('item.allMetadata')}</h2>
      {segments.map(([name, fields]) => (
        <details key={name}>
          <summary>
            <code dir="ltr">{name}</code>
          </summary>
          <table className="meta-table">
            <caption className="visually-hidden" translate="no">
              {name}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('item.metaField')}</th>
                <th scope="col">{t('item.metaValue')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(fields).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code dir="ltr">{k}</code>
                  </th>
                  <td dir="auto" translate="no">
                    {typeof v === 'string' ? v : JSON.stringify(v)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}

/** "Verify this item": the button sits with the screen's actions, the result under the heading. */
function VerifyResult({ result, error }: { readonly result: ItemVerification | undefined; readonly error: unknown }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="verify-item">
      {result ? (
        <div className={`note ${result.ok ? 'note-ok' : 'note-error'}`}>
          <p>
            <strong>{result.ok ? t('item.verifyOk') : t('item.verifyFailed')}</strong>
          </p>
          <ul className="checks">
            {result.checks.map((c) => (
              <li key={c.name} className={c.ok ? 'pass' : 'fail'}>
                <span className="badge">{c.ok ? t('common.pass') : t('common.fail')}</span> {t(`item.check.${c.name}`)}
                {!c.ok ? (
                  <span className="detail" dir="auto">
                    {c.detail}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}
