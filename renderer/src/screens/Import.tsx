import { useEffect, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IngestFileResult } from '../../../shared/model/items';
import { ErrorNote } from '../components/ErrorNote';
import { OperationControls } from '../components/OperationControls';
import { Screen } from '../components/Screen';
import { call, pathForFile } from '../lib/api';
import { useFormat } from '../lib/format';
import { href } from '../lib/router';
import { useLongOperation, type LongOperation } from '../lib/useLongOperation';

/**
 * Import: drop files or folders on the zone, or pick them. Parsing happens in the main process; this screen shows
 * progress, every file's outcome (errors in words a person can act on), and lets the import be cancelled.
 */
export function ImportScreen() {
  const { t } = useTranslation();
  const [dropProblem, setDropProblem] = useState(false);
  const [over, setOver] = useState(false);
  const op = useLongOperation('ingest');
  const running = op.running;

  const start = (paths: string[]) => op.start(() => call('ingest.start', { paths }));
  const pick = (folders: boolean) => {
    void op.start(async () => {
      const r = await call('dialog.pickFiles', { folders });
      return r ? call('ingest.start', { paths: r.paths }) : null;
    });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (running) return;
    const files = [...e.dataTransfer.files];
    const paths = files.map(pathForFile).filter((p): p is string => typeof p === 'string' && p.length > 0);
    setDropProblem(files.length > 0 && paths.length < files.length);
    if (paths.length > 0) void start(paths);
  };

  return (
    <Screen title={t('import.title')}>
      <p>{t('import.intro')}</p>
      <div
        className={`dropzone ${over ? 'over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = running ? 'none' : 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-text">{t('import.drop')}</p>
        <div className="actions">
          <button type="button" className="primary" disabled={running} onClick={() => pick(false)}>
            {t('import.pickFiles')}
          </button>
          <button type="button" disabled={running} onClick={() => pick(true)}>
            {t('import.pickFolder')}
          </button>
        </div>
      </div>
      {dropProblem ? (
        <p className="note note-error" role="alert">
          {t('import.dropUnknownPath')}
        </p>
      ) : null}
      {op.operationId ? <IngestStatus op={op} /> : <ErrorNote error={op.error} />}
    </Screen>
  );
}

function IngestStatus({ op }: { readonly op: LongOperation<'ingest'> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const report = op.report;
  const files = op.files;
  const failed = files.filter((x) => x.status === 'failed' || x.status === 'skipped');
  // Once per vault, after the first import that brought something in: the originals are still on the disk.
  const [originalsNotice, setOriginalsNotice] = useState(false);
  const ingested = report?.ingested ?? 0;
  useEffect(() => {
    if (ingested > 0) call('notices.once', { notice: 'originals-on-disk' }).then((r) => setOriginalsNotice(r.show), () => undefined);
  }, [ingested]);
  return (
    <section className="card" aria-labelledby="ingest-status-title">
      <h2 id="ingest-status-title">{op.finished ? t('import.finished') : t('import.running')}</h2>
      <OperationControls
        op={op}
        cancelLabel={t('import.cancel')}
        describe={(p) => ({
          label:
            p?.phase === 'previews'
              ? t('import.previewsProgress', { done: f.number(p.previewsDone ?? 0), total: f.number(p.previewsTotal ?? 0) })
              : p && p.phase !== 'scanning'
                ? t('import.progress', { done: f.number(p.filesDone), total: f.number(p.filesTotal), bytes: f.bytes(p.bytesDone), bytesTotal: f.bytes(p.bytesTotal) })
                : t('import.scanning'),
          done: p?.phase === 'previews' ? (p.previewsDone ?? 0) : (p?.bytesDone ?? 0),
          total: p?.phase === 'ingesting' ? p.bytesTotal : p?.phase === 'previews' ? (p.previewsTotal ?? 0) : 0,
        })}
      />
      {report ? (
        <div role="status" className={`note ${report.failed > 0 ? 'note-warn' : 'note-ok'}`}>
          <p>
            {report.cancelled ? t('import.cancelled') + ' ' : ''}
            {t('import.summary', { ingested: f.number(report.ingested), duplicates: f.number(report.duplicates), failed: f.number(report.failed), skipped: f.number(report.skipped) })}
          </p>
          {report.previewsPending ? <p>{t('import.previewsPending', { count: report.previewsPending, formatted: f.number(report.previewsPending) })}</p> : null}
          <a href={href({ name: 'library' })}>{t('import.openLibrary')}</a>
        </div>
      ) : null}
      {originalsNotice ? (
        <div className="note note-warn" data-testid="originals-notice">
          <p>
            <strong>{t('import.originalsTitle')}</strong>
          </p>
          <p>{t('import.originalsText')}</p>
        </div>
      ) : null}
      {failed.length > 0 ? (
        <>
          <h3>{t('import.problems', { count: failed.length })}</h3>
          <ul className="file-results">
            {failed.map((r, i) => (
              <FileProblem key={i} r={r} />
            ))}
          </ul>
        </>
      ) : null}
      {files.length > 0 ? (
        <details>
          <summary>{t('import.allFiles', { count: files.length })}</summary>
          <ul className="file-results">
            {files.map((r, i) => (
              <li key={i} className={`status-${r.status}`}>
                <bdi dir="ltr" className="path">
                  {r.path}
                </bdi>{' '}
                <span className="badge">{t(`import.status.${r.status}`)}</span>
                {r.itemId ? (
                  <>
                    {' '}
                    <a href={href({ name: 'item', id: r.itemId })}>{t('import.openItem')}</a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function FileProblem({ r }: { readonly r: IngestFileResult }) {
  const { t } = useTranslation();
  return (
    <li className={`status-${r.status}`}>
      <bdi dir="ltr" className="path">
        {r.path}
      </bdi>
      {/* A reason with a message of its own (a link skipped on purpose) is said as it is, not as "could not be read". */}
      <span className="problem">{r.error?.key ? t(r.error.key) : t(`errors.${r.error?.code ?? 'INTERNAL'}`, { defaultValue: t('errors.INTERNAL') })}</span>
      {r.error?.key ? null : r.error?.message ? (
        // A technical reason without a message of its own (a parser's words): shown as it came, marked as such.
        <span className="detail" dir="ltr" lang="en" translate="no" data-technical="">
          {r.error.message}
        </span>
      ) : null}
    </li>
  );
}
