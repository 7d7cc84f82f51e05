import type { VideoGenerationRequest, VideoSettings } from '../videoGenerationRequest.ts';
import type { Job } from './job.ts';

export interface NewJob {
  originKey: string;
  parentJobId?: number | null;
  /** A re-roll of the same parent within this window is the same request (a burst of 🔁). */
  rerollDedupeMs?: number;
  guildId: string;
  channelId: string;
  userId: string;
  locale: string;
  applicationId: string;
  interactionToken: string | null;
  interactionAt: number;
  attachmentSizeLimit: number;
  /** Exactly what will be sent, in the model's own words. */
  request: VideoGenerationRequest;
  /** What the member asked for, in `/video`'s words. */
  settings: VideoSettings;
  imageName: string | null;
  /** Set when the reference image's orientation differs from `aspect_ratio` (the image wins). */
  imageOrientation?: 'landscape' | 'portrait' | 'square' | null;
  /** A re-roll's reference image: its parent's kept bytes. */
  imageSha256?: string | null;
  estimateMicros: number;
  needsConfirmation: boolean;
  confirmDeadlineAt: number | null;
}

/** Limits in micro-USD (0 = none) and the UTC periods they apply to. */
export interface BudgetWindow {
  now: number;
  dayStart: number; dayEnd: number; monthStart: number; monthEnd: number;
  userDailyMicros: number; userMonthlyMicros: number; guildDailyMicros: number;
  /** Every server's spend together (BOT_DAILY_BUDGET_USD). */
  botDailyMicros: number;
  userMaxActiveJobs: number;
}

export type BudgetScope = 'user_daily' | 'user_monthly' | 'guild_daily' | 'bot_daily';
export type CreateJobResult =
  /** `queuePosition`: the job's place in the queue as it was created (0 when it is not queued). */
  | { ok: true; job: Job; queuePosition: number }
  | { ok: false; reason: 'duplicate' }
  | { ok: false; reason: 'too_many_active'; activeJobIds: number[] }
  | { ok: false; reason: 'budget'; scope: BudgetScope; limitMicros: number; remainingMicros: number; resetsAt: number };
