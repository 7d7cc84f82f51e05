import { channelMention, time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { oneOf, plural } from './plural.ts';
import type { Messages } from './messages.ts';
import { placeEn } from './placeMessages.ts';
import { opsEn } from './opsEn.ts';
import { spendEn } from './spendEn.ts';
import { deliveryEn } from './deliveryEn.ts';
import { modelEn } from './modelEn.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);

export const en: Messages = {
  ...spendEn,
  ...deliveryEn,
  ...placeEn,
  ...opsEn,
  guildOnly: 'This command works only in a server.',
  promptEmpty: 'The prompt is empty. Describe the video you want, for example `a fox running through fresh snow`.',
  promptTooLong: (max, actual) => `The prompt is ${actual} characters long; the limit is ${max}. Shorten it and try again.`,
  imageType: (name) => `\`${name}\` is not a JPEG, PNG or WebP image. Attach one of those formats (GIFs are not supported).`,
  imageTooLarge: (name, sizeMb, maxMb) => `\`${name}\` is ${sizeMb} MB; images can be at most ${maxMb} MB. Attach a smaller image.`,
  paused: 'Video generation is paused in this server by an admin. Try again later.',
  channelNotAllowed: (channelIds) => `Videos can be made only in ${channelIds.map(channelMention).join(', ')}.`,
  missingPermissions: (permissions) => `I need these permissions in this channel first: ${permissions.join(', ')}. Ask an admin to grant them.`,
  providerUnavailable: 'The video service is unavailable right now, and nothing was charged. The admins have been told; try again later.',
  tooManyActive: (max, jobIds) =>
    `You already have ${plural(jobIds.length, 'job', 'jobs')} running (${jobIds.map((id) => `#${id}`).join(', ')}); the limit is ${max}. Wait until one finishes.`,
  budgetExceeded: (scope, estimateMicros, remainingMicros, resetsAt) => {
    const what = { user_daily: 'your daily budget', user_monthly: 'your monthly budget', guild_daily: "this server's daily budget", bot_daily: "the bot's daily budget (all servers together)" }[scope];
    return `This video would cost ${formatUsd(estimateMicros)}, but only ${formatUsd(remainingMicros)} is left of ${what}. It resets ${ts(resetsAt)}. A shorter video or another model may fit.`;
  },
  orientation: { landscape: 'landscape', portrait: 'portrait', square: 'square' },
  internalError: (ref) => `Something went wrong on my side (ref \`${ref}\`). Nothing was charged for it. Please try again.`,

  statusTitle: (jobId) => `🎬 **Video job #${jobId}**`,
  status: {
    awaiting_confirmation: (deadline) => `⏸️ Waiting for the requester to press Start; expires ${ts(deadline)}.`,
    queued: (position) => position > 1 ? `⏳ Queued (position ${position}).` : '⏳ Queued, starting shortly.',
    submitting: '📤 Sending to the video service…',
    submitted: '🛠️ Generating…',
    completed: '📥 Finished, posting the video…',
    delivered: (cost) => `✅ Done. Cost ${formatUsd(cost)}.`,
    failed: (reason) => `❌ Failed: ${reason} Nothing was charged.`,
    cancelled: '🚫 Cancelled. Nothing was charged.',
    expired: '⌛ Not confirmed in time, so it was not started. Nothing was charged.',
    timed_out: (minutes, until) =>
      `⌛ No result after ${plural(minutes, 'minute', 'minutes')}. I keep checking until ${ts(until, TimestampStyles.ShortDateTime)} and will post the video if it arrives.`,
    timed_out_stopped: (minutes, stoppedAt) =>
      `⌛ No result after ${plural(minutes, 'minute', 'minutes')}, nor by ${ts(stoppedAt, TimestampStyles.ShortDateTime)}, so I stopped checking. An admin will ask the video service whether it was charged; until then its cost stays reserved.`,
    submit_unknown: 'Sending to the video service got no answer, so it is unclear whether it started. It will not be sent again (you will not be charged twice); the admins will check.',
    video_expired: 'The video link expired before I could post it.',
  },
  failureReasons: {
    provider_failed: 'the video service could not make this video.',
    moderation: 'the video service refused this prompt or image (content rules).',
    provider_rejected: 'the video service rejected the request.',
    provider_unavailable: 'the video service is unavailable right now.',
    no_video: 'the video service finished without a video.',
    image_unreadable: 'the reference image could not be read.',
    interaction_expired: 'Discord did not accept the reply in time.',
    model_retired: 'the video service no longer offers this model.',
    resolved_not_billed: 'the video service did not make it (an admin checked).',
    guild_not_allowed: 'this server is no longer one where the bot makes videos.',
    channel_not_allowed: 'this channel is no longer one where the bot makes videos.',
  },
  resultLink: (url, expiresAt) => `The video is too large to upload here: ${url}${expiresAt ? `\nThe link expires ${ts(expiresAt)}.` : ''}`,
  resultExpired: (userId, jobId) => `${userMention(userId)} the video for job #${jobId} was made, but its link expired before I could post it.`,
  submitUnknownNotice: (userId, jobId) => `${userMention(userId)} job #${jobId}: the video service did not answer, so I cannot tell whether it started. It will not be re-sent; you will not be charged twice.`,
  reactions: {
    cannotCancelSubmitted: (jobId) => `Job #${jobId} was already sent to the video service, which cannot cancel it. Its result will still be posted.`,
    dmClosed: 'I could not DM you: your direct messages from server members are closed. Open them in Privacy Settings and react 📩 again.',
    dmCopy: (jobId) => `Your copy of the video from job #${jobId}.`,
    unavailableHint: (command) => `(I cannot add reactions here: use the buttons below instead, or run ${command('video')} again with the same prompt.)`,
    videoGone: (jobId) => `The video from job #${jobId} is no longer available: the video service's link has expired, and the result message no longer holds it.`,
  },
  unusableLinkStatus: '⚠️ The video service returned a link I will not open, so the video cannot be posted. The video service charged for it; the admins have been told.',
  resultUnusableLink: (userId, jobId) => `${userMention(userId)} job #${jobId}: the video service returned an unusable link, so I cannot post the video. It charged for the video; the admins can see this job in their report.`,
  failedNotice: (userId, jobId, reason) => `${userMention(userId)} job #${jobId} failed: ${reason} Nothing was charged.`,
  card: {
    model: 'Model',
    duration: 'Duration',
    orientation: 'Orientation',
    orientationFromImage: (shown, chosen) => `${shown} (set by the reference image, not \`aspect_ratio: ${chosen}\`)`,
    resolution: 'Resolution',
    image: 'Reference image',
    estimate: 'Estimate',
    cost: 'Cost',
    progress: 'Progress',
    eta: 'Ready',
    takingLonger: 'Taking longer than estimated',
    footer: (jobId) => `Job #${jobId}`,
    remakeOf: 'Remake of',
    remakeOfValue: (parentJobId) => `job #${parentJobId}`,
    remakeLine: (parentJobId, userId) => `🔁 Remake of job #${parentJobId}, asked for by ${userMention(userId)}, who pays for it.`,
    doneLine: (url) => `✅ Done: ${url}`,
  },
  controls: {
    start: 'Start',
    cancel: 'Cancel',
    again: 'Again',
    editRetry: 'Edit & retry',
    dmMe: 'DM me',
    delete: 'Delete',
    modalTitle: (jobId) => `Edit & retry job #${jobId}`,
    modalPrompt: 'Prompt',
    onlyRequesterStart: (jobId) => `Only the requester can start job #${jobId}.`,
    onlyRequesterOrAdmin: (jobId) => `Only the requester or an admin can do that to job #${jobId}.`,
    started: (jobId) => `Job #${jobId} is starting.`,
    alreadyStarted: (jobId) => `Job #${jobId} is no longer waiting for confirmation.`,
    confirmExpired: (jobId) => `Job #${jobId} was not confirmed in time, so it was not started. Nothing was charged.`,
    cancelled: (jobId) => `Job #${jobId} is cancelled. Nothing was charged.`,
    notCancellable: (jobId) => `Job #${jobId} can no longer be cancelled.`,
    newJob: (jobId) => `New job #${jobId} is on its way; you pay for it.`,
    duplicate: 'That new job was already asked for a moment ago.',
    dmSent: 'Sent to your DMs.',
    dmLater: 'Discord is holding back new DMs from me for a few minutes, so nothing was sent. Ask again in a little while.',
    dmLimited: (jobId, againAt) => `You already got the video of job #${jobId} and its link in the last hour, so nothing more was sent. You can ask again ${ts(againAt)}.`,
    deleted: 'The result message is deleted.',
    notThisMessage: 'This button does not belong to this message, so it did nothing.',
  },
  models: modelEn,
};
