import type { Job, PollJob } from './job.ts';
import type { JobQueries } from './jobQueries.ts';
import type { BudgetWindow, CreateJobResult, NewJob } from './newJob.ts';
import type { SpendStore } from './spendStore.ts';
import type { ReferenceImageStore } from './referenceImages.ts';
import type { PriceCheckStore } from './priceChecks.ts';

export type { BudgetScope, BudgetWindow, CreateJobResult, NewJob } from './newJob.ts';

/** An admin's answer for a job the bot cannot settle itself. */
export type ResolutionOutcome = 'billed' | 'not_billed';
/** Why a job's place is gone: the bot left (or was removed from) the server, or the channel was deleted. */
export type GonePlaceCode = 'guild_removed' | 'channel_deleted';
/** What a 📩 gets: a full copy, the bare link (first repeat inside the window), or nothing. */
export type DmCopyGrant = 'copy' | 'link' | 'none';
export interface CompletedTask { videoUrl: string | null; videoExpiresAt: number | null; costMicros: number | null }

/**
 * Every job state change, each guarded by the state it leaves and committed with its ledger row: a
 * transition that finds the job elsewhere changes nothing and answers undefined, so a repeated event
 * is a no-op. Each promise settles after its write committed.
 */
export interface JobStore extends JobQueries, ReferenceImageStore, PriceCheckStore {
  readonly spend: SpendStore;

  /** Budget check, active-job check and the reservation, as one write transaction. */
  createJob(input: NewJob, window: BudgetWindow): Promise<CreateJobResult>;
  /**
   * Several reservations committed together: each is checked in order against the ones before it,
   * exactly as separate transactions would be; one that throws is rolled back alone and comes back
   * as its Error.
   */
  createJobs(inputs: readonly NewJob[], window: BudgetWindow): Promise<(CreateJobResult | Error)[]>;

  confirm(id: number, now: number): Promise<Job | undefined>;
  /** Ends a job that never reached the provider; its reservation is released with it. */
  endBeforeSubmission(id: number, to: 'cancelled' | 'expired' | 'failed', code: string, now: number): Promise<Job | undefined>;
  /**
   * Takes the oldest due queued job of the scope if fewer than `maxConcurrent` are at the provider
   * bot-wide. A job of a paused server (`setPaused`) is never taken: it waits in the queue, without
   * holding back the jobs of other servers, until its server is resumed. The pause is read in the same
   * transaction as the claim, so a job claimed is one whose server was not paused at that moment.
   */
  claimForSubmission(maxConcurrent: number, now: number): Promise<Job | undefined>;
  /**
   * Also from `submit_unknown`: when this process stalled and another instance quarantined the job,
   * the answer that arrives afterwards is the one thing that says which task the provider billed.
   */
  recordSubmitted(id: number, taskId: string, now: number): Promise<Job | undefined>;
  requeue(id: number, retryAt: number, now: number): Promise<Job | undefined>;
  /**
   * Committed (and synced) before the POST: from here on a crash leaves the outcome unknown. False when
   * the job is no longer this process's to send (a takeover moved it on meanwhile): then nothing is sent.
   */
  markSubmitSending(id: number, now: number): Promise<boolean>;
  markSubmitUnknown(id: number, detail: string, now: number): Promise<Job | undefined>;
  /**
   * At start-up: a job whose POST may have left before the crash is never sent again; one that was
   * claimed but provably never sent (no marker) simply goes back to the queue. Returns the former.
   */
  quarantineInterruptedSubmissions(now: number): Promise<Job[]>;

  /**
   * The job as a poll sees it, with the progress written. Progress and poll errors are worthless after
   * a power cut (the next poll learns them again), so an engine may skip the sync it pays for money.
   */
  recordProgress(id: number, progress: number, estimatedTimeSec: number | null, now: number): Promise<PollJob | undefined>;
  /** How many polls in a row have now failed. */
  recordPollError(id: number, now: number): Promise<number>;
  markTimedOut(id: number, now: number): Promise<Job | undefined>;
  /**
   * The provider finished: settled at its reported cost, or the estimate when it reports none. A reported
   * cost is also kept beside the estimate, per model, in the same transaction (PriceCheckStore).
   */
  completeTask(id: number, result: CompletedTask, now: number): Promise<Job | undefined>;
  /** The provider reported failure: nothing was made, so the reservation is released. */
  failTask(id: number, code: string, detail: string | null, now: number): Promise<Job | undefined>;

  /** Records the first attempt only, and returns its time. */
  markResultPostStarted(id: number, now: number): Promise<number>;
  /** `problem` says why it went elsewhere (a DM, a bare link); such a job is listed in the report. */
  markDelivered(id: number, channelId: string, resultMessageId: string, now: number, problem?: string | null): Promise<Job | undefined>;
  /** The link died before delivery; the provider billed it, so the settlement stands. */
  markVideoExpired(id: number, now: number): Promise<Job | undefined>;
  /** Nowhere would take the result: ended, still settled, and listed in the report. */
  markUndeliverable(id: number, problem: string, now: number): Promise<Job | undefined>;
  /** The provider's link was refused; it billed the video, so the settlement stands. */
  markVideoLinkRefused(id: number, reason: string, now: number): Promise<Job | undefined>;
  /** How many attempts have now failed; 0 when the job is no longer waiting for delivery. */
  recordDeliveryAttempt(id: number, now: number): Promise<number>;

  /**
   * Written for every acknowledged command. Lost in a power cut it costs a re-post, which the search for
   * an earlier post handles, so an engine may skip the sync it pays for money.
   */
  setStatusMessage(id: number, channelId: string, messageId: string, now: number): Promise<void>;
  /** True only the first time, so the requester is told once. */
  markStatusDeleted(id: number, now: number): Promise<boolean>;
  forgetInteractionToken(id: number): Promise<void>;

  unfinishedJobIdsInGuild(guildId: string): Promise<number[]>;
  unfinishedJobIdsInChannels(channelIds: readonly string[]): Promise<number[]>;
  /**
   * One job, one transaction: the place is marked gone and, if the job was not yet sent to the
   * provider, it is cancelled with its reservation released. A job already at the provider keeps going
   * and is delivered by DM.
   */
  leaveGonePlace(id: number, code: GonePlaceCode, now: number): Promise<{ job: Job; cancelled: boolean } | undefined>;

  /**
   * Billed settles at the estimate and ends the job without a video; not billed releases it; with its
   * audit row. Undefined when the job left `submit_unknown`/`timed_out` meanwhile.
   */
  resolveJob(r: { id: number; guildId: string; outcome: ResolutionOutcome; actorId: string; now: number }): Promise<Job | undefined>;

  /** One private copy per member and job per window, kept so a restart does not hand out another round. */
  claimDmCopy(jobId: number, userId: string, now: number, windowMs: number): Promise<{ grant: DmCopyGrant; claimedAt: number }>;
  /** The copy never arrived (DMs closed, Discord down): the member may ask again at once. */
  releaseDmCopy(jobId: number, userId: string, claimedAt: number): Promise<void>;
}
