import { BAG } from '../packet/layout';
import { renderCoverDocx } from './cover/docx';
import { buildCoverModel, type CoverModel } from './cover/model';
import { renderCoverPdf } from './cover/pdf';
import type { CustodyResult } from './custody-stage';
import type { ItemOutcome } from './items-stage';
import type { PacketFiles } from './output';
import type { PlanDetails } from './plan';

/** The cover documents (DOCX to edit, PDF to read), both from one model; what they say of each copy is read from it. */

export function coverModelFor(details: PlanDetails, outcomes: readonly ItemOutcome[], custody: CustodyResult, packetId: string, origin: string): CoverModel {
  const { plan } = details;
  const ingestTimes = outcomes.map((o) => o.it.detail.ingestedAt).sort();
  const ingestSeqs = new Set(outcomes.map((o) => o.it.detail.ingestSeq));
  return buildCoverModel({
    lang: plan.lang,
    mechanism: details.mechanism,
    caseTitle: details.caseTitle,
    packetId,
    preparedOn: new Date().toISOString().slice(0, 10),
    profile: plan.profile,
    fields: plan.fields,
    evidence: outcomes.map((o) => ({
      label: o.it.planned.label,
      file: (o.exported?.path ?? o.original?.path ?? '').split('/').pop() ?? '',
      shows: o.it.shows,
      tagIds: o.it.tagIds,
      originalSha256: o.it.detail.sha256,
      ...(o.exported ? { exportedSha256: o.exported.hashed.sha256, method: o.exported.record.method, captureDateKept: o.exported.facts.captureDate.length > 0 } : {}),
      encryptedOriginal: o.original !== undefined,
    })),
    testimonies: details.testimonies.map((t) => ({
      label: t.planned.label,
      file: t.planned.exportPath!.split('/').pop()!,
      ...(t.witness ? { witness: t.witness } : {}),
      ...(t.testimony.interviewDate ? { date: t.testimony.interviewDate } : {}),
    })),
    custody: {
      firstIngest: ingestTimes[0] ?? '—',
      lastIngest: ingestTimes.at(-1) ?? '—',
      origin,
      size: custody.checkpoint.size,
      rootHash: custody.rootHash.toString('base64'),
      events: custody.events.length,
      minisignKeyLine: custody.minisignKey.split('\n')[1] ?? '',
      exampleProofSeq: custody.events.find((e) => ingestSeqs.has(e.seq))?.seq,
    },
  });
}

export async function writeCover(model: CoverModel, details: PlanDetails, files: PacketFiles, onProgress: (done: number) => void): Promise<void> {
  const stem = `${BAG.submission}/cover-${details.plan.mechanismId}-${details.plan.lang}`;
  await files.payloadFile(`${stem}.pdf`, await renderCoverPdf(model));
  onProgress(1);
  await files.payloadFile(`${stem}.docx`, await renderCoverDocx(model));
  onProgress(2);
}
