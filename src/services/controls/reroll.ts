import type { CommandMention } from '../../i18n/commandNames.ts';
import type { Config } from '../../config.ts';
import type { Job } from '../../db/job.ts';
import type { Logger } from '../../logger.ts';
import { estimateCostMicros } from '../../modelCatalog.ts';
import type { Clock } from '../../clock.ts';
import type { JobIntake, Rejection } from '../jobs/jobIntake.ts';
import type { JobScheduler } from '../jobs/jobScheduler.ts';

/** Reactions arriving this close together on one result are one request. */
export const rerollBurstWindowMs = 10_000;

export interface RerollDeps { config: Config; intake: JobIntake; scheduler: JobScheduler; clock: Clock; logger: Logger; mention: CommandMention }

/**
 * 🔁: a new job with the parent's parameters, paid by whoever asked for it, through the same gates,
 * budgets and confirmation threshold as `/video`.
 */
/** Edit & retry: the parent's parameters with a new prompt, deduplicated by the modal submission's id. */
export interface PromptChange { prompt: string; originKey: string }

export async function rerollJob(parent: Job, reactorId: string, deps: RerollDeps, change?: PromptChange): Promise<{ ok: true; job: Job } | { ok: false; message?: Rejection }> {
  const { config, intake, clock } = deps;
  // Retention left an empty prompt and no reference image: sending that would buy a video nobody asked for.
  if (parent.erasedAt != null) return { ok: false, message: (m) => m.ops.jobErased(parent.id, deps.mention) };
  const gate = await intake.gate(parent.guildId, parent.channelId);
  if (gate) return { ok: false, message: gate };
  // The catalog is data and may have changed since the parent ran.
  const { model: modelName, duration, resolution } = parent.request;
  const model = config.models.find(modelName);
  if (!model) return { ok: false, message: (m) => m.unknownModel(modelName, config.models.names()) };
  if (!model.durations.includes(duration)) {
    return { ok: false, message: (m) => m.durationUnsupported(model.name, duration, model.durations) };
  }
  if (resolution !== undefined && !model.resolutions.includes(resolution)) {
    return { ok: false, message: (m) => m.resolutionUnsupported(model.name, resolution, model.resolutions) };
  }
  const modelOff = intake.modelGate(model.name);
  if (modelOff) return { ok: false, message: modelOff };
  const estimateMicros = estimateCostMicros(model, duration, resolution);
  const now = clock.now();
  const created = await intake.create({
    originKey: change?.originKey ?? `reroll:${parent.id}:${reactorId}:${now}`,
    parentJobId: parent.id,
    // A deliberate new prompt is no accidental double click; its own submission id deduplicates it.
    rerollDedupeMs: change ? 0 : rerollBurstWindowMs,
    guildId: parent.guildId,
    channelId: parent.channelId,
    userId: reactorId,
    locale: parent.locale,
    applicationId: parent.applicationId,
    interactionToken: null,
    interactionAt: now,
    attachmentSizeLimit: parent.attachmentSizeLimit,
    request: change ? { ...parent.request, prompt: change.prompt } : parent.request,
    imageName: parent.imageName,
    imageOrientation: parent.imageOrientation,
    estimateMicros,
    ...intake.confirmation(estimateMicros),
  });
  if (!created.ok) {
    if (created.reason === 'duplicate') return { ok: false };
    return { ok: false, message: intake.rejectionText(created, estimateMicros) };
  }
  deps.logger.info('job_rerolled', { jobId: created.job.id, parentJobId: parent.id, userId: reactorId, newPrompt: change !== undefined });
  await deps.scheduler.accept(created.job);
  return { ok: true, job: created.job };
}
