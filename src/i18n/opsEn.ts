import { time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import type { CommandMention } from './commandNames.ts';
import { plural } from './plural.ts';
import type { BotStatusView, OpsMessages } from './opsMessages.ts';
import { signedPercent } from './percent.ts';


const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);
/** The resolve subcommand as a clickable mention, with the options to fill in. */
const resolve = (jobId: number, outcome: string, command: CommandMention) => `${command('video-admin', 'resolve')} \`job:${jobId}\` \`outcome:${outcome}\``;

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${plural(Math.floor(hours / 24), 'day', 'days')} ${hours % 24} h`;
}

// Each line is ~150 characters; ten keep the whole status within Discord's 2000.
const maxAwaitingShown = 10;

function status(s: BotStatusView, command: CommandMention): string {
  const awaiting = s.awaiting.length === 0 ? ['Awaiting resolution: none.'] : [
    `**Awaiting resolution in this server (${s.awaiting.length})**`,
    ...s.awaiting.slice(0, maxAwaitingShown).map((j) => `\`#${j.jobId}\` ${j.status === 'submit_unknown' ? 'submit outcome unknown' : 'timed out'} · ${opsEn.ops.resolveHint(j.jobId, j.resolvableAt, command)}`),
    ...(s.awaiting.length > maxAwaitingShown ? [`…and ${s.awaiting.length - maxAwaitingShown} more: ${command('video-admin', 'report')} lists them all.`] : []),
  ];
  return [
    '🩺 **Bot status**',
    `Queue: ${s.queued} waiting · ${s.running} at the provider · oldest job ${s.oldestJobCreatedAt === null ? 'none' : `${duration(s.now - s.oldestJobCreatedAt)} old`}`,
    s.providerDownReason === null ? 'Provider: available.' : `Provider: **marked down** (${s.providerDownReason}); new submissions wait until a balance probe succeeds.`,
    s.modelsOff.length === 0 ? 'Models turned off: none.'
      : `Models turned off (the provider said they no longer exist): ${s.modelsOff.map((m) => `\`${m.model}\` since ${ts(m.since)}`).join(', ')}. ${command('video-admin', 'resume')} turns them back on.`,
    ...(s.modelsNotOffered?.length ? [`Not offered (the video service does not list them for this bot's key): ${s.modelsNotOffered.map((m) => `\`${m}\``).join(', ')}.`] : []),
    ...awaiting,
    `Version ${s.version} · up ${duration(s.now - s.startedAt)}`,
  ].join('\n');
}

export const opsEn: OpsMessages = {
  ops: {
    guildNotAllowed: 'This bot is not available in this server.',
    thisServerOnly: (userId, command) => `_Spend and jobs in this server only. Their limits: ${command('video-admin', 'budget')} \`user:\` ${userMention(userId)}._`,
    aboveCeiling: (option, ceiling) =>
      `\`${option}\` can be at most ${formatUsd(ceiling)}: the bot's operator set that ceiling, and only the bot's owners may go above it. Nothing was changed.`,
    modelTurnedOff: (model, command) =>
      `The model \`${model}\` is turned off: the video service said several times in a row that it no longer exists. Choose another model; an admin can turn it back on with ${command('video-admin', 'resume')}.`,
    modelNotOffered: (model) =>
      `The model \`${model}\` is not available: the video service does not offer it to this bot right now. Choose another model; nothing was charged.`,
    referenceImageGone: (jobId, command) =>
      `The reference image of job #${jobId} is no longer available: Discord's link to it has expired, and this bot did not keep a copy of images sent before it started keeping them. Attach the image again with ${command('video')}; nothing was charged.`,
    pricesLookStale: (drifts) => [
      '⚠️ **The price table looks out of date**: what the video service billed differs from the estimates.',
      ...drifts.map((d) => `\`${d.model}\`: ${formatUsd(d.costMicros)} billed against ${formatUsd(d.estimateMicros)} estimated over its last ${d.jobs} jobs${Number.isFinite(d.ratio) ? ` (${signedPercent(d.ratio)})` : ''}.`),
      'The bot\'s operator should check its prices (MODELS_FILE, or a newer version of the bot).',
    ].join('\n'),
    modelsTurnedBackOn: (models) => `Turned back on: ${models.map((m) => `\`${m}\``).join(', ')}.`,
    resolveCommand: resolve,
    resolveHint: (jobId, resolvableAt, command) => {
      const commands = `${resolve(jobId, 'billed', command)} or ${resolve(jobId, 'not_billed', command)}`;
      return resolvableAt === null ? `resolve: ${commands}` : `still checked for a late result; resolvable ${ts(resolvableAt)}: ${commands}`;
    },
    resolveNotFound: (jobId) => `There is no job #${jobId} in this server.`,
    resolveNotAwaiting: (jobId, state) =>
      `Job #${jobId} is ${state}: only jobs whose submit outcome is unknown, or that timed out, can be resolved. Nothing was changed.`,
    resolveStillPolling: (jobId, at) =>
      `Job #${jobId} timed out, but I still check it for a late result until ${ts(at, TimestampStyles.ShortDateTime)} (${ts(at)}). Resolve it after that. Nothing was changed.`,
    resolved: (jobId, userId, outcome, micros) => outcome === 'billed'
      ? `Job #${jobId} of ${userMention(userId)} is resolved as billed: ${formatUsd(micros)} is charged. The requester was told.`
      : `Job #${jobId} of ${userMention(userId)} is resolved as not billed: its ${formatUsd(micros)} reservation is released. The requester was told.`,
    requesterBilled: (userId, jobId, cost) =>
      `${userMention(userId)} job #${jobId}: an admin checked with the video service, which billed it without a video reaching me. ${formatUsd(cost)} is charged.`,
    requesterNotBilled: (userId, jobId) =>
      `${userMention(userId)} job #${jobId}: an admin checked with the video service, which did not bill it. Its reservation is released; nothing was charged.`,
    statusResolvedBilled: (cost) => `❌ No video: the video service billed it, an admin confirmed. Cost ${formatUsd(cost)}.`,
    status,
    jobErased: (jobId, command) =>
      `Job #${jobId} is older than this bot keeps prompts and videos, so they were erased: it can no longer be re-rolled or sent to you. Start a new one with ${command('video')}.`,
  },
};
