import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { costModes, pollModes, submitModes } from './modelApimart.ts';
import { discordFailures, discordOps } from './modelDiscord.ts';
import { testEngine } from '../support/testDatabase.ts';
import { USERS, World, type Command } from './world.ts';

/**
 * Model-based test of the job pipeline: random interleavings of /video, reactions, provider outcomes,
 * Discord failures, clock jumps and crashes, against the real store and job services on one database
 * of the test engine (SQLite; PostgreSQL under `npm run test:pg`), with every invariant checked after
 * every step (see invariants.ts).
 *
 * Knobs for longer soaks: MODEL_RUNS (default 1000 on SQLite; PostgreSQL answers over a socket, so
 * fewer there), MODEL_MAX_STEPS (default 40), MODEL_NONCE_WINDOW_MS
 * (default: Discord deduplicates a nonce forever; 300000 models its real "few minutes"), MODEL_STATS=1
 * (prints what the generated runs reached).
 */

const minute = 60_000;
const hour = 60 * minute;
const starts = [
  Date.UTC(2025, 2, 10, 12, 0), // mid-day, mid-month
  Date.UTC(2025, 2, 31, 23, 50), // ten minutes before a new UTC day and month
  Date.UTC(2025, 5, 15, 23, 58), // two minutes before a new UTC day
];

