import { escapeMarkdown, messageLink, MessageFlags, time, TimestampStyles, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { messagesFor, type Messages, type Orientation } from '../../i18n/messages.ts';
import { formatUsd } from '../../money.ts';
import { describeSettings } from '../../models/describeSettings.ts';
import { statusButtons } from './jobButtons.ts';
import { pollingStopped, statusLine, truncate, type StatusContext } from './statusText.ts';

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

function progressOf(job: Job, state: CardState): number | null {
  switch (state) {
    case 'queued': return 0;
    case 'generating': return job.status === 'completed' ? 100 : job.progress;
    case 'done': return 100;
    default: return null;
  }
}

/** The orientation the video will have: a reference image decides it, whatever `aspect_ratio` asked for. */
/** The orientation the video will have: a reference image decides it, whatever `aspect_ratio` said. */
function orientationValue(job: Job, chosenText: string, m: Messages): string {
  if (!job.imageOrientation || job.imageOrientation === job.settings.aspectRatio) return chosenText;
  return m.card.orientationFromImage(m.orientation[job.imageOrientation], chosenText);
}

function settingsFields(job: Job, m: Messages, withoutPrompt = false): APIEmbedField[] {
  const s = describeSettings(job.settings, m.models);
  const c = m.card;
  return [
    { name: c.model, value: escapeMarkdown(s.model), inline: true },
    { name: c.duration, value: s.duration, inline: true },
    { name: c.orientation, value: orientationValue(job, s.orientation, m), inline: true },
    ...(s.resolution ? [{ name: c.resolution, value: s.resolution, inline: true }] : []),
    ...(s.sound ? [{ name: m.models.soundField, value: s.sound, inline: true }] : []),
    ...(job.imageName && !withoutPrompt ? [{ name: c.image, value: escapeMarkdown(job.imageName.slice(0, 100)), inline: true }] : []),
  ];
}

/**
 * The prompt and settings as the card and the result post both show them. `withoutPrompt` leaves out
 * everything the member wrote (prompt and image name), for a server whose AutoMod blocks a word in it.
 * The job's number is the card's title and the result's footer, so it is not part of what they share.
 */
export function jobEmbedBase(job: Job, m: Messages, state: CardState, withoutPrompt = false): APIEmbed {
  return {
    ...(withoutPrompt || job.request.prompt === '' ? {} : { description: cardPrompt(job.request.prompt) }),
    color: cardColours[state],
    fields: settingsFields(job, m, withoutPrompt),
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

/** A job made by Again, 🔁 or Edit & retry has no "used /video" header above its card: it says who asked. */
function remakeLine(job: Job, m: Messages): string[] {
  return job.parentJobId === null ? [] : [m.card.remakeLine(job.parentJobId, job.userId)];
}

const noMentions = (): MessagePayload['allowedMentions'] => ({ parse: [], users: [] });

/**
 * The job's card. Its content is a plain line (title and status), and for a remake who asked for it;
 * the embed holds the prompt, the settings, the estimate, progress and ETA, each shown once; the
 * buttons are those the state allows, so a button that no longer applies goes in the same edit as the state.
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
      content: m.card.doneLine(url),
      embeds: [], components: [], allowedMentions: noMentions(), flags: MessageFlags.SuppressEmbeds,
    };
  }
  // Once late polling has stopped, nothing is being made any more: the card says so in grey.
  const shownState = pollingStopped(job, ctx, nowMs) ? 'ended' : state;
  const base = jobEmbedBase(job, m, shownState, opts.withoutPrompt);
  const progress = progressOf(job, shownState);
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
    content: [`${m.statusTitle(job.id)} · ${statusLine(job, m, ctx, nowMs)}`, ...remakeLine(job, m)].join('\n'),
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
