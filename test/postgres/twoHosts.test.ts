import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/postgres/postgresStores.ts';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord, guildIdOnShard, type FakeGuild } from '../fakes/fakeDiscord.ts';
import { BotProcess } from '../e2e/botProcess.ts';
import { ledgerProblems, type CrashJobRow } from '../e2e/crashHelpers.ts';
import { eventually, expectFewInvalidRequests, isCallback, testEnv, videoOptions, type LedgerRow } from '../e2e/harness.ts';
import { createPostgresTestDatabase } from '../support/postgresTestDatabase.ts';
import { testDatabaseUrl } from '../support/testDatabase.ts';
import { postgresTestSql } from '../support/testSql.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const alice = '1500000000000000011';
const bob = '1500000000000000012';

/**
 * Two hosts of one bot: two bot processes as `npm start` runs them, HOST_INDEX 0 and 1 of HOST_COUNT 2,
 * on one PostgreSQL and one fake Discord that has two shards. Server A is on shard 0 (host 0), server B
 * on shard 1 (host 1).
 */
async function twoHosts(extraEnv: Record<string, string>, envOfHost: (index: number) => Record<string, string> = () => ({})) {
  const discord = await FakeDiscord.start({ shards: 2, maxConcurrency: 16 });
  const apimart = await FakeApimart.start();
  const dir = mkdtempSync(join(tmpdir(), 'videobot-hosts-'));
  const databaseUrl = await createPostgresTestDatabase(testDatabaseUrl as string);
  const pool = createPool({ databaseUrl, poolSize: 2 });
  const sql = postgresTestSql(pool);
  cleanups.push(() => expectFewInvalidRequests(discord), () => rmSync(dir, { recursive: true, force: true }),
    () => apimart.stop(), () => discord.stop(), () => pool.end());
  const serverA = discord.addGuild({ id: guildIdOnShard(0, 2, 1), channels: 2, roles: 3 });
  const serverB = discord.addGuild({ id: guildIdOnShard(1, 2, 2), channels: 2, roles: 3 });
  /** A host's bot process; started again with the same index, it is that host's replacement. */
  const startHost = async (index: number) => {
    const host = BotProcess.start({
      ...testEnv(discord, apimart, join(dir, `host${index}.db`)),
      DATABASE_URL: databaseUrl, HOST_COUNT: '2', HOST_INDEX: String(index), DISCORD_SHARDS: '2', ...extraEnv, ...envOfHost(index),
    });
    cleanups.push(async () => {
      host.child.kill('SIGTERM');
      await Promise.race([host.exitCode(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await host.kill();
    });
    await host.waitForEvent('bot_ready', 60_000);
    return host;
  };
  const hosts = [await startHost(0), await startHost(1)];
  const jobs = () => sql.all<CrashJobRow & { guild_id: string; idempotency_key: string }>('SELECT * FROM jobs ORDER BY id');
  const ledger = () => sql.all<LedgerRow>('SELECT job_id, user_id, kind, amount_micros FROM ledger ORDER BY id');
  const video = (server: FakeGuild, userId: string) =>
    discord.sendCommand({ name: 'video', userId, channelId: server.channelIds[1], options: videoOptions({ duration: 4 }) });
  return { discord, apimart, hosts, startHost, serverA, serverB, jobs, ledger, video };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Two tsx processes start and connect to PostgreSQL: far more than a single bot's start-up.
const processTimeout = { timeout: 150_000 };

describe('two hosts on one PostgreSQL (HOST_COUNT=2)', () => {
  it('runs each server\'s jobs on the host of its shard; alice on host 0 and bob on host 1 race for one bot-wide budget and one provider slot', processTimeout, async () => {
    const s = await twoHosts({ BOT_DAILY_BUDGET_USD: '1.0272', USER_MAX_ACTIVE_JOBS: '10', MAX_CONCURRENT_JOBS: '1' });
    const ready = s.hosts.map((host) => host.events().find((e) => e.event === 'bot_ready') as unknown as { shards: number[]; shardCount: number });
    expect(ready.map((r) => [r.shards, r.shardCount])).toEqual([[[0], 2], [[1], 2]]);
    expect([...s.discord.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    // Commands are the application's: only the holder of shard 0 writes them.
    expect(s.discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands'))).toHaveLength(1);

    // $1.0272 for the whole bot today pays for three $0.3424 jobs, whichever host takes them.
    const sent = [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0 ? s.video(s.serverA, alice) : s.video(s.serverB, bob)));
    const callbacks = await Promise.all(sent.map((i) => s.discord.waitForRequest(isCallback(i.id), 30_000)));
    expect(callbacks).toHaveLength(6);
    await eventually(async () => {
      const jobs = await s.jobs();
      return jobs.length === 3 && jobs.every((j) => j.status === 'delivered');
    }, 90_000);
    const [jobs, ledger] = [await s.jobs(), await s.ledger()];
    expect(ledger.filter((r) => r.kind === 'reserve').reduce((sum, r) => sum + r.amount_micros, 0)).toBe(1_027_200);
    expect(ledgerProblems(jobs, ledger)).toEqual([]);
    expect(s.apimart.submits()).toHaveLength(3);

    // Each job was submitted by the host that runs its server's shard.
    const submittedBy = new Map(s.hosts.flatMap((host, index) =>
      host.events().filter((e) => e.event === 'job_submitted').map((e) => [e.jobId, index] as const)));
    for (const job of jobs) expect(submittedBy.get(job.id)).toBe(job.guild_id === s.serverA.id ? 0 : 1);

    // MAX_CONCURRENT_JOBS=1 across both hosts: each submit waited for the task before it to finish.
    const submits = s.apimart.submits();
    const tasks = [...s.apimart.tasks.values()];
    for (let i = 1; i < submits.length; i++) expect(submits[i]!.at).toBeGreaterThanOrEqual(tasks[i - 1]!.completedAtMs ?? Infinity);
    expect(validateRecordedRequests(s.discord.requests)).toEqual([]);
  });

  it('speeds up a job of host 0 with a callback that reaches host 1, which passes it on through the database', processTimeout, async () => {
    // One public URL for both hosts, as behind a load balancer that happens to route every callback to host 1.
    const ports = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${ports[1]}`;
    const s = await twoHosts({ PUBLIC_WEBHOOK_URL: publicUrl }, (index) => ({ WEBHOOK_LISTEN_PORT: String(ports[index]) }));
    s.apimart.setTaskPlan('next', { outcome: 'never' });
    s.video(s.serverA, alice);
    await eventually(async () => (await s.jobs())[0]?.status === 'submitted', 30_000);
    const webhook = (s.apimart.submits()[0]!.body as { webhook?: string }).webhook;
    expect(webhook).toMatch(new RegExp(`^${publicUrl}/[\\w-]{32}$`));
    await new Promise((resolve) => setTimeout(resolve, 400)); // four times the test's largest poll interval
    expect(s.apimart.polls()).toHaveLength(0);

    const [taskId] = [...s.apimart.tasks.keys()];
    s.apimart.completeTask(taskId!);
    await eventually(async () => (await s.jobs())[0]?.status === 'delivered', 30_000);
    expect(s.apimart.callbacks.map((c) => [c.url, c.status])).toEqual([[`${webhook}/callback`, 204]]);
    // Polled once, by host 0: host 1 heard its own hint too, but the job is not its shard's.
    expect(s.apimart.polls()).toHaveLength(1);
    expect(s.hosts[1]!.events().filter((e) => e.event === 'job_poll_on_callback')).toHaveLength(0);
    expect(s.hosts[0]!.events().filter((e) => e.event === 'job_submitted')).toHaveLength(1);
    expect(s.hosts[1]!.events().filter((e) => e.event === 'job_submitted')).toHaveLength(0);
  });

  it('loses nothing when a host is killed with SIGKILL: its replacement takes the lease over and resumes its jobs, each charged and posted once', processTimeout, async () => {
    const s = await twoHosts({});
    s.apimart.setTaskPlan('next', { outcome: 'never' });
    s.apimart.setTaskPlan('next', { outcome: 'never' });
    s.video(s.serverA, alice);
    s.video(s.serverB, bob);
    await eventually(async () => s.apimart.submits().length === 2 && (await s.jobs()).every((j) => j.status === 'submitted'), 30_000);
    const [survivor, victim] = s.hosts as [BotProcess, BotProcess];
    victim.child.kill('SIGKILL');
    await victim.exitCode();
    // Its PostgreSQL session ended with it, and with the session its shard's lease.
    const replacement = await s.startHost(1);
    expect(replacement.events().find((e) => e.event === 'bot_ready')).toMatchObject({ shards: [1], shardCount: 2, resumedJobs: 1 });
    expect(survivor.child.exitCode).toBeNull();

    for (const taskId of s.apimart.tasks.keys()) s.apimart.completeTask(taskId);
    await eventually(async () => {
      const jobs = await s.jobs();
      return jobs.length === 2 && jobs.every((j) => j.status === 'delivered');
    }, 30_000);
    const jobs = await s.jobs();
    for (const job of jobs) {
      const posts = [...s.discord.messages.values()].filter((m) => m.nonce === `video-result-${job.id}` && !m.deleted);
      expect(posts, `result posts of job ${job.id}`).toHaveLength(1);
      expect(s.apimart.submits().filter((r) => r.headers['idempotency-key'] === job.idempotency_key)).toHaveLength(1);
    }
    expect(ledgerProblems(jobs, await s.ledger())).toEqual([]);
    expect(validateRecordedRequests(s.discord.requests)).toEqual([]);
  });
});