const user = fc.integer({ min: 0, max: 3 });
/** Which job a command is about: 0 is the newest, so shrinking leans towards it. */
const pick = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat({ max: 30 }) });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 7, arbitrary: fc.record({ t: fc.constant('video' as const), user, duration: fc.constantFrom(4 as const, 8 as const, 12 as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const), pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('react' as const), pick, on: fc.constant('status' as const),
      emoji: fc.constantFrom('✅' as const, '✅' as const, '✅' as const, '❌' as const),
      by: fc.constantFrom('owner' as const, 'owner' as const, 'other' as const, 'admin' as const),
      times: fc.integer({ min: 1, max: 3 }),
      gapMs: fc.constantFrom(0, 500, 3_000),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('react' as const), pick, on: fc.constant('result' as const),
      emoji: fc.constantFrom('🔁' as const, '🔁' as const, '🔁' as const, '📩' as const, '❌' as const),
      by: fc.constantFrom('owner' as const, 'owner' as const, 'other' as const, 'admin' as const),
      times: fc.integer({ min: 1, max: 5 }),
      gapMs: fc.constantFrom(0, 0, 500, 3_000, 11_000),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('act' as const),
      action: fc.constantFrom('confirm' as const, 'cancel' as const, 'reroll' as const),
      by: fc.constantFrom('owner' as const, 'owner' as const, 'owner' as const, 'other' as const, 'admin' as const),
      times: fc.integer({ min: 1, max: 5 }),
      gapMs: fc.constantFrom(0, 0, 500, 3_000, 11_000),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('submitMode' as const), mode: fc.constantFrom(...submitModes), sticky: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('pollMode' as const), mode: fc.constantFrom(...pollModes), sticky: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('costMode' as const), mode: fc.constantFrom(...costModes) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('discordFail' as const), op: fc.constantFrom(...discordOps), kind: fc.constantFrom(...discordFailures) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('discordToggle' as const), user,
      what: fc.constantFrom('channelDown' as const, 'channelUp' as const, 'dmClosed' as const, 'dmOpen' as const, 'dmsTooFast' as const, 'dmsOk' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('userDeletes' as const), pick, which: fc.constantFrom('status' as const, 'result' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('pause' as const), paused: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fetchMode' as const), mode: fc.constantFrom('ok' as const, 'fail' as const) }) },
  {
    weight: 9,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.constantFrom(0, 1_000, 2_500, 5_000, 20_000, 31_000, 61_000, 2 * minute + 1_000, 5 * minute, 11 * minute, 46 * minute, 3 * hour),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('restart' as const), graceful: fc.boolean(),
      downtimeMs: fc.constantFrom(0, 0, 30_000, 10 * minute, 2 * hour),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crashMidSubmit' as const), user, downtimeMs: fc.constantFrom(0, 30_000, 10 * minute) }) },
);

const defaultRuns = testEngine === 'postgres' ? 25 : 1_000;

const scenario = fc.record({
  start: fc.constantFrom(...starts),
  seed: fc.nat(),
  commands: fc.array(command, { minLength: 10, maxLength: Number(process.env.MODEL_MAX_STEPS ?? 40) }),
});

/** src jitters some timers with Math.random: seeded per run so a counterexample replays the same way. */
function seedRandom(seed: number): void {
  let a = seed >>> 0;
  vi.spyOn(Math, 'random').mockImplementation(() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
}

let world: World | undefined;
beforeEach(() => seedRandom(1));
afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

/** Runs the commands, checking after each, then lets everything finish and checks nothing is stuck. */
function modelSeed(): number | undefined {
  const wanted = process.env.MODEL_SEED;
  if (wanted === 'random') return undefined;
  return wanted === undefined ? 20_261_126 : Number(wanted);
}

async function runScenario(s: { start: number; seed: number; commands: Command[] }, options: { nonceWindowMs?: number } = {}): Promise<World> {
  seedRandom(s.seed);
  const w = await World.create({ start: s.start, nonceWindowMs: options.nonceWindowMs });
  try {
    await w.check();
    for (const cmd of s.commands) {
      await w.run(cmd);
      await w.check();
    }
    await w.drain();
    await w.check();
    return w;
  } catch (err) {
    const trace = w.trace.slice(-150).join('\n  ');
    await w.close();
    (err as Error).message += `\n  trace (last 150 lines):\n  ${trace}`;
    throw err;
  }
}

const stats = new Map<string, number>();
const bump = (key: string, by = 1) => stats.set(key, (stats.get(key) ?? 0) + by);
/** MODEL_STATS=1 prints what the generated runs reached, to keep the generator honest. */
async function collectStats(w: World): Promise<void> {
  bump('runs');
  if (w.restarts > 0) bump('runs with a restart');
  for (const row of await w.sql.all<{ status: string; failure_code: string | null }>('SELECT status, failure_code FROM jobs')) {
    bump(`job ${row.status}${row.failure_code ? ` (${row.failure_code})` : ''}`);
  }
  for (const call of w.provider.submits) bump(`submit ${call.mode}${call.answer === 'pending' ? ' (unanswered)' : ''}`);
  bump('result posts', w.discord.resultPosts.length);
  bump('rerolled jobs', await w.sql.value<number>('SELECT COUNT(*) FROM jobs WHERE parent_job_id IS NOT NULL'));
  bump('confirmed by ✅', w.confirmedJobs.size);
  bump('ledger settle > estimate', await w.sql.value<number>("SELECT COUNT(*) FROM ledger WHERE kind = 'settle' AND amount_micros > 0"));
  for (const [reason, n] of w.refusals) bump(`/video or 🔁 refused: ${reason}`, n);
}

describe('job pipeline model', () => {
  afterAll(() => {
    if (process.env.MODEL_STATS) console.log([...stats].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
  });

  it('keeps money, submissions and deliveries exactly-once over random interleavings with crashes', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const w = await runScenario(s, { nonceWindowMs: process.env.MODEL_NONCE_WINDOW_MS ? Number(process.env.MODEL_NONCE_WINDOW_MS) : undefined });
        if (process.env.MODEL_STATS) await collectStats(w);
        await w.close();
      }),
      // A fixed seed keeps `npm test` repeatable; MODEL_SEED=random (or a number) explores further.
      { numRuns: Number(process.env.MODEL_RUNS ?? defaultRuns), seed: modelSeed() },
    );
  }, 3_600_000);
});

describe('job pipeline regressions (deterministic)', () => {
  const start = starts[0] as number;

  it('a notice about the same job is never mistaken for its result once the nonce window has passed', async () => {
    // Shrunk counterexample found by the property: the "cannot cancel" notice for job #1 was adopted as its result.
    world = await runScenario({
      start: 1741608000000, seed: 0, commands: [
        { t: 'discordToggle', user: 0, what: 'dmClosed' }, { t: 'video', user: 0, duration: 4 },
        { t: 'discordFail', op: 'editOriginal', kind: 'http500' },
        { t: 'react', pick: 0, on: 'status', emoji: '❌', by: 'owner', times: 1, gapMs: 0 },
        { t: 'video', user: 0, duration: 4 },
        { t: 'discordToggle', user: 0, what: 'channelDown' }, { t: 'advance', ms: 0 },
        { t: 'discordFail', op: 'editOriginal', kind: 'http500' }, { t: 'advance', ms: 300000 },
      ] as Command[],
    });
    // 50001 (the bot lost access) is final since Discord's refusals were classified, and the DMs are
    // closed: the job ends undeliverable, never "delivered" as the notice.
    expect(await world.job(world.jobIds[0] as number)).toMatchObject({ status: 'expired', failureCode: 'undeliverable', resultMessageId: null });
  });
  const submitCalls = (w: World, jobId: number) => w.provider.submitsForJob(jobId);
  const ledgerKinds = async (w: World, jobId: number) =>
    (await w.sql.all<{ kind: string }>('SELECT kind FROM ledger WHERE job_id = ? ORDER BY id', jobId)).map((row) => row.kind);

  it('a submit whose answer was lost is never sent again, across restarts', async () => {
    world = await World.create({ start });
    await world.run({ t: 'submitMode', mode: 'lostTimeout', sticky: false });
    await world.run({ t: 'video', user: 0, duration: 4 });
    const jobId = world.jobIds[0] as number;
    await world.run({ t: 'advance', ms: 1_000 });
    expect((await world.job(jobId)).status).toBe('submitting');
    await world.run({ t: 'advance', ms: 31_000 });
    expect((await world.job(jobId)).status).toBe('submit_unknown');
    await world.run({ t: 'restart', graceful: false, downtimeMs: 0 });
    await world.run({ t: 'advance', ms: 2 * hour });
    await world.check();
    expect(submitCalls(world, jobId)).toHaveLength(1);
    expect(world.provider.tasksForJob(jobId)).toHaveLength(1);
    expect((await world.job(jobId)).status).toBe('submit_unknown');
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve']);
  });

  it('a crash while the submit is in flight leaves the job submit_unknown, never resubmitted', async () => {
    world = await World.create({ start });
    await world.run({ t: 'crashMidSubmit', user: 1, downtimeMs: 0 });
    const jobId = world.jobIds[0] as number;
    expect((await world.job(jobId)).status).toBe('submit_unknown');
    await world.run({ t: 'restart', graceful: true, downtimeMs: 10 * minute });
    await world.drain();
    await world.check();
    expect(submitCalls(world, jobId)).toHaveLength(1);
    expect((await world.job(jobId)).status).toBe('submit_unknown');
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve']);
  });

  it('429 with Retry-After, then success: one task, no early retry, settled and delivered once', async () => {
    world = await World.create({ start });
    await world.run({ t: 'submitMode', mode: 'rateLimitedRetryAfter', sticky: false });
    await world.run({ t: 'pollMode', mode: 'complete', sticky: true });
    await world.run({ t: 'video', user: 0, duration: 8 });
    const jobId = world.jobIds[0] as number;
    expect((await world.job(jobId)).status).toBe('queued');
    await world.run({ t: 'advance', ms: 29_000 });
    expect(submitCalls(world, jobId)).toHaveLength(1);
    await world.run({ t: 'advance', ms: 2 * minute });
    await world.run({ t: 'advance', ms: 5 * minute });
    await world.check();
    expect(submitCalls(world, jobId).map((c) => c.mode)).toEqual(['rateLimitedRetryAfter', 'ok']);
    expect(world.provider.tasksForJob(jobId)).toHaveLength(1);
    expect((await world.job(jobId)).status).toBe('delivered');
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve', 'settle']);
    expect(world.discord.resultPosts.filter((p) => p.jobId === jobId)).toHaveLength(1);
  });

  it('a completion after the timeout settles once and delivers once, across a restart', async () => {
    world = await World.create({ start });
    await world.run({ t: 'pollMode', mode: 'stall', sticky: true });
    await world.run({ t: 'video', user: 2, duration: 4 });
    const jobId = world.jobIds[0] as number;
    await world.run({ t: 'advance', ms: 11 * minute });
    expect((await world.job(jobId)).status).toBe('timed_out');
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve']);
    await world.run({ t: 'restart', graceful: false, downtimeMs: 30_000 });
    await world.run({ t: 'pollMode', mode: 'complete', sticky: true });
    await world.run({ t: 'advance', ms: 5 * minute });
    await world.check();
    expect((await world.job(jobId)).status).toBe('delivered');
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve', 'settle']);
    expect(world.discord.resultPosts.filter((p) => p.jobId === jobId)).toHaveLength(1);
    await world.run({ t: 'advance', ms: 3 * hour });
    expect(world.provider.submitsForJob(jobId)).toHaveLength(1);
    expect(world.discord.resultPosts.filter((p) => p.jobId === jobId)).toHaveLength(1);
  });

  it('a result that can only go by DM waits out an hour of 40003 (DMs opened too fast) and is delivered, never ended undeliverable', async () => {
    world = await World.create({ start });
    await world.run({ t: 'pollMode', mode: 'complete', sticky: true });
    await world.run({ t: 'discordToggle', user: 0, what: 'channelDown' });
    await world.run({ t: 'discordToggle', user: 0, what: 'dmsTooFast' });
    await world.run({ t: 'video', user: 0, duration: 4 });
    const jobId = world.jobIds[0] as number;
    for (let i = 0; i < 12; i++) await world.run({ t: 'advance', ms: 5 * minute });
    await world.check();
    expect((await world.job(jobId)).status).toBe('completed');
    // Held back after each 40003 for longer and longer (30 s doubling up to 10 min): at most one refused
    // try per hold, so 10 in the hour (at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 25.5, 35.5, 45.5, 55.5 min).
    expect(world.discord.dmsRefusedTooFast).toBeGreaterThan(0);
    expect(world.discord.dmsRefusedTooFast).toBeLessThanOrEqual(10);

    await world.run({ t: 'discordToggle', user: 0, what: 'dmsOk' });
    await world.run({ t: 'advance', ms: 20 * minute });
    await world.check();
    expect(await world.job(jobId)).toMatchObject({ status: 'delivered', deliveryProblem: 'attempts_exhausted' });
    expect(world.discord.resultPosts.filter((p) => p.jobId === jobId).map((p) => p.channelId)).toEqual([`dm-${USERS[0]}`]);
    expect(await ledgerKinds(world, jobId)).toEqual(['reserve', 'settle']);
  });

  it('a crash after the result was posted but before its id was stored posts nothing twice', async () => {
    world = await World.create({ start, nonceWindowMs: 5 * minute });
    await world.run({ t: 'pollMode', mode: 'complete', sticky: true });
    await world.run({ t: 'video', user: 0, duration: 4 });
    const jobId = world.jobIds[0] as number;
    await world.run({ t: 'discordFail', op: 'send', kind: 'createdHang' });
    for (let i = 0; i < 20 && world.discord.resultPosts.length === 0; i++) await world.run({ t: 'advance', ms: 5_000 });
    expect((await world.job(jobId)).status).toBe('completed');
    expect(world.discord.resultPosts).toHaveLength(1);
    await world.run({ t: 'restart', graceful: false, downtimeMs: 0 });
    await world.run({ t: 'advance', ms: minute });
    await world.check();
    expect((await world.job(jobId)).status).toBe('delivered');
    expect(new Set(world.discord.resultPosts.map((p) => p.messageId)).size).toBe(1);
  });
});

/**
 * Discord's enforce_nonce only returns the first message for the same nonce "within the past few
 * minutes" (API docs, Create Message). Past that, the result nonce no longer prevents a second post, so
 * these cases fail while a result post whose answer was lost is only ever guarded by the nonce.
 */
describe('result posts stay exactly-once beyond the nonce window (Discord: "a few minutes")', () => {
  const start = starts[0] as number;
  const nonceWindowMs = 5 * minute;
  const resultIds = (w: World, jobId: number) => new Set(w.discord.resultPosts.filter((p) => p.jobId === jobId).map((p) => p.messageId));

  async function completeWithResultPostFailing(w: World, failure: 'createdHang' | 'created500'): Promise<number> {
    await w.run({ t: 'pollMode', mode: 'complete', sticky: true });
    await w.run({ t: 'video', user: 0, duration: 4 });
    const jobId = w.jobIds[0] as number;
    await w.run({ t: 'discordFail', op: 'send', kind: failure });
    for (let i = 0; i < 60 && w.discord.resultPosts.length === 0; i++) await w.run({ t: 'advance', ms: 1_000 });
    expect((await w.job(jobId)).status).toBe('completed');
    expect(resultIds(w, jobId).size).toBe(1);
    return jobId;
  }

  it('a crash after the result was posted, then an hour down, posts nothing twice', async () => {
    world = await World.create({ start, nonceWindowMs });
    const jobId = await completeWithResultPostFailing(world, 'createdHang');
    await world.run({ t: 'restart', graceful: false, downtimeMs: hour });
    await world.run({ t: 'advance', ms: minute });
    expect((await world.job(jobId)).status).toBe('delivered');
    expect(resultIds(world, jobId).size, 'result messages of the job after redelivery outside the nonce window').toBe(1);
  });

  it('a result post answered with a 5xx, then a Discord outage longer than the window, posts nothing twice', async () => {
    world = await World.create({ start, nonceWindowMs });
    const jobId = await completeWithResultPostFailing(world, 'created500');
    for (let i = 0; i < 5; i++) world.discord.failQueue.push({ op: 'send', kind: 'http500' });
    await world.run({ t: 'advance', ms: 30 * minute });
    expect((await world.job(jobId)).status).toBe('delivered');
    expect(resultIds(world, jobId).size, 'result messages of the job after retries outside the nonce window').toBe(1);
  });
});
