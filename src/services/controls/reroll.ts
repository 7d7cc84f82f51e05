import type { CommandMention } from '../../i18n/commandNames.ts';
import type { Config } from '../../config.ts';
import type { Job } from '../../db/job.ts';
import type { Logger } from '../../logger.ts';
import { jobRequest } from '../../models/jobRequest.ts';
import type { Clock } from '../../clock.ts';
import type { JobIntake, Rejection } from '../jobs/jobIntake.ts';
import type { JobScheduler } from '../jobs/jobScheduler.ts';
import { discordLinkFresh, referenceImageUrl } from '../jobs/referenceImages.ts';

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
  // The catalog is data and may have changed since the parent ran: the member's own words go through
  // every check again, and the request is made anew in the model's current words.
  const asked = parent.settings;
  const built = jobRequest(config.models, {
    model: asked.model, prompt: change?.prompt ?? parent.request.prompt, durationSec: asked.durationSec,
    aspectRatio: asked.aspectRatio, resolution: asked.resolution, audio: asked.audio, imageUrl: asked.imageUrl,
  });
  if (!built.ok) return { ok: false, message: (m) => built.message(m.models) };
  const modelOff = intake.modelGate(built.entry.id);
  if (modelOff) return { ok: false, message: modelOff };
  // Only a job from before reference images were kept can lack them; its link is all there is.
  if (referenceImageUrl(parent) && !parent.imageSha256 && !discordLinkFresh(referenceImageUrl(parent), clock.now())) {
    return { ok: false, message: (m) => m.ops.referenceImageGone(parent.id, deps.mention) };
  }
  const estimateMicros = built.estimateMicros;
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
    request: built.request,
    settings: built.settings,
    imageName: parent.imageName,
    imageSha256: parent.imageSha256 ?? null,
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
