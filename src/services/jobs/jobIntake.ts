import type { Config } from '../../config.ts';
import type { CreateJobResult, JobStore, NewJob } from '../../db/jobStore.ts';
import type { CommandMention } from '../../i18n/commandNames.ts';
import type { Messages } from '../../i18n/messages.ts';
import { plainCommandMention } from '../discord/commandDirectory.ts';
import { utcPeriods } from '../spend/budgetPeriods.ts';
import type { Clock } from '../../clock.ts';
import type { ModelHealth } from '../apimart/modelHealth.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import type { ModelAvailability } from '../apimart/modelAvailability.ts';
import { placeRefusal, placeRefusalText } from './placeGates.ts';

export type Rejection = (m: Messages) => string;
/** For src/commands, which may not reach into src/db even for types. */
export type { JobStore, NewJob };

/**
 * Bounds a group commit: every command in it is acknowledged at the same moment, and a thousand
 * simultaneous acknowledgements open more connections than a listen backlog takes at once.
 */
const maxGroupCommit = 32;
/**
 * The first commit of a burst is small, so its first acknowledgements leave at once; each following
 * commit may be twice as large, up to the bound, while the burst lasts.
 */
const firstGroupCommit = 4;
/** Commits this close together belong to one burst. */
const burstGapMs = 100;

interface PendingCreate { job: NewJob; resolve: (result: CreateJobResult) => void; reject: (err: unknown) => void }

/** How long a job at or above CONFIRM_ABOVE_USD waits for the requester's ✅. */
export const defaultConfirmationWindowMs = 2 * 60_000;

export interface JobIntakeDeps {
  config: Config; store: JobStore; health: ProviderHealth; models?: ModelHealth; clock: Clock; confirmationWindowMs?: number;
  /** What the key can call, from the provider's model list. */
  availability?: Pick<ModelAvailability, 'isOffered'>;
  /** How refusals name commands; plain code where no command sync told the ids (the model test). */
  mention?: CommandMention;
}

/** The checks and the reservation shared by `/video` and 🔁, so a re-roll can skip none of them. */
export function createJobIntake(deps: JobIntakeDeps) {
  const { config, store, health, clock } = deps;
  const windowMs = deps.confirmationWindowMs ?? defaultConfirmationWindowMs;
  let pending: PendingCreate[] = [];
  let groupLimit = firstGroupCommit;
  let lastCommitAt = -Infinity;

  const budgetWindow = () => {
    const now = clock.now();
    return {
      now, ...utcPeriods(now),
      userDailyMicros: config.userDailyBudgetMicros, userMonthlyMicros: config.userMonthlyBudgetMicros,
      guildDailyMicros: config.guildDailyBudgetMicros, botDailyMicros: config.botDailyBudgetMicros,
      userMaxActiveJobs: config.userMaxActiveJobs,
    };
  };

  /**
   * The batch and the burst's bounds are taken before the commit is awaited: a command that arrives
   * while it is being written starts the next batch, never joins one already on its way.
   */
  async function commitPending(): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const now = clock.now();
    groupLimit = now - lastCommitAt > burstGapMs ? firstGroupCommit * 2 : Math.min(maxGroupCommit, groupLimit * 2);
    lastCommitAt = now;
    let results: (CreateJobResult | Error)[];
    try {
      results = await store.createJobs(batch.map((p) => p.job), budgetWindow());
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const result = results[i] as CreateJobResult | Error;
      if (result instanceof Error) p.reject(result);
      else p.resolve(result);
    });
  }

  /**
   * The server's gates: the allow-lists and `/video-admin pause`. Asked for a new request and again at
   * its confirmation, since either may have changed while the job waited for its ✅.
   */
  async function serverGate(guildId: string, channelId: string): Promise<Rejection | undefined> {
    // The command router refuses commands; this also covers 🔁 on results from before the server was dropped.
    const refusal = placeRefusal(config, guildId, channelId);
    if (refusal) return placeRefusalText(config, refusal);
    if (await store.spend.isPaused(guildId)) return (m) => m.paused;
    return undefined;
  }

  return {
    /** Whether an estimate needs the requester's ✅, and until when. */
    confirmation(estimateMicros: number): { needsConfirmation: boolean; confirmDeadlineAt: number | null } {
      const needsConfirmation = config.confirmAboveMicros > 0 && estimateMicros >= config.confirmAboveMicros;
      return { needsConfirmation, confirmDeadlineAt: needsConfirmation ? clock.now() + windowMs : null };
    },
    serverGate,
    /** Every gate of a new request: the server's (allow-lists, pause), then the provider's outage. */
    async gate(guildId: string, channelId: string): Promise<Rejection | undefined> {
      const refused = await serverGate(guildId, channelId);
      if (refused) return refused;
      if (!health.isAvailable()) return (m) => m.providerUnavailable;
      return undefined;
    },
    /**
     * A model the provider keeps saying it does not have, or does not list for this key, is refused
     * before anything is reserved.
     */
    modelGate(model: string): Rejection | undefined {
      if (deps.models?.isOff(model)) return (m) => m.ops.modelTurnedOff(model, deps.mention ?? plainCommandMention);
      if (deps.availability && !deps.availability.isOffered(model)) return (m) => m.ops.modelNotOffered(model);
      return undefined;
    },
    /** Budget and active-job checks plus the reservation, in one write transaction. */
    create(job: NewJob): Promise<CreateJobResult> {
      return store.createJob(job, budgetWindow());
    },
    /**
     * The same, committed together with the other commands that arrived in this turn of the event
     * loop: a burst of commands pays one fsync instead of one each before it can be acknowledged.
     */
    createSoon(job: NewJob): Promise<CreateJobResult> {
      return new Promise((resolve, reject) => {
        pending.push({ job, resolve, reject });
        if (pending.length === 1) {
          if (clock.now() - lastCommitAt > burstGapMs) groupLimit = firstGroupCommit;
          setImmediate(() => void commitPending());
        }
        else if (pending.length >= groupLimit) void commitPending();
      });
    },
    rejectionText(result: Exclude<CreateJobResult, { ok: true } | { reason: 'duplicate' }>, estimateMicros: number): Rejection {
      if (result.reason === 'too_many_active') return (m) => m.tooManyActive(config.userMaxActiveJobs, result.activeJobIds);
      return (m) => m.budgetExceeded(result.scope, estimateMicros, result.remainingMicros, result.resetsAt);
    },
  };
}

export type JobIntake = ReturnType<typeof createJobIntake>;
