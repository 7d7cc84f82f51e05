import { userMention } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { DiscordCode, discordErrorCode, snowflakeAt, type ChannelMessage, type DiscordMessenger } from '../discord/discordMessenger.ts';

const unreadable: readonly number[] = [
  DiscordCode.missingAccess, DiscordCode.missingPermissions, DiscordCode.unknownChannel, DiscordCode.cannotDmUser,
];

const historyPages = 10;
/** Clock skew between this machine and Discord's ids. */
const lookBackMs = 60_000;

/**
 * The bot's result message for this job, if an earlier attempt posted it: every form of the result
 * (upload, link, DM) opens with the requester's mention alone on its first line and carries the
 * job's footer, a pair no other message of the bot has (the card opens with its title).
 */
export function isResultOf(job: Job, botUserId: string, message: ChannelMessage): boolean {
  const footer = messagesFor(job.locale).card.footer(job.id);
  return message.authorId === botUserId
    && message.content.split('\n', 1)[0] === userMention(job.userId)
    && message.embedFooters.includes(footer);
}

async function findIn(messenger: DiscordMessenger, channelId: string, job: Job, botUserId: string, sinceMs: number): Promise<ChannelMessage | undefined> {
  let after = snowflakeAt(sinceMs - lookBackMs);
  for (let page = 0; page < historyPages; page++) {
    const messages = await messenger.messagesAfter(channelId, after);
    const found = messages.find((m) => isResultOf(job, botUserId, m));
    if (found || messages.length < 100) return found;
    after = messages.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
  }
  return undefined;
}

/** A place the bot may not read is skipped; any other failure means "cannot tell yet". */
async function unlessUnreadable<T>(lookup: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (err) {
    const code = discordErrorCode(err);
    if (code !== undefined && unreadable.includes(code)) return undefined;
    throw err;
  }
}

/**
 * Looks in the command's channel, then in the requester's DMs (where a result goes when the channel
 * refuses it). Throws while Discord cannot answer, so the caller retries later instead of posting a
 * second copy it could not rule out.
 */
export async function findEarlierResult(messenger: DiscordMessenger, job: Job, botUserId: string, sinceMs: number): Promise<ChannelMessage | undefined> {
  const inChannel = await unlessUnreadable(() => findIn(messenger, job.channelId, job, botUserId, sinceMs));
  if (inChannel) return inChannel;
  return unlessUnreadable(async () => findIn(messenger, await messenger.dmChannelId(job.userId), job, botUserId, sinceMs));
}
