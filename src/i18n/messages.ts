import { Locale } from 'discord.js';
import type { BudgetScope } from '../db/jobStore.ts';
import type { CommandMention } from './commandNames.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import type { OpsMessages } from './opsMessages.ts';
import type { PlaceMessages } from './placeMessages.ts';
import type { SpendMessages } from './spendMessages.ts';
import type { DeliveryMessages } from './deliveryMessages.ts';
import type { ModelMessages } from './modelMessages.ts';

export type Orientation = 'landscape' | 'portrait' | 'square';
export type FailureReason = keyof Messages['failureReasons'];

/** Every user-facing text. Both languages implement this, so a missing translation fails the type check. */
export interface Messages extends SpendMessages, OpsMessages, DeliveryMessages, PlaceMessages {
  guildOnly: string;
  promptEmpty: string;
  promptTooLong: (max: number, actual: number) => string;
  imageType: (name: string) => string;
  imageTooLarge: (name: string, sizeMb: string, maxMb: number) => string;
  paused: string;
  channelNotAllowed: (channelIds: readonly string[]) => string;
  missingPermissions: (permissions: string[]) => string;
  providerUnavailable: string;
  tooManyActive: (max: number, jobIds: number[]) => string;
  budgetExceeded: (scope: BudgetScope, estimateMicros: number, remainingMicros: number, resetsAt: number) => string;
  orientation: Record<Orientation, string>;
  internalError: (ref: string) => string;

  statusTitle: (jobId: number) => string;
  status: {
    awaiting_confirmation: (deadlineMs: number) => string;
    queued: (position: number) => string;
    submitting: string;
    /** Progress and the ETA are the card's fields, so the line says only what is happening. */
    submitted: string;
    completed: string;
    delivered: (costMicros: number) => string;
    failed: (reason: string) => string;
    cancelled: string;
    expired: string;
    /** Past the job timeout, while late results are still polled for (until `checksUntilMs`). */
    timed_out: (minutes: number, checksUntilMs: number) => string;
    /** Past the job timeout and the late-poll window: nothing polls the task any more. */
    timed_out_stopped: (minutes: number, stoppedAtMs: number) => string;
    submit_unknown: string;
    video_expired: string;
  };
  failureReasons: {
    provider_failed: string; moderation: string; provider_rejected: string; provider_unavailable: string;
    no_video: string; image_unreadable: string; interaction_expired: string;
    model_retired: string; resolved_not_billed: string;
    guild_not_allowed: string; channel_not_allowed: string;
  };
  resultLink: (url: string, expiresAtMs: number | null) => string;
  resultExpired: (userId: string, jobId: number) => string;
  submitUnknownNotice: (userId: string, jobId: number) => string;
  reactions: {
    cannotCancelSubmitted: (jobId: number) => string;
    dmClosed: string;
    dmCopy: (jobId: number) => string;
    unavailableHint: (command: CommandMention) => string;
    videoGone: (jobId: number) => string;
  };
  failedNotice: (userId: string, jobId: number, reason: string) => string;
  unusableLinkStatus: string;
  resultUnusableLink: (userId: string, jobId: number) => string;
  card: CardMessages;
  controls: ControlMessages;
  models: ModelMessages;
}

/** The job card (an embed) and the result post's embed. */
export interface CardMessages {
  model: string;
  duration: string;
  orientation: string;
  /** A reference image decides the orientation: the one the video will have, and the one that was asked for. */
  orientationFromImage: (shown: string, chosen: string) => string;
  resolution: string;
  image: string;
  estimate: string;
  cost: string;
  progress: string;
  eta: string;
  takingLonger: string;
  /** The result post's footer: the job the video belongs to. */
  footer: (jobId: number) => string;
  /** A result made by Again, 🔁 or Edit & retry: the job it remakes. */
  remakeOf: string;
  remakeOfValue: (parentJobId: number) => string;
  /** The card of such a job: who asked for it (and pays), and which job it remakes. */
  remakeLine: (parentJobId: number, userId: string) => string;
  /** The status card once the result is posted: one line that links to it; the result itself holds every fact. */
  doneLine: (resultUrl: string) => string;
}

/** Buttons and the answers to a click, shown only to the clicker, in the clicker's language. */
export interface ControlMessages {
  /** The estimate is the card's own field, right above the button. */
  start: string;
  cancel: string;
  again: string;
  editRetry: string;
  dmMe: string;
  delete: string;
  modalTitle: (jobId: number) => string;
  modalPrompt: string;
  onlyRequesterStart: (jobId: number) => string;
  onlyRequesterOrAdmin: (jobId: number) => string;
  started: (jobId: number) => string;
  alreadyStarted: (jobId: number) => string;
  confirmExpired: (jobId: number) => string;
  cancelled: (jobId: number) => string;
  notCancellable: (jobId: number) => string;
  newJob: (jobId: number) => string;
  duplicate: string;
  dmSent: string;
  /** Discord's 40003: it holds back new DMs from the bot for a few minutes. */
  dmLater: string;
  /** Nothing was sent: this member already got a copy within the hour. */
  dmLimited: (jobId: number, againAtMs: number) => string;
  deleted: string;
  /** A click whose custom id names another job than the message it is on, or another server's. */
  notThisMessage: string;
}

export type Language = 'en' | 'ja';

/** Discord locales are like `en-US` or `ja`; everything but Japanese falls back to English. */
export function languageFor(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith(Locale.Japanese) ? 'ja' : 'en';
}

export function messagesFor(locale: string | null | undefined): Messages {
  return languageFor(locale) === 'ja' ? ja : en;
}
