import type { ChatInputCommandInteraction, ThreadChannel } from 'discord.js';
import type { Clock, TimerHandle } from '../clock.ts';
import type { Messages } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';
import type { JobIntake } from '../services/jobs/jobIntake.ts';
import { canJoinThread, channelPlace, missingPermissions, threadClosed } from '../services/discord/channelPlace.ts';
import type { VideoOptions } from './videoRequest.ts';

const joinBudgetMs = 1_500;

export function readOptions(interaction: ChatInputCommandInteraction): VideoOptions {
  const o = interaction.options;
  const image = o.getAttachment('image');
  return {
    prompt: o.getString('prompt') ?? '',
    duration: o.getInteger('duration'),
    aspectRatio: o.getString('aspect_ratio'),
    model: o.getString('model'),
    resolution: o.getString('resolution'),
    audio: o.getBoolean('audio'),
    image: image && {
      name: image.name, url: image.url, contentType: image.contentType, sizeBytes: image.size,
      width: image.width, height: image.height,
    },
  };
}

/** Server-level gates, then permissions as Discord weighs them for this kind of channel (a thread, a forum post, a text channel…). */
export async function gateProblem(interaction: ChatInputCommandInteraction, intake: JobIntake, m: Messages): Promise<string | undefined> {
  if (!interaction.inGuild()) return m.guildOnly;
  const gate = await intake.gate(interaction.guildId, interaction.channelId);
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
export async function threadMembershipProblem(
  interaction: ChatInputCommandInteraction, needsConfirmation: boolean, clock: Clock, log: Logger,
): Promise<boolean> {
  const place = channelPlace(interaction.channel);
  if (!place.privateThread || place.joined) return false;
  if (canJoinThread(place, interaction.appPermissions)) {
    try {
      // Usually before the acknowledgement, which Discord wants within 3 s: a slow join counts as a failed one.
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
