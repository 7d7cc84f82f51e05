import { channelMention, time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { oneOf, plural } from './plural.ts';
import type { Messages } from './messages.ts';
import { placeEn } from './placeMessages.ts';
import { opsEn } from './opsEn.ts';
import { spendEn } from './spendEn.ts';
import { deliveryEn } from './deliveryEn.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);

export const en: Messages = {
  ...spendEn,
  ...deliveryEn,
  ...placeEn,
  ...opsEn,
  guildOnly: 'This command works only in a server.',
  promptEmpty: 'The prompt is empty. Describe the video you want, for example `a fox running through fresh snow`.',
  promptTooLong: (max, actual) => `The prompt is ${actual} characters long; the limit is ${max}. Shorten it and try again.`,
  unknownModel: (model, available) => `The model \`${model}\` is not available. Choose one of: ${available.map((m) => `\`${m}\``).join(', ')}.`,
  durationUnsupported: (model, duration, allowed) =>
    `\`${model}\` cannot make ${duration}-second videos. Choose ${oneOf(allowed)} seconds.`,
  resolutionUnsupported: (model, resolution, allowed) => allowed.length === 0
    ? `\`${model}\` has no resolution choice, so \`${resolution}\` cannot be used. Leave \`resolution\` empty or pick another model.`
    : `\`${model}\` does not offer \`${resolution}\`. Choose ${oneOf(allowed.map((r) => `\`${r}\``))}.`,
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
  orientationNote: (image, chosen) =>
    `Note: the reference image is ${image}, so the video will be ${image} too (the image decides the orientation, not \`aspect_ratio: ${chosen}\`).`,
  orientation: { landscape: 'landscape', portrait: 'portrait', square: 'square' },
  internalError: (ref) => `Something went wrong on my side (ref \`${ref}\`). Nothing was charged for it. Please try again.`,

  statusTitle: (jobId) => `🎬 **Video job #${jobId}**`,
  statusParams: (p) => [
    `\`${p.model}\``, `${p.durationSec} s`, p.aspectRatio, ...(p.resolution ? [p.resolution] : []),
    ...(p.imageName ? [`image: ${p.imageName}`] : []), `estimate ${formatUsd(p.estimateMicros)}`,
  ].join(' · '),
  status: {
    awaiting_confirmation: (deadline) => `⏸️ Waiting for confirmation: press Start (or react ✅) to begin, Cancel (or ❌) to drop it; expires ${ts(deadline)}.`,
    queued: (position) => position > 1 ? `⏳ Queued (position ${position}).` : '⏳ Queued, starting shortly.',
    submitting: '📤 Sending to the video service…',
    submitted: (progress, etaMs) => `🛠️ Generating… ${progress}%${etaMs ? ` (should be ready ${ts(etaMs)})` : ''}`,
    completed: '📥 Finished, posting the video…',
    delivered: (cost) => `✅ Done. Cost ${formatUsd(cost)}.`,
    failed: (reason) => `❌ Failed: ${reason} Nothing was charged.`,
    cancelled: '🚫 Cancelled. Nothing was charged.',
    expired: '⌛ Not confirmed in time, so it was not started. Nothing was charged.',
    timed_out: (minutes) => `⌛ No result after ${plural(minutes, 'minute', 'minutes')}. I keep checking and will post the video if it still arrives.`,
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
  resultReady: (userId, jobId) => `${userMention(userId)} your video for job #${jobId} is ready.`,
  resultCost: (cost) => `Cost: ${formatUsd(cost)}.`,
  resultLink: (url, expiresAt) => `The video is too large to upload here: ${url}${expiresAt ? `\nThe link expires ${ts(expiresAt)}.` : ''}`,
  resultExpired: (userId, jobId) => `${userMention(userId)} the video for job #${jobId} was made, but its link expired before I could post it.`,
  resultControls: 'React 🔁 to make another with the same settings, 📩 to get it by DM, ❌ to delete this message.',
  submitUnknownNotice: (userId, jobId) => `${userMention(userId)} job #${jobId}: the video service did not answer, so I cannot tell whether it started. It will not be re-sent; you will not be charged twice.`,
  reactions: {
    cannotCancelSubmitted: (jobId) => `Job #${jobId} was already sent to the video service, which cannot cancel it. Its result will still be posted.`,
    dmClosed: 'I could not DM you: your direct messages from server members are closed. Open them in Privacy Settings and react 📩 again.',
    dmCopy: (jobId) => `Your copy of the video from job #${jobId}.`,
    unavailableHint: (command) => `(I cannot add reactions here: use the buttons below instead, or run ${command('video')} again with the same prompt.)`,
    videoGone: (jobId) => `The video from job #${jobId} is no longer available: its link has expired.`,
  },
  unusableLinkStatus: '⚠️ The video service returned a link I will not open, so the video cannot be posted. The video service charged for it; the admins have been told.',
  resultUnusableLink: (userId, jobId) => `${userMention(userId)} job #${jobId}: the video service returned an unusable link, so I cannot post the video. It charged for the video; the admins can see this job in their report.`,
  failedNotice: (userId, jobId, reason) => `${userMention(userId)} job #${jobId} failed: ${reason} Nothing was charged.`,
  card: {
    model: 'Model',
    duration: 'Duration',
    durationValue: (s) => `${s} s`,
    orientation: 'Orientation',
    resolution: 'Resolution',
    resolutionValue: { standard: 'standard', high: 'high' },
    image: 'Reference image',
    estimate: 'Estimate',
    cost: 'Cost',
    progress: 'Progress',
    eta: 'Ready',
    takingLonger: 'Taking longer than estimated',
    footer: (jobId) => `Job #${jobId}`,
    doneLine: (jobId, cost, url) => `✅ Video job #${jobId} is done (cost ${formatUsd(cost)}): ${url}`,
  },
  controls: {
    start: (estimate) => `Start (${formatUsd(estimate)})`,
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
    deleted: 'The result message is deleted.',
    unknownJob: 'This job no longer exists.',
  },
};
