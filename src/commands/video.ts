import type { ChatInputCommandInteraction, ThreadChannel } from 'discord.js';
import type { Config } from '../config.ts';
import { messagesFor, type Messages } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import type { JobScheduler } from '../services/jobs/jobScheduler.ts';
import type { JobIntake, JobStore, NewJob } from '../services/jobs/jobIntake.ts';
import type { SentMessage } from '../services/discord/discordMessenger.ts';
import { isAutoModBlock } from '../services/discord/discordFaults.ts';
import { canJoinThread, channelPlace, missingPermissions, threadClosed } from '../services/discord/channelPlace.ts';
import { noMentions, replyEphemeral } from './replies.ts';
import { buildVideoRequest, type VideoOptions } from './videoRequest.ts';

export interface VideoCommandDeps {
  config: Config;
  store: JobStore;
  scheduler: JobScheduler;
  intake: JobIntake;
  clock: Clock;
  logger: Logger;
}

const defaultAttachmentLimit = 10 * 1024 * 1024;
const joinBudgetMs = 1_500;

function readOptions(interaction: ChatInputCommandInteraction): VideoOptions {
  const o = interaction.options;
  const image = o.getAttachment('image');
  return {
    prompt: o.getString('prompt') ?? '',
    duration: o.getInteger('duration'),
    aspectRatio: o.getString('aspect_ratio'),
    model: o.getString('model'),
    resolution: o.getString('resolution'),
    image: image && {
      name: image.name, url: image.url, contentType: image.contentType, sizeBytes: image.size,
      width: image.width, height: image.height,
    },
  };
}

/** Permissions as Discord weighs them for this kind of channel (a thread, a forum post, a text channel…). */
async function gateProblem(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps, m: Messages): Promise<string | undefined> {
  if (!interaction.inGuild()) return m.guildOnly;
  const gate = await deps.intake.gate(interaction.guildId, interaction.channelId);
  if (gate) return gate(m);
  const place = channelPlace(interaction.channel);
  if (threadClosed(place, interaction.appPermissions)) return m.threadClosed;
  const missing = missingPermissions(place, interaction.appPermissions);
  return missing.length > 0 ? m.missingPermissions(missing) : undefined;
}

/**
 * Discord shows a private thread's reactions only to its members: the bot joins where it may, and
 * otherwise takes no job there that would wait for a ✅ it can never see.
 */
async function threadMembershipProblem(
  interaction: ChatInputCommandInteraction, needsConfirmation: boolean, clock: Clock, log: Logger,
): Promise<boolean> {
  const place = channelPlace(interaction.channel);
  if (!place.privateThread || place.joined) return false;
  if (canJoinThread(place, interaction.appPermissions)) {
    try {
      // Before the acknowledgement, which Discord wants within 3 s: a slow join counts as a failed one.
      let timer: TimerHandle | undefined;
      const tooSlow = new Promise<never>((_, reject) => {
        timer = clock.setTimeout(() => reject(new Error('thread join timed out')), joinBudgetMs);
      });
      await Promise.race([(interaction.channel as ThreadChannel).join(), tooSlow]).finally(() => timer && clock.clearTimeout(timer));
      return false;
    } catch (err) {
      log.warn('thread_join_failed', { channelId: interaction.channelId, err });
    }
  }
  return needsConfirmation;
}

/**
 * `/video`. Everything up to the reservation comes before any reply, so a rejection is still an
 * ephemeral reply; only an accepted job gets the public reply, which Discord cannot make private later.
 */
export async function executeVideo(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps): Promise<void> {
  const { config, store, clock } = deps;
  const m = messagesFor(interaction.locale);
  const gate = await gateProblem(interaction, deps, m);
  if (gate) return replyEphemeral(interaction, gate);

  const options = readOptions(interaction);
  const built = buildVideoRequest(options, config.models, config.defaultModel);
  if (!built.ok) return replyEphemeral(interaction, built.message(m));
  const modelOff = deps.intake.modelGate(built.request.model);
  if (modelOff) return replyEphemeral(interaction, modelOff(m));

  const confirmation = deps.intake.confirmation(built.estimateMicros);
  if (await threadMembershipProblem(interaction, confirmation.needsConfirmation, clock, deps.logger)) {
    return replyEphemeral(interaction, m.privateThreadNeedsMember);
  }

  const now = clock.now();
  const newJob: NewJob = {
    originKey: `interaction:${interaction.id}`,
    guildId: interaction.guildId as string,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    locale: interaction.locale,
    applicationId: interaction.applicationId,
    interactionToken: interaction.token,
    // Received within moments of creation; the clock keeps it testable and independent of the id format.
    interactionAt: now,
    attachmentSizeLimit: (interaction as { attachmentSizeLimit?: number }).attachmentSizeLimit ?? defaultAttachmentLimit,
    request: built.request,
    imageName: options.image?.name ?? null,
    // Shown in the status itself when it overrides aspect_ratio.
    imageOrientation: built.imageOrientation,
    estimateMicros: built.estimateMicros,
    ...confirmation,
  };
  const created = await deps.intake.createSoon(newJob);
  if (!created.ok) {
    // A replayed interaction (gateway resume) already has its job and its reply.
    if (created.reason === 'duplicate') return;
    return replyEphemeral(interaction, deps.intake.rejectionText(created, built.estimateMicros)(m));
  }

  // The acknowledgement is the first status: one request instead of a deferral and an edit, and the
  // requester sees the job number, parameters and queue position at once. Logging waits until after it.
  const job = created.job;
  let firstStatus = await deps.scheduler.firstStatus(job);
  let promptBlocked = false;
  let message: SentMessage | undefined;
  const reply = (payload: typeof firstStatus) => interaction.reply({ ...payload, allowedMentions: noMentions, withResponse: true });
  try {
    let response;
    try {
      response = await reply(firstStatus);
    } catch (err) {
      // A server's AutoMod may refuse the text quoting the prompt: the status without it is still the answer.
      if (!isAutoModBlock(err)) throw err;
      firstStatus = await deps.scheduler.firstStatus(job, true);
      promptBlocked = true;
      response = await reply(firstStatus);
    }
    const sent = response.resource?.message;
    message = sent ? { id: sent.id, channelId: sent.channelId } : undefined;
  } catch (err) {
    await store.endBeforeSubmission(job.id, 'cancelled', 'interaction_expired', clock.now());
    deps.logger.warn('job_acknowledge_failed', { jobId: job.id, userId: job.userId, err });
    return;
  }
  await deps.scheduler.accept(job, { payload: firstStatus, message, promptBlocked });
  const log = deps.logger.child({ jobId: job.id, userId: job.userId });
  log.info('job_accepted', { status: job.status, estimateMicros: job.estimateMicros, model: job.request.model, durationSec: job.request.duration });
}
