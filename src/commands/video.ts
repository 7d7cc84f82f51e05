import { PermissionFlagsBits, PermissionsBitField, type ChatInputCommandInteraction } from 'discord.js';
import type { Config } from '../config.ts';
import type { JobStore, NewJob } from '../db/jobStore.ts';
import { messagesFor, type Messages } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../clock.ts';
import type { JobScheduler } from '../services/jobs/jobScheduler.ts';
import type { JobIntake } from '../services/jobs/jobIntake.ts';
import { replyEphemeral } from './replies.ts';
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
const requiredPermissions = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Attach Files', PermissionFlagsBits.AttachFiles],
] as const;

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

function missingPermissions(interaction: ChatInputCommandInteraction): string[] {
  const granted = interaction.appPermissions ?? new PermissionsBitField(PermissionsBitField.All);
  return requiredPermissions.filter(([, flag]) => !granted.has(flag)).map(([name]) => name);
}

function gateProblem(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps, m: Messages): string | undefined {
  if (!interaction.inGuild()) return m.guildOnly;
  const gate = deps.intake.gate(interaction.guildId, interaction.channelId);
  if (gate) return gate(m);
  const missing = missingPermissions(interaction);
  return missing.length > 0 ? m.missingPermissions(missing) : undefined;
}

/**
 * `/video`. Everything up to the reservation is synchronous, so a rejection is still an ephemeral
 * reply; only an accepted job gets the public deferred reply, which Discord cannot make private later.
 */
export async function executeVideo(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps): Promise<void> {
  const { config, store, clock } = deps;
  const m = messagesFor(interaction.locale);
  const gate = gateProblem(interaction, deps, m);
  if (gate) return replyEphemeral(interaction, gate);

  const options = readOptions(interaction);
  const built = buildVideoRequest(options, config.models, config.defaultModel);
  if (!built.ok) return replyEphemeral(interaction, built.message(m));
  const modelOff = deps.intake.modelGate(built.request.model);
  if (modelOff) return replyEphemeral(interaction, modelOff(m));

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
    ...deps.intake.confirmation(built.estimateMicros),
  };
  const created = await deps.intake.createSoon(newJob);
  if (!created.ok) {
    // A replayed interaction (gateway resume) already has its job and its reply.
    if (created.reason === 'duplicate') return;
    return replyEphemeral(interaction, deps.intake.rejectionText(created, built.estimateMicros)(m));
  }

  const job = created.job;
  const log = deps.logger.child({ jobId: job.id, userId: job.userId });
  let statusMessageId: string | undefined;
  try {
    // The acknowledgement names the reply's message: the job's controls map to it whatever text
    // the status later manages to show (a server's AutoMod may refuse the one quoting the prompt).
    const response = await interaction.deferReply({ withResponse: true });
    statusMessageId = response.interaction.responseMessageId ?? undefined;
  } catch (err) {
    store.endBeforeSubmission(job.id, 'cancelled', 'interaction_expired', clock.now());
    log.warn('job_acknowledge_failed', { err });
    return;
  }
  log.info('job_accepted', { status: job.status, estimateMicros: job.estimateMicros, model: job.request.model, durationSec: job.request.duration });
  deps.scheduler.accept(job, statusMessageId);
}
