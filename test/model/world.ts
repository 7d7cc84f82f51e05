import { buildVideoRequest } from '../../src/commands/videoRequest.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Job } from '../../src/db/job.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createLogger } from '../../src/logger.ts';
import { createJobIntake, type JobIntake } from '../../src/services/jobs/jobIntake.ts';
import { createJobScheduler, type JobScheduler } from '../../src/services/jobs/jobScheduler.ts';
import { predictedFinishMs } from '../../src/services/jobs/pollSchedule.ts';
import { createProviderHealth } from '../../src/services/apimart/providerHealth.ts';
import { createDirectMessages } from '../../src/services/discord/directMessages.ts';
import { createReactionHandler, type ReactionHandler } from '../../src/services/controls/reactionHandler.ts';
import { createStatusUpdater } from '../../src/services/status/statusUpdater.ts';
import { latePollingEndsAt } from '../../src/services/spend/resolvable.ts';
import { checkAdmission, checkInvariants } from './invariants.ts';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import type { TestSql } from '../support/testSql.ts';
import { ManualClock, type ClockView } from './manualClock.ts';
import { PendingCalls, tracked } from './pendingCalls.ts';
import { ModelProvider, type CostMode, type PollMode, type SubmitMode } from './modelApimart.ts';
import { ModelDiscord, modelBotUserId, type DiscordFailure, type DiscordOp } from './modelDiscord.ts';

export const GUILD = '100000000000000001';
export const CHANNEL = '200000000000000002';
export const APPLICATION = '300000000000000003';
export const BOT = '400000000000000004';
export const ADMIN = 'admin';
/** Regular members, then the admin (who may also make videos). */
export const USERS = ['u1', 'u2', 'u3', ADMIN] as const;
export const latePollWindowMs = 24 * 60 * 60_000;

export const modelEnv: Record<string, string> = {
  DISCORD_TOKEN: 'model-discord-token-xyz',
  APIMART_API_KEY: 'model-apimart-key-xyz',
  USER_DAILY_BUDGET_USD: '2',
  USER_MONTHLY_BUDGET_USD: '3',
  GUILD_DAILY_BUDGET_USD: '4',
  USER_MAX_ACTIVE_JOBS: '3',
  MAX_CONCURRENT_JOBS: '2',
  CONFIRM_ABOVE_USD: '1',
  POLL_MIN_INTERVAL_MS: '2000',
  POLL_MAX_INTERVAL_MS: '30000',
  JOB_TIMEOUT_MINUTES: '10',
};

export type Command =
  | { t: 'video'; user: number; duration: 4 | 8 | 12 }
  | { t: 'replay'; pick: number }
  | { t: 'react'; pick: number; on: 'status' | 'result'; emoji: '✅' | '❌' | '🔁' | '📩'; by: 'owner' | 'other' | 'admin'; times: number; gapMs: number }
  | { t: 'act'; action: 'confirm' | 'cancel' | 'reroll'; by: 'owner' | 'other' | 'admin'; times: number; gapMs: number }
  | { t: 'submitMode'; mode: SubmitMode; sticky: boolean }
  | { t: 'pollMode'; mode: PollMode; sticky: boolean }
  | { t: 'costMode'; mode: CostMode }
  | { t: 'discordFail'; op: DiscordOp; kind: DiscordFailure }
  | { t: 'discordToggle'; what: 'channelDown' | 'channelUp' | 'dmClosed' | 'dmOpen' | 'dmsTooFast' | 'dmsOk'; user: number }
  | { t: 'userDeletes'; pick: number; which: 'status' | 'result' }
  | { t: 'fetchMode'; mode: 'ok' | 'fail' }
  | { t: 'pause'; paused: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'restart'; graceful: boolean; downtimeMs: number }
  | { t: 'crashMidSubmit'; user: number; downtimeMs: number };

interface Interaction { id: string; token: string; userId: string; duration: 4 | 8 | 12; jobId: number | null; acknowledged: boolean }

/** One run of the bot process: what a crash throws away. */
interface Process {
  clock: ClockView;
  store: JobStore;
  intake: JobIntake;
  scheduler: JobScheduler;
  reactions: ReactionHandler;
}

/** Log events that mean a step threw where nothing should have. */
const unexpectedEvents = new Set(['job_step_crashed', 'reaction_failed']);

export interface WorldOptions { start: number; nonceWindowMs?: number }

/**
 * The bot's real store and job services on one database of the test engine (SQLite, or PostgreSQL when
 * TEST_DATABASE_URL is set), with an in-memory provider and Discord that outlive the simulated process,
 * driven by a manual clock.
 */
