import { channelMention, time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import type { DeliveryMessages, DeliveryProblem } from './deliveryMessages.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);

const problem: Record<DeliveryProblem, string> = {
  thread_locked: 'the thread is locked',
  thread_archived: 'the thread is archived and locked',
  channel_deleted: 'the channel was deleted',
  bot_removed: 'I no longer have access to the channel',
  missing_permissions: 'I may not post or upload there',
  automod: "the server's AutoMod blocked the message",
  refused: 'Discord refused the message',
  attempts_exhausted: 'Discord kept failing to take the upload',
};

export const deliveryEn: DeliveryMessages = {
  delivery: {
    problem,
    movedToDm: (channelId, why) => `I could not post it in ${channelMention(channelId)} (${why}), so it comes to you here.`,
    linkInstead: (why) => `I could not upload the video (${why}), so here is its link instead.`,
    link: (url, expiresAt) => `${url}${expiresAt ? `\nThe link expires ${ts(expiresAt)}.` : ''}`,
    undeliverableStatus: '📭 The video was made, but I could not post it here or by DM. It is charged, because the video service billed it; the admins can see this job in their report.',
    statusDeleted: (jobId) => `The status message of job #${jobId} was deleted, so I will not post its progress in the channel again. The video will still be posted when it is ready.`,
    dmCopyAgain: (jobId, url, expiresAt) =>
      `You already got a copy of job #${jobId} in the last hour. Its link: ${url}${expiresAt ? ` (expires ${ts(expiresAt)})` : ''}`,
    reportTitle: (count) => `**Results that could not be posted in their channel (${count})**`,
    reportJob: (j) => {
      const where = { dm: 'sent by DM', link: 'posted as a link', nowhere: 'not delivered (charged)' }[j.delivered];
      const why = (problem as Record<string, string>)[j.problem] ?? j.problem;
      return `\`#${j.jobId}\` ${userMention(j.userId)} in ${channelMention(j.channelId)} · ${why} · ${where} · ${ts(j.finishedAt, TimestampStyles.ShortDateTime)}`;
    },
  },
};
