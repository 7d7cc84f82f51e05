import type { ChatInputCommandInteraction } from 'discord.js';
import type { Config } from '../config.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../clock.ts';
import type { FirstAnswer, FirstAnswerTarget } from '../services/jobs/firstAnswer.ts';
import type { JobScheduler } from '../services/jobs/jobScheduler.ts';
import type { JobIntake, JobStore, NewJob } from '../services/jobs/jobIntake.ts';
import type { AckPolicy } from './ackPolicy.ts';
import { replyEphemeral } from './replies.ts';
import { gateProblem, readOptions, threadMembershipProblem } from './videoChecks.ts';
import { buildVideoRequest } from './videoRequest.ts';

export interface VideoCommandDeps {
  config: Config;
  store: JobStore;
  scheduler: JobScheduler;
  intake: JobIntake;
  clock: Clock;
  logger: Logger;
  ackPolicy: AckPolicy;
  firstAnswer: FirstAnswer;
  /** Answers through the interaction client, past discord.js's global limit (its REST counts every request). */
  deferral: DeferralAnswers;
}

export interface DeferralAnswers {
  /** A bare, public deferral: the card comes as its first edit. */
  deferAtOnce(interactionId: string, token: string): Promise<void>;
  /** The deferral goes, and the refusal follows only for the member. */
  replaceWithPrivate(applicationId: string, token: string, content: string): Promise<void>;
  withdraw(applicationId: string, token: string): Promise<void>;
}

const defaultAttachmentLimit = 10 * 1024 * 1024;

/**
 * A refusal only the member sees. After a bare deferral (public, and empty), the deferral goes and the
 * refusal follows privately: Discord cannot make a public answer private later.
 */
async function refuse(interaction: ChatInputCommandInteraction, deferral: DeferralAnswers, content: string): Promise<void> {
  if (!interaction.deferred || interaction.replied) return replyEphemeral(interaction, content);
  await deferral.replaceWithPrivate(interaction.applicationId, interaction.token, content);
}

/**
 * `/video`. A rejection is an ephemeral answer, and only an accepted job gets the public card. The card
 * is the first answer when the bot keeps up (one request, and the requester sees the job number,
 * parameters and queue place at once); when it is behind (ackPolicy.ts), the command is answered at
 * once with a bare deferral and the card comes as its first edit.
 */
export async function executeVideo(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps): Promise<void> {
  const ack = deps.ackPolicy.begin(interaction.id);
  try {
    if (ack.answerAtOnce) {
      await deps.deferral.deferAtOnce(interaction.id, interaction.token);
      // Answered over REST, past discord.js: it must know, so that what follows edits the deferral.
      interaction.deferred = true;
      ack.answered();
      await ack.crowdAnswered();
    }
    await createAndShow(interaction, deps, ack.answered);
  } finally {
    ack.done();
  }
}

async function createAndShow(interaction: ChatInputCommandInteraction, deps: VideoCommandDeps, answered: () => void): Promise<void> {
  const { config, store, clock } = deps;
  const m = messagesFor(interaction.locale);
  const gate = await gateProblem(interaction, deps.intake, m);
  if (gate) return refuse(interaction, deps.deferral, gate);

  const options = readOptions(interaction);
  const built = buildVideoRequest(options, config.models, config.defaultModel);
  if (!built.ok) return refuse(interaction, deps.deferral, built.message(m));
  const modelOff = deps.intake.modelGate(built.request.model);
  if (modelOff) return refuse(interaction, deps.deferral, modelOff(m));

  const confirmation = deps.intake.confirmation(built.estimateMicros);
  if (await threadMembershipProblem(interaction, confirmation.needsConfirmation, clock, deps.logger)) {
    return refuse(interaction, deps.deferral, m.privateThreadNeedsMember);
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
    settings: built.settings,
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
    return refuse(interaction, deps.deferral, deps.intake.rejectionText(created, built.estimateMicros)(m));
  }

  const job = created.job;
  const target: FirstAnswerTarget = interaction.deferred
    ? { editDeferred: { applicationId: interaction.applicationId, token: interaction.token } }
    : { reply: { interactionId: interaction.id, token: interaction.token } };
  let shown;
  try {
    shown = await deps.firstAnswer(job, created.queuePosition, target);
    // Answered over REST, past discord.js: it must know, so that a later error goes as a follow-up.
    if ('reply' in target) interaction.replied = true;
    answered();
  } catch (err) {
    await store.endBeforeSubmission(job.id, 'cancelled', 'interaction_expired', clock.now());
    deps.logger.warn('job_acknowledge_failed', { jobId: job.id, userId: job.userId, err });
    if (interaction.deferred) await deps.deferral.withdraw(interaction.applicationId, interaction.token).catch(() => undefined);
    return;
  }
  // Logging waits until after the answer.
  await deps.scheduler.accept(job, shown);
  const log = deps.logger.child({ jobId: job.id, userId: job.userId });
  log.info('job_accepted', { status: job.status, estimateMicros: job.estimateMicros, model: job.settings.model, durationSec: job.settings.durationSec });
}