export class World {
  readonly clock: ManualClock;
  /** Reads for the invariants, straight from the tables. */
  readonly sql: TestSql;
  readonly config: Config;
  readonly provider = new ModelProvider();
  readonly discord: ModelDiscord;
  readonly interactions: Interaction[] = [];
  readonly trace: string[] = [];
  readonly unexpectedLogs: string[] = [];
  /** Jobs the model saw being created, in order. */
  readonly jobIds: number[] = [];
  /** Jobs the requester's ✅ moved on, and jobs someone allowed to asked to cancel (or whose defer failed). */
  readonly confirmedJobs = new Set<number>();
  readonly cancelRequested = new Set<number>();
  /** Why reservations were refused, for the generator statistics. */
  readonly refusals = new Map<string, number>();
  fetchMode: 'ok' | 'fail' = 'ok';
  restarts = 0;
  proc!: Process;

  /** A world whose first process has booted (resumed its jobs). */
  static async create(options: WorldOptions): Promise<World> {
    const world = new World(options, await openTestDatabase());
    world.proc = await world.boot();
    return world;
  }

  private readonly pending = new PendingCalls();

  private constructor(options: WorldOptions, private readonly database: TestDatabase) {
    this.clock = new ManualClock(options.start, this.pending);
    this.startedAt = options.start;
    this.sql = database.sql;
    this.config = loadConfig(modelEnv);
    this.discord = new ModelDiscord(CHANNEL, options.nonceWindowMs ?? Number.POSITIVE_INFINITY);
    this.discord.log = (line) => this.note(line);
    this.provider.log = (line) => this.note(line);
  }

  async close(): Promise<void> {
    this.proc.clock.kill();
    await this.clock.settle();
    await this.database.close();
  }

  private readonly startedAt: number;

  note(line: string): void {
    this.trace.push(`[t+${Math.round((this.clock.now() - this.startedAt) / 1000)}s] ${line}`);
  }

