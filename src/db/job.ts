import type { VideoGenerationRequest, VideoSettings } from '../videoGenerationRequest.ts';

export const jobStatuses = [
  'awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'delivered',
  'failed', 'cancelled', 'timed_out', 'submit_unknown', 'expired',
] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const terminalStatuses: readonly JobStatus[] = ['delivered', 'failed', 'cancelled', 'expired'];
/**
 * Every status but the terminal ones, spelled exactly as the partial indexes of migration 5 spell it:
 * SQLite uses such an index only for a query that repeats its condition word for word.
 */
export const unfinishedStatuses: readonly JobStatus[] = [
  'awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'timed_out', 'submit_unknown',
];
/** Jobs that count against USER_MAX_ACTIVE_JOBS. */
/** Jobs shown as active (e.g. in /usage): everything not yet finished for the member. */
export const activeStatuses: readonly JobStatus[] = ['awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed'];
/**
 * Jobs that count against USER_MAX_ACTIVE_JOBS. Not `completed`: the provider has finished it, so a
 * delivery stuck on Discord never locks its requester out.
 */
export const limitedStatuses: readonly JobStatus[] = ['awaiting_confirmation', 'queued', 'submitting', 'submitted'];

export interface Job {
  id: number;
  originKey: string;
  parentJobId: number | null;
  guildId: string;
  channelId: string;
  userId: string;
  locale: string;
  applicationId: string;
  interactionToken: string | null;
  interactionAt: number;
  attachmentSizeLimit: number;
  status: JobStatus;
  /** Exactly what is (or was) sent to the provider, in the model's own words. */
  request: VideoGenerationRequest;
  /** What the member asked for, in `/video`'s words: what cards show and re-rolls check again. */
  settings: VideoSettings;
  imageName: string | null;
  estimateMicros: number;
  costMicros: number | null;
  taskId: string | null;
  progress: number;
  estimatedTimeSec: number | null;
  pollErrors: number;
  submitAttempts: number;
  nextAttemptAt: number | null;
  confirmDeadlineAt: number | null;
  videoUrl: string | null;
  videoExpiresAt: number | null;
  statusMessageId: string | null;
  statusChannelId: string | null;
  resultMessageId: string | null;
  /** When the first attempt to post the result began; past Discord's nonce window, retries look before posting. */
  resultPostStartedAt: number | null;
  failureCode: string | null;
  failureDetail: string | null;
  /** Sent as Idempotency-Key on every submit of this job: random, so no other database can repeat it. */
  idempotencyKey: string;
  /** Failed result-post attempts so far; bounded, and kept across restarts. */
  deliveryAttempts: number;
  /** Why the result could not go where it belonged (thread locked, channel deleted…); listed in the report. */
  deliveryProblem: string | null;
  /** The reference image's orientation, when it overrides `aspect_ratio`. */
  imageOrientation: 'landscape' | 'portrait' | 'square' | null;
  /** The kept bytes of the reference image (reference_images), once downloaded; re-rolls share their parent's. */
  imageSha256?: string | null;
  /** A moderator deleted the status message: no status is posted for this job again. */
  statusDeletedAt: number | null;
  /** The job's server or channel disappeared (bot removed, channel deleted): it talks by DM from then on. */
  placeGone: 'guild_removed' | 'channel_deleted' | null;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  completedAt: number | null;
  finishedAt: number | null;
  /** When RETENTION_DAYS erased its prompt, request and links: nothing of it can be sent again. */
  erasedAt?: number | null;
}

/** What following a submitted task needs: no prompt, no request JSON to parse on every poll. */
export type PollJob = Pick<Job, 'id' | 'userId' | 'status' | 'taskId' | 'locale' | 'submittedAt' | 'updatedAt' | 'progress' | 'estimatedTimeSec' | 'pollErrors' | 'estimateMicros'>;
