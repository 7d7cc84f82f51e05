import type { VideoGenerationRequest } from '../videoGenerationRequest.ts';
import type { Job, JobStatus, PollJob } from './job.ts';

export interface JobRow {
  id: number; origin_key: string; parent_job_id: number | null; guild_id: string; channel_id: string;
  user_id: string; locale: string; application_id: string; interaction_token: string | null;
  interaction_at: number; attachment_size_limit: number; status: JobStatus; request_json: string;
  model: string; model_label?: string | null; duration_sec: number; aspect_ratio: string; resolution: string | null;
  audio?: number | null; image_url: string | null;
  image_name: string | null; estimate_micros: number; cost_micros: number | null; task_id: string | null;
  progress: number; estimated_time_sec: number | null; poll_errors: number; submit_attempts: number;
  next_attempt_at: number | null; confirm_deadline_at: number | null; video_url: string | null;
  video_expires_at: number | null; status_message_id: string | null; status_channel_id: string | null;
  result_message_id: string | null; result_post_started_at: number | null; failure_code: string | null; failure_detail: string | null;
  idempotency_key: string;
  delivery_attempts: number; delivery_problem: string | null; image_orientation: 'landscape' | 'portrait' | 'square' | null;
  status_deleted_at: number | null; place_gone?: 'guild_removed' | 'channel_deleted' | null; image_sha256?: string | null;
  created_at: number; updated_at: number; submitted_at: number | null; completed_at: number | null;
  finished_at: number | null; erased_at?: number | null;
}

export function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    originKey: row.origin_key,
    parentJobId: row.parent_job_id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    userId: row.user_id,
    locale: row.locale,
    applicationId: row.application_id,
    interactionToken: row.interaction_token,
    interactionAt: row.interaction_at,
    attachmentSizeLimit: row.attachment_size_limit,
    status: row.status,
    request: JSON.parse(row.request_json) as VideoGenerationRequest,
    settings: {
      model: row.model,
      // Jobs from before the catalog had labels were shown by id.
      modelLabel: row.model_label ?? row.model,
      durationSec: row.duration_sec,
      aspectRatio: row.aspect_ratio,
      resolution: row.resolution,
      audio: row.audio === undefined || row.audio === null ? null : row.audio === 1,
      imageUrl: row.image_url,
    },
    imageName: row.image_name,
    estimateMicros: row.estimate_micros,
    costMicros: row.cost_micros,
    taskId: row.task_id,
    progress: row.progress,
    estimatedTimeSec: row.estimated_time_sec,
    pollErrors: row.poll_errors,
    submitAttempts: row.submit_attempts,
    nextAttemptAt: row.next_attempt_at,
    confirmDeadlineAt: row.confirm_deadline_at,
    videoUrl: row.video_url,
    videoExpiresAt: row.video_expires_at,
    statusMessageId: row.status_message_id,
    statusChannelId: row.status_channel_id,
    resultMessageId: row.result_message_id,
    resultPostStartedAt: row.result_post_started_at,
    failureCode: row.failure_code,
    failureDetail: row.failure_detail,
    deliveryAttempts: row.delivery_attempts ?? 0,
    deliveryProblem: row.delivery_problem ?? null,
    imageOrientation: row.image_orientation ?? null,
    imageSha256: row.image_sha256 ?? null,
    statusDeletedAt: row.status_deleted_at ?? null,
    idempotencyKey: row.idempotency_key,
    placeGone: row.place_gone ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    completedAt: row.completed_at,
    finishedAt: row.finished_at,
    erasedAt: row.erased_at ?? null,
  };
}


export const pollColumns = 'id, user_id, status, task_id, locale, submitted_at, updated_at, progress, estimated_time_sec, poll_errors, estimate_micros';
export type PollRow = Pick<JobRow, 'id' | 'user_id' | 'status' | 'task_id' | 'locale' | 'submitted_at' | 'updated_at' | 'progress' | 'estimated_time_sec' | 'poll_errors' | 'estimate_micros'>;

export function pollJobFromRow(row: PollRow): PollJob {
  return {
    id: row.id, userId: row.user_id, status: row.status, taskId: row.task_id, locale: row.locale,
    submittedAt: row.submitted_at, updatedAt: row.updated_at, progress: row.progress,
    estimatedTimeSec: row.estimated_time_sec, pollErrors: row.poll_errors, estimateMicros: row.estimate_micros,
  };
}