  /** Builds the services like src/app.ts does (minus discord.js) and resumes unfinished jobs. */
  private async boot(): Promise<Process> {
    const clock = this.clock.view();
    const { config, pending, sql } = this;
    const proc = {
      clock,
      jobIdForKey: (key: string) => pending.track(sql.value<number | undefined>('SELECT id FROM jobs WHERE idempotency_key = ?', key)),
    };
    const store = tracked(this.database.stores.jobStore(), pending);
    const apimart = this.provider.client(proc, config.pollMinIntervalMs);
    const health = createProviderHealth();
    const logger = createLogger({
      level: 'error', secrets: [],
      write: (line) => {
        const event = (JSON.parse(line) as { event?: string }).event ?? '';
        if (unexpectedEvents.has(event)) this.unexpectedLogs.push(line);
      },
    });
    // As app.ts builds it: every DM waits out Discord's 40003.
    const { messenger, notice: dmNotice } = createDirectMessages({ messenger: this.discord.client(proc), clock, logger });
    const fetchVideo = (async (input: string | URL | Request) => {
      if (!clock.alive) return new Promise<Response>(() => undefined);
      const url = String(input instanceof Request ? input.url : input);
      if (this.fetchMode === 'fail') throw new TypeError('fetch failed');
      if (url.includes('/gone/')) return new Response('gone', { status: 404 });
      return new Response(new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]), { status: 200, headers: { 'content-type': 'video/mp4' } });
    }) as typeof fetch;

    let reactions: ReactionHandler | undefined;
    const status = createStatusUpdater({
      store, messenger, clock, logger,
      minEditIntervalMs: 1_000,
      contextFor: async (job) => ({
        queuePosition: job.status === 'queued' ? (await store.queuePosition(job.id)) : 0,
        jobTimeoutMinutes: Math.round(config.jobTimeoutMs / 60_000),
        predictedFinishMs: job.submittedAt === null ? null : predictedFinishMs({
          nowMs: clock.now(), submittedAtMs: job.submittedAt, estimatedTimeSec: job.estimatedTimeSec,
          progress: job.progress, consecutiveErrors: 0,
        }),
        latePollingEndsAtMs: job.status === 'timed_out' ? latePollingEndsAt(job, { jobTimeoutMs: config.jobTimeoutMs, latePollWindowMs }) : null,
      }),
      onStatusWritten: (job, message) => reactions?.syncStatusControls(job, message) ?? Promise.resolve(),
    });
    const scheduler = createJobScheduler({
      store, apimart, messenger, status, health, clock, logger, fetch: fetchVideo, botUserId: () => modelBotUserId, dmNotice,
      onResultPosted: (job, message, content) => reactions?.addResultControls(job, message, content) ?? Promise.resolve(),
      settings: {
        maxConcurrentJobs: config.maxConcurrentJobs,
        pollMinIntervalMs: config.pollMinIntervalMs,
        pollMaxIntervalMs: config.pollMaxIntervalMs,
        jobTimeoutMs: config.jobTimeoutMs,
        latePollWindowMs,
        downloadTimeoutMs: 120_000,
      },
    });
    const intake = createJobIntake({ config, store, health, clock });
    reactions = createReactionHandler({
      config, store, scheduler, intake, messenger, clock, logger,
      isAdmin: async (_guildId, userId) => userId === ADMIN,
      botUserId: () => BOT, mention: (command, subcommand) => `\`/${[command, subcommand].filter(Boolean).join(' ')}\``,
    });
    const { quarantined } = await scheduler.resume();
    if (quarantined.length > 0) this.note(`boot: quarantined ${quarantined.map((j) => `#${j.id}`).join(' ')}`);
    return { clock, store, intake, scheduler, reactions };
  }

  async job(id: number): Promise<Job> {
    const job = await this.proc.store.get(id);
    if (!job) throw new Error(`model: job #${id} vanished`);
    return job;
  }

  async pickJob(pick: number): Promise<Job | undefined> {
    if (this.jobIds.length === 0) return undefined;
    return await this.job(this.jobIds[this.jobIds.length - 1 - (pick % this.jobIds.length)] as number);
  }

  /** Picks up jobs created by 🔁 (the model does not see their ids directly). */
  private async syncJobIds(): Promise<void> {
    const ids = (await this.sql.all<{ id: number }>('SELECT id FROM jobs ORDER BY id')).map((row) => row.id);
    for (const id of ids) if (!this.jobIds.includes(id)) this.jobIds.push(id);
  }

  async check(): Promise<void> {
    await this.syncJobIds();
    await checkInvariants(this);
  }

  async run(cmd: Command): Promise<void> {
    this.note(JSON.stringify(cmd));
    switch (cmd.t) {
      case 'video': {
        const n = this.interactions.length + 1;
        const interaction: Interaction = { id: `i${n}`, token: `token-i${n}`, userId: USERS[cmd.user] as string, duration: cmd.duration, jobId: null, acknowledged: false };
        this.interactions.push(interaction);
        await this.video(interaction);
        break;
      }
      case 'replay': {
        const interaction = this.interactions[cmd.pick % Math.max(1, this.interactions.length)];
        if (interaction) await this.video(interaction);
        break;
      }
      case 'react':
        await this.react(cmd);
        break;
      case 'act': {
        // The reaction a person would make on the newest job it applies to.
        const wanted = cmd.action === 'confirm' ? ['awaiting_confirmation'] : cmd.action === 'cancel' ? ['awaiting_confirmation', 'queued'] : ['delivered'];
        const statuses = await Promise.all([...this.jobIds].reverse().map(async (id) => (await this.job(id)).status));
        const index = statuses.findIndex((status) => wanted.includes(status));
        if (index < 0) break;
        await this.react({
          t: 'react', pick: index, by: cmd.by, times: cmd.times, gapMs: cmd.gapMs,
          on: cmd.action === 'reroll' ? 'result' : 'status', emoji: cmd.action === 'confirm' ? '✅' : cmd.action === 'cancel' ? '❌' : '🔁',
        });
        break;
      }
      case 'submitMode':
        if (cmd.sticky) this.provider.submitSticky = cmd.mode;
        else this.provider.submitQueue.push(cmd.mode);
        break;
      case 'pollMode':
        if (cmd.sticky) this.provider.pollSticky = cmd.mode;
        else this.provider.pollQueue.push(cmd.mode);
        break;
      case 'costMode':
        this.provider.costMode = cmd.mode;
        break;
      case 'discordFail':
        this.discord.failQueue.push({ op: cmd.op, kind: cmd.kind });
        break;
      case 'discordToggle': {
        const user = USERS[cmd.user] as string;
        if (cmd.what === 'channelDown') this.discord.channelDown = true;
        if (cmd.what === 'channelUp') this.discord.channelDown = false;
        if (cmd.what === 'dmClosed') this.discord.dmClosed.add(user);
        if (cmd.what === 'dmOpen') this.discord.dmClosed.delete(user);
        if (cmd.what === 'dmsTooFast') this.discord.dmsTooFast = true;
        if (cmd.what === 'dmsOk') this.discord.dmsTooFast = false;
        break;
      }
      case 'userDeletes': {
        const job = await this.pickJob(cmd.pick);
        if (!job) break;
        const id = cmd.which === 'status' ? this.statusMessageOf(job) : this.resultMessageOf(job);
        if (id) this.discord.userDeletes(id);
        break;
      }
      case 'fetchMode':
        this.fetchMode = cmd.mode;
        break;
      case 'pause':
        // /video-admin pause: new jobs and confirmations are refused, queued ones wait, running ones go on.
        await this.setPaused(cmd.paused);
        break;
      case 'advance':
        await this.clock.advance(cmd.ms);
        break;
      case 'restart':
        await this.restart(cmd.graceful, cmd.downtimeMs);
        break;
      case 'crashMidSubmit': {
        this.provider.submitQueue.unshift('slowOk');
        await this.run({ t: 'video', user: cmd.user, duration: 4 });
        await this.clock.advance(1_000);
        await this.restart(false, cmd.downtimeMs);
        break;
      }
    }
    // Nothing a person does happens in the same millisecond as the step before.
    await this.clock.advance(100);
  }

  /** `/video` as src/commands/video.ts runs it, minus discord.js: gate, checks, reservation, defer, accept. */
  private async video(interaction: Interaction): Promise<void> {
    const { intake, store, scheduler } = this.proc;
    const gate = await intake.gate(GUILD, CHANNEL);
    if (gate) {
      this.note('  /video refused by the gate');
      interaction.acknowledged = true;
      return;
    }
    const built = buildVideoRequest({
      prompt: `a fox in the snow (${interaction.id})`, duration: interaction.duration,
      aspectRatio: null, model: null, resolution: null, audio: null, image: null,
    }, this.config.models, this.config.defaultModel);
    if (!built.ok) throw new Error('model: the /video options were rejected');
    const now = this.clock.now();
    const created = await intake.create({
      originKey: `interaction:${interaction.id}`,
      guildId: GUILD, channelId: CHANNEL, userId: interaction.userId, locale: 'en-US', applicationId: APPLICATION,
      interactionToken: interaction.token, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
      request: built.request, settings: built.settings, imageName: null, estimateMicros: built.estimateMicros,
      ...intake.confirmation(built.estimateMicros),
    });
    await checkAdmission(this, { guildId: GUILD, userId: interaction.userId, estimateMicros: built.estimateMicros, now, created, hadJob: interaction.jobId !== null });
    if (!created.ok) {
      this.note(`  /video not created: ${created.reason}`);
      this.refusals.set(created.reason, (this.refusals.get(created.reason) ?? 0) + 1);
      interaction.acknowledged = true;
      return;
    }
    const job = created.job;
    interaction.jobId = job.id;
    this.jobIds.push(job.id);
    this.note(`  /video created #${job.id} (${job.status}, ${job.estimateMicros} µUSD)`);
    // A replay of an interaction that was already answered cannot be acknowledged again (40060).
    const deferFailed = this.discord.takeFailure('defer') !== undefined || interaction.acknowledged;
    interaction.acknowledged = true;
    if (deferFailed) {
      this.cancelRequested.add(job.id);
      await store.endBeforeSubmission(job.id, 'cancelled', 'interaction_expired', now);
      this.note(`  deferReply failed: #${job.id} cancelled`);
      return;
    }
    this.discord.defer(interaction.token, CHANNEL, now);
    await scheduler.accept(job);
  }

  statusMessageOf(job: Job): string | undefined {
    if (job.statusMessageId) return job.statusMessageId;
    const interaction = this.interactions.find((i) => i.jobId === job.id);
    return interaction ? this.discord.originals.get(interaction.token)?.messageId : undefined;
  }

  resultMessageOf(job: Job): string | undefined {
    return job.resultMessageId ?? this.discord.resultPosts.find((p) => p.jobId === job.id)?.messageId;
  }

  private otherUser(userId: string): string {
    return USERS.find((u) => u !== userId && u !== ADMIN) as string;
  }

  private async react(cmd: Extract<Command, { t: 'react' }>): Promise<void> {
    const job = await this.pickJob(cmd.pick);
    if (!job) return;
    const message = this.discord.liveMessage(cmd.on === 'status' ? this.statusMessageOf(job) : this.resultMessageOf(job));
    if (!message) {
      this.note(`  no ${cmd.on} message to react to on #${job.id}`);
      return;
    }
    const userId = cmd.by === 'owner' ? job.userId
      : cmd.by === 'admin' && job.userId !== ADMIN ? ADMIN
        : this.otherUser(job.userId);
    const stranger = userId !== job.userId && userId !== ADMIN;
    for (let i = 0; i < cmd.times; i++) {
      const jobsBefore = await this.countJobs();
      const statusBefore = (await this.job(job.id)).status;
      const reaction = { emoji: { name: cmd.emoji }, message: { id: message.id, channelId: message.channelId } };
      if (cmd.on === 'status' && cmd.emoji === '❌' && !stranger) this.cancelRequested.add(job.id);
      const jobsAtStart = await this.countJobs();
      const waited = await this.untilDone(this.proc.reactions.onReactionAdd(reaction as never, { id: userId } as never));
      const statusAfter = (await this.job(job.id)).status;
      if (cmd.emoji === '🔁') this.note(`  🔁 by ${userId} on #${job.id}: ${(await this.countJobs()) > jobsAtStart ? 'new job' : 'no new job'}`);
      if (cmd.emoji === '✅' && statusBefore === 'awaiting_confirmation' && statusAfter !== 'awaiting_confirmation' && statusAfter !== 'expired') {
        this.confirmedJobs.add(job.id);
      }
      const jobsAfter = await this.countJobs();
      if (stranger && waited === 0 && (jobsAfter !== jobsBefore || (await this.job(job.id)).status !== statusBefore)) {
        throw new Error(`invariant: ${cmd.emoji} by ${userId}, who neither owns job #${job.id} nor is an admin, changed something ` +
          `(jobs ${jobsBefore} -> ${jobsAfter}, status ${statusBefore} -> ${(await this.job(job.id)).status})`);
      }
      if (cmd.gapMs > 0 && i < cmd.times - 1) await this.clock.advance(cmd.gapMs);
      else await this.clock.advance(0);
      await this.check();
    }
  }

  /**
   * Awaits work that may itself wait on the clock (a slow Discord answer, say), moving time a second at
   * a time meanwhile; returns how long it had to wait.
   */
  private async untilDone(work: Promise<void>): Promise<number> {
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    await this.clock.settle();
    let waited = 0;
    while (!done) {
      if (waited >= 10 * 60_000) throw new Error('model: a reaction handler did not finish within 10 minutes of clock time');
      await this.clock.advance(1_000);
      waited += 1_000;
    }
    await finished;
    return waited;
  }

  private countJobs(): Promise<number> {
    return this.sql.value<number>('SELECT COUNT(*) FROM jobs');
  }

  /** A crash (or a stop) and a start on the same database; the dead process never hears back from anyone. */
  async restart(graceful: boolean, downtimeMs: number): Promise<void> {
    const old = this.proc;
    if (graceful) await old.scheduler.stop(0);
    old.clock.kill();
    this.restarts += 1;
    if (downtimeMs > 0) await this.clock.advance(downtimeMs);
    this.proc = await this.boot();
  }

  /** Statuses that must keep moving on their own when the provider and Discord behave. */
  movingJobs(): Promise<{ id: number; status: string }[]> {
    // A timed-out job is still polled (for a late result) until its late-poll window closes.
    const lateUntil = this.clock.now() - this.config.jobTimeoutMs - latePollWindowMs;
    return this.sql.all(
      `SELECT id, status FROM jobs WHERE status IN ('awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed')
         OR (status = 'timed_out' AND submitted_at >= ?) ORDER BY id`, lateUntil);
  }

  /** As `/video-admin pause` and `resume` do: resuming lets the server's queued jobs go on at once. */
  private async setPaused(paused: boolean): Promise<void> {
    await this.proc.store.spend.setPaused(GUILD, paused, ADMIN, this.clock.now());
    if (!paused) this.proc.scheduler.kickQueue();
  }

  /**
   * Everything behaves from now on, and an admin resumes a paused server: every job must then reach a
   * terminal state or an admin's queue.
   */
  async drain(): Promise<void> {
    this.note('drain: provider and Discord behave from now on');
    await this.setPaused(false);
    this.provider.submitSticky = 'ok';
    this.provider.submitQueue = [];
    this.provider.pollSticky = 'complete';
    this.provider.pollQueue = [];
    this.discord.failQueue = [];
    this.discord.channelDown = false;
    this.discord.dmClosed.clear();
    this.discord.dmsTooFast = false;
    this.fetchMode = 'ok';
    for (let i = 0; i < 120 && (await this.movingJobs()).length > 0; i++) {
      await this.clock.advance(60_000);
      await this.check();
    }
    const stuck = await this.movingJobs();
    if (stuck.length > 0) {
      throw new Error(`invariant: jobs stuck after 2 hours of a healthy provider and Discord: ${stuck.map((j) => `#${j.id} ${j.status}`).join(', ')}`);
    }
  }
}
