import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import type { Clock } from '../../clock.ts';
import type { DiscordMessenger, SentMessage } from '../discord/discordMessenger.ts';
import type { ModelHealth } from '../apimart/modelHealth.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import type { StatusUpdater } from '../status/statusUpdater.ts';
import type { TaskPush } from './taskPush.ts';
import type { ReferenceImages } from './referenceImages.ts';

export interface JobSettings {
  maxConcurrentJobs: number;
  pollMinIntervalMs: number;
  pollMaxIntervalMs: number;
  jobTimeoutMs: number;
  /** How long a timed-out job is still polled for a late result. */
  latePollWindowMs: number;
  downloadTimeoutMs: number;
}

/** What the job steps (submit, poll, deliver) share; built once in the scheduler. */
export interface JobContext {
  store: JobStore;
  apimart: ApimartClient;
  messenger: DiscordMessenger;
  status: StatusUpdater;
  health: ProviderHealth;
  /** Models turned off after the provider said several times in a row that they do not exist. */
  models: ModelHealth;
  clock: Clock;
  logger: Logger;
  settings: JobSettings;
  fetch: typeof fetch;
  /** Fetches result videos: in the app, only links the provider could legitimately serve (videoLinkGuard). */
  fetchVideo: typeof fetch;
  /** Fetches the bot's own uploads back from Discord (a DM copy once the provider's link has expired). */
  fetchAttachment: typeof fetch;
  /** Each job's reference image: kept bytes, and the link to send for them. */
  images: ReferenceImages;
  /** Provider callbacks, when PUBLIC_WEBHOOK_URL is set. */
  push?: TaskPush;
  /** The bot's own user id once logged in; finds its earlier messages. */
  botUserId(): string | undefined;
  /** Runs `step` for the job after `delayMs`, replacing whatever was scheduled for it. */
  schedule(jobId: number, delayMs: number, step: () => Promise<void> | void): void;
  /** Keeps an in-flight step visible to stop(), so shutdown waits for it instead of closing the database under it. */
  track(work: Promise<void>): void;
  /** True while a burst of commands is still being acknowledged: new submissions wait for it to end. */
  acknowledging(): boolean;
  /** Called after a job left the provider pipeline (finished, failed, unknown), so a slot is free. */
  slotFreed(): void;
  /** The job was accepted by the provider and should now be polled. */
  startPolling(job: Job): void;
  deliver(job: Job): void;
  /** The result message exists: add its reaction controls. */
  resultPosted(job: Job, message: SentMessage, content: string): Promise<void>;
  /** The provider refused the account (401/402/403): start probing for its recovery. */
  providerUnavailable(): void;
  /** In the job's channel, or by DM when `privately` (by default where the job's place is gone). */
  notifyUser(job: Job, content: string, privately?: boolean): Promise<void>;
  jobLogger(job: Pick<Job, 'id' | 'userId'>): Logger;
}
