import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { PacketPlanInput, PacketPlan } from '../../../../shared/model/packet';
import { OperationControls } from '../../components/OperationControls';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { remember } from '../../lib/memory';
import { navigate } from '../../lib/router';
import { useLongOperation } from '../../lib/useLongOperation';
import { PACKET_FORMATS, type PacketFormat, type StepProps } from './wizard-state';

export function ExportStep({
  input,
  plan,
  choices,
  set,
  onExported,
}: { readonly input: PacketPlanInput; readonly plan: PacketPlan | undefined; readonly onExported?: () => void } & StepProps) {
  const { t } = useTranslation();
  const f = useFormat();
  const op = useLongOperation('export');
  const report = op.report;
  // Exported: the wizard's draft has served its purpose.
  const exported = report !== undefined && report !== null;
  useEffect(() => {
    if (exported) onExported?.();
  }, [exported, onExported]);
  // A zip file or a folder, as the person chose here (not guessed from the name typed in the save dialog); kept in
  // the wizard's draft with the rest of the choices.
  const format: PacketFormat = choices.packetFormat ?? 'zip';
  const start = () =>
    void op.start(async () => {
      const zip = format === 'zip';
      const dest = await call('dialog.choosePacketDestination', { suggestedName: `packet-${input.mechanismId}${zip ? '.zip' : ''}` });
      return dest ? call('packets.export', { ...input, outPath: dest.path, zip }) : null;
    });
  return (
    <>
      <p>{t('packet.exportIntro')}</p>
      {plan && !plan.canExport ? <p className="note note-error">{t('packet.cannotExport')}</p> : null}
      <fieldset className="field">
        <legend>{t('packet.format.legend')}</legend>
        {PACKET_FORMATS.map((k) => (
          <div className="check" key={k}>
            <input id={`packet-format-${k}`} type="radio" name="packet-format" checked={format === k} onChange={() => set({ packetFormat: k })} disabled={op.running} />
            <label htmlFor={`packet-format-${k}`}>{t(`packet.format.${k}`)}</label>
          </div>
        ))}
      </fieldset>
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
