import type { PacketBlocker, PacketPlan, PacketPlanInput } from '../../../shared/model/packet';
import type { Vault } from '../vault/vault';
import { runItemStage } from './items-stage';
import { discardOutput, prepareScratch } from './output';
import { buildPlan, type PlanDetails, type PlannedItemInternal } from './plan';

/**
 * The plan the app's review shows (`packets.plan`), with the export's own per-file checks: each item is stripped
 * and re-read in a scratch folder by the same item stage as the export and its dry run (checkPacket), so a file the
 * export would refuse (a truncated JPEG, a leak the re-read finds) is a blocker of the review, never "nothing blocks".
 *
 * The wizard asks for a plan on every change, so each item's result is kept (per vault, in memory) under everything
 * the check depends on: the item's bytes (SHA-256), its media type, its label, the capture date setting, its
 * Content Credentials choice and the values the re-read looks for. Only items not checked before are stripped.
 */

type Checked = readonly PacketBlocker[];
const MAX_ENTRIES = 20_000;
const caches = new WeakMap<Vault, { results: Map<string, Checked>; queue: Promise<unknown> }>();

function cacheOf(vault: Vault): { results: Map<string, Checked>; queue: Promise<unknown> } {
  let c = caches.get(vault);
  if (!c) {
    c = { results: new Map(), queue: Promise.resolve() };
    caches.set(vault, c);
  }
  return c;
}

function keyOf(details: PlanDetails, it: PlannedItemInternal): string {
  const { planned, detail } = it;
  return JSON.stringify([
    planned.itemId,
    planned.label,
    planned.action,
    planned.exportPath ?? '',
    detail.sha256,
    detail.mediaType,
    details.plan.keepCaptureDate,
    planned.contentCredentials?.kept ?? null,
    it.originalValues,
  ]);
}

/** Each item's problems from the item stage, stripping only the items not already checked with the same inputs. */
async function itemProblems(vault: Vault, details: PlanDetails): Promise<PacketBlocker[]> {
  const cache = cacheOf(vault);
  const work = details.items.filter((i) => i.planned.action !== 'refuse' && i.planned.exportPath);
  // One check at a time per vault: two plans asked in a row share the results instead of stripping twice.
  const run = cache.queue.then(async () => {
    const todo = work.filter((i) => !cache.results.has(keyOf(details, i)));
    if (todo.length === 0) return;
    const scratch = await prepareScratch(undefined);
    try {
      const stage = await runItemStage(vault, { ...details, items: todo }, scratch.root, { writeOriginals: false });
      if (cache.results.size + todo.length > MAX_ENTRIES) cache.results.clear();
      for (const it of todo) cache.results.set(keyOf(details, it), stage.problems.filter((p) => p.itemId === it.planned.itemId));
    } finally {
      await discardOutput(scratch);
    }
  });
  cache.queue = run.catch(() => undefined);
  await run;
  return work.flatMap((i) => cache.results.get(keyOf(details, i)) ?? []);
}

/** The plan plus the export's per-file checks (see above). Writes nothing that outlives the call. */
export async function planPacketChecked(vault: Vault, input: PacketPlanInput): Promise<PacketPlan> {
  const details = buildPlan(vault, input);
  const problems = await itemProblems(vault, details);
  if (problems.length === 0) return details.plan;
  const blockers = [...details.plan.blockers, ...problems];
  return { ...details.plan, blockers, canExport: false };
}
