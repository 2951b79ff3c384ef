import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { PacketPlanInput, PacketPlan } from '../../../../shared/model/packet';
import { OperationControls } from '../../components/OperationControls';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { remember } from '../../lib/memory';
import { navigate } from '../../lib/router';
import { useLongOperation } from '../../lib/useLongOperation';

export function ExportStep({ input, plan, onExported }: { readonly input: PacketPlanInput; readonly plan: PacketPlan | undefined; readonly onExported?: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const op = useLongOperation('export');
  const report = op.report;
  // Exported: the wizard's draft has served its purpose.
  const exported = report !== undefined && report !== null;
  useEffect(() => {
    if (exported) onExported?.();
  }, [exported, onExported]);
  const start = () =>
    void op.start(async () => {
      const dest = await call('dialog.choosePacketDestination', { suggestedName: `packet-${input.mechanismId}.zip` });
      return dest ? call('packets.export', { ...input, outPath: dest.path, zip: dest.path.toLowerCase().endsWith('.zip') }) : null;
    });
  return (
    <>
      <p>{t('packet.exportIntro')}</p>
      {plan && !plan.canExport ? <p className="note note-error">{t('packet.cannotExport')}</p> : null}
      <OperationControls
        op={op}
        startLabel={t('packet.export')}
        onStart={start}
        startDisabled={!plan?.canExport}
        describe={(p) => ({ label: p ? t(`packet.phase.${p.phase}`) : t('common.starting'), done: p?.done ?? 0, total: p?.total ?? 0 })}
      />
      {report ? (
        <div className="note note-ok" role="status">
          <p>
            <strong>{t('packet.exported')}</strong>
          </p>
          <dl className="facts">
            <dt>{t('packet.where')}</dt>
            <dd>
              <bdi dir="ltr" className="path">
                {report.outPath}
              </bdi>
            </dd>
            <dt>{t('packet.files')}</dt>
            <dd>{t('packet.filesValue', { files: f.number(report.files), bytes: f.bytes(report.payloadBytes) })}</dd>
            <dt>{t('packet.tagmanifest')}</dt>
            <dd>
              <code dir="ltr" className="hash">
                {report.tagmanifestSha256}
              </code>
            </dd>
          </dl>
          <button
            type="button"
            onClick={() => {
              remember('verify.path', report.outPath);
              navigate({ name: 'verify-packet' });
            }}
          >
            {t('packet.verifyIt')}
          </button>
        </div>
      ) : null}
    </>
  );
}
