import { escapeMarkdown, messageLink, MessageFlags, time, TimestampStyles, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { messagesFor, type Messages } from '../../i18n/messages.ts';
import { formatUsd } from '../../money.ts';
import { statusButtons } from './jobButtons.ts';
import { statusLine, truncate, type StatusContext } from './statusText.ts';

/**
 * Everything a job message is made of, in discord.js's own shape, so the same value serves an
 * interaction reply and a REST edit. Mentions are off: the card echoes a prompt that may contain any.
 */
export interface MessagePayload {
  content: string;
  embeds: APIEmbed[];
  components: ReturnType<typeof statusButtons>;
  allowedMentions: { parse: []; users: string[] };
  flags: number;
}

export type CardState = 'waiting' | 'queued' | 'generating' | 'done' | 'failed' | 'ended';

export const cardColours: Record<CardState, number> = {
  waiting: 0xfee75c, queued: 0x99aab5, generating: 0x5865f2, done: 0x57f287, failed: 0xed4245, ended: 0x4f545c,
};

export function cardState(job: Job): CardState {
  switch (job.status) {
    case 'awaiting_confirmation': return 'waiting';
    case 'queued': return 'queued';
    case 'submitting': case 'submitted': case 'completed': case 'timed_out': return 'generating';
    case 'delivered': return 'done';
    case 'failed': case 'submit_unknown': return 'failed';
    case 'cancelled': case 'expired': return job.failureCode === 'video_expired' ? 'failed' : 'ended';
  }
}

const maxCardPromptChars = 300;
const barCells = 10;

/**
 * The prompt as inert text: escaped so `[text](url)` is no masked link under the bot's name and no
 * heading or list takes over the card; an embed's text never makes link previews.
 */
export function cardPrompt(prompt: string): string {
  return escapeMarkdown(truncate(prompt, maxCardPromptChars), {
    maskedLink: true, heading: true, bulletedList: true, numberedList: true,
  });
}

export function progressBar(percent: number): string {
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round((clamped / 100) * barCells);
  return `${'▰'.repeat(filled)}${'▱'.repeat(barCells - filled)} ${clamped}%`;
}

function progressOf(job: Job): number | null {
  switch (cardState(job)) {
    case 'queued': return 0;
    case 'generating': return job.status === 'completed' ? 100 : job.progress;
    case 'done': return 100;
    default: return null;
  }
}

function settingsFields(job: Job, m: Messages, withoutPrompt = false): APIEmbedField[] {
  const r = job.request;
  const c = m.card;
  return [
    { name: c.model, value: `\`${r.model}\``, inline: true },
    { name: c.duration, value: c.durationValue(r.duration), inline: true },
    { name: c.orientation, value: m.orientation[r.aspect_ratio as 'landscape' | 'portrait'] ?? r.aspect_ratio, inline: true },
    ...(r.resolution ? [{ name: c.resolution, value: c.resolutionValue[r.resolution] ?? r.resolution, inline: true }] : []),
    ...(job.imageName && !withoutPrompt ? [{ name: c.image, value: escapeMarkdown(job.imageName.slice(0, 100)), inline: true }] : []),
  ];
}

/**
 * The prompt and settings as the card and the result post both show them. `withoutPrompt` leaves out
 * everything the member wrote (prompt and image name), for a server whose AutoMod blocks a word in it.
 */
export function jobEmbedBase(job: Job, m: Messages, state: CardState, withoutPrompt = false): APIEmbed {
  return {
    ...(withoutPrompt || job.request.prompt === '' ? {} : { description: cardPrompt(job.request.prompt) }),
    color: cardColours[state],
    fields: settingsFields(job, m, withoutPrompt),
    footer: { text: m.card.footer(job.id) },
  };
}

/** When the ETA has passed, the card says so instead of showing a time in the past. */
function etaField(job: Job, m: Messages, ctx: StatusContext, nowMs: number): APIEmbedField[] {
  if (job.status !== 'submitted' || ctx.predictedFinishMs === null) return [];
  const value = ctx.predictedFinishMs > nowMs
    ? time(Math.floor(ctx.predictedFinishMs / 1000), TimestampStyles.RelativeTime)
    : m.card.takingLonger;
  return [{ name: m.card.eta, value, inline: true }];
}

/** The status line of the plain-text content, which must not point at an ETA that has passed. */
function contentLine(job: Job, m: Messages, ctx: StatusContext, nowMs: number): string {
  const overdue = job.status === 'submitted' && ctx.predictedFinishMs !== null && ctx.predictedFinishMs <= nowMs;
  return statusLine(job, m, overdue ? { ...ctx, predictedFinishMs: null } : ctx);
}

/** A reference image decides the orientation; said in the card itself, where everyone sees it. */
function orientationNote(job: Job, m: Messages): string[] {
  const chosen = job.request.aspect_ratio as 'landscape' | 'portrait';
  return job.imageOrientation && job.imageOrientation !== chosen
    ? [m.orientationNote(m.orientation[job.imageOrientation], m.orientation[chosen])]
    : [];
}

const noMentions = (): MessagePayload['allowedMentions'] => ({ parse: [], users: [] });

/**
 * The job's card. Its content is a plain line (title and status) that reads right where embeds are
 * not shown; the embed holds the prompt, the settings, the estimate, progress and ETA; the buttons are
 * those the state allows, so a button that no longer applies goes in the same edit as the state.
 */
export function renderStatusCard(job: Job, ctx: StatusContext, nowMs: number, opts: { withoutPrompt?: boolean } = {}): MessagePayload {
  const m = messagesFor(job.locale);
  const state = cardState(job);
  if (job.status === 'delivered' && job.resultMessageId && job.statusChannelId) {
    // A result sent to the requester's DMs instead lives outside the server.
    const url = job.statusChannelId === job.channelId
      ? messageLink(job.statusChannelId, job.resultMessageId, job.guildId)
      : messageLink(job.statusChannelId, job.resultMessageId);
    return {
      content: m.card.doneLine(job.id, job.costMicros ?? job.estimateMicros, url),
      embeds: [], components: [], allowedMentions: noMentions(), flags: MessageFlags.SuppressEmbeds,
    };
  }
  const base = jobEmbedBase(job, m, state, opts.withoutPrompt);
  const progress = progressOf(job);
  const embed: APIEmbed = {
    ...base,
    fields: [
      ...(base.fields ?? []),
      { name: m.card.estimate, value: formatUsd(job.estimateMicros), inline: true },
      ...etaField(job, m, ctx, nowMs),
      ...(progress === null ? [] : [{ name: m.card.progress, value: progressBar(progress), inline: false }]),
    ],
  };
  return {
    content: [`${m.statusTitle(job.id)} · ${contentLine(job, m, ctx, nowMs)}`, ...orientationNote(job, m)].join('\n'),
    embeds: [embed],
    components: statusButtons(job),
    allowedMentions: noMentions(),
    flags: 0,
  };
}

/** When the card must be drawn again although nothing changed: the moment its ETA passes. */
export function cardRevisitAt(job: Job, ctx: StatusContext, nowMs: number): number | null {
  return job.status === 'submitted' && ctx.predictedFinishMs !== null && ctx.predictedFinishMs > nowMs ? ctx.predictedFinishMs : null;
}
