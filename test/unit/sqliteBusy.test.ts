import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBusyError, retryOnBusy } from '../../src/db/sqlite/busyRetry.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { ownedJobsSql } from '../../src/db/sqlite/shardScope.ts';
import { shardOfGuild } from '../../src/sharding/shardPlan.ts';
import { guildIdOnShard } from '../fakes/fakeDiscordGuilds.ts';
import { budgetWindow, newJob } from './storeFixtures.ts';

const racer = fileURLToPath(new URL('./fixtures/storeRacer.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Another process on the same file (tsx, like a shard process); resolves to its stdout lines. */
function runRacer(args: string[], onLine?: (line: string) => void): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', racer, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      onLine?.(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`racer exited ${code}: ${stderr}`)))));
}

const now = Date.UTC(2025, 5, 15, 12);
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'busy-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('SQLite between bot processes', () => {
  it('two processes racing for one budget reserve exactly what it allows', async () => {
    const path = join(dir, 'bot.db');
    openDatabase(path).close();
    const startAt = Date.now() + 1_500;
    const results = await Promise.all([runRacer([path, 'reserve', String(startAt), '40']), runRacer([path, 'reserve', String(startAt), '40'])]);
    const outcomes = results.flatMap((lines) => JSON.parse(lines.at(-1) ?? '[]') as string[]);
    // $2.00 a day at $0.40 a job: five jobs, whichever process asked first.
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'budget')).toHaveLength(75);
    const db = openDatabase(path);
    expect(db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'reserve'").pluck().get()).toBe(5);
    expect(db.prepare('SELECT SUM(amount_micros) FROM ledger').pluck().get()).toBe(2_000_000);
    db.close();
  });

  it('two shard processes claim only their own servers\' jobs, and together no more than MAX_CONCURRENT_JOBS', async () => {
    const path = join(dir, 'bot.db');
    const db = openDatabase(path);
    const store = createJobStore(db);
    const guilds = [guildIdOnShard(0, 2, 1), guildIdOnShard(1, 2, 2)];
    for (let i = 0; i < 20; i++) await store.createJob(newJob({ guildId: guilds[i % 2]!, userId: `user-${i}` }), budgetWindow(now));
    db.close();
    const startAt = Date.now() + 1_500;
    const [zero, one] = await Promise.all([0, 1].map((shard) => runRacer([path, 'claim', String(startAt), '7', `${shard}/2`])));
    const claimedBy = (lines: string[] | undefined) => JSON.parse(lines?.at(-1) ?? '[]') as string[];
    expect(claimedBy(zero).length + claimedBy(one).length).toBe(7);
    expect(claimedBy(zero).every((g) => shardOfGuild(g, 2) === 0)).toBe(true);
    expect(claimedBy(one).every((g) => shardOfGuild(g, 2) === 1)).toBe(true);
  });

  it('retries a transaction that met SQLITE_BUSY once the other process lets go', async () => {
    const path = join(dir, 'bot.db');
    const db = openDatabase(path);
    // No waiting inside SQLite: the lock held by the other process surfaces as SQLITE_BUSY at once.
    db.pragma('busy_timeout = 0');
    const store = createJobStore(db);
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => { locked = resolve; });
    const holder = runRacer([path, 'hold', '0', '150'], (line) => line === 'locked' && locked());
    await holding;
    const bare = db.transaction(() => db.prepare("UPDATE jobs SET status = 'queued' WHERE 0").run());
    expect(() => bare.immediate()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    const result = await store.createJob(newJob(), budgetWindow(now));
    expect(result.ok).toBe(true);
    await holder;
    db.close();
  });

  it('gives up after its retries and rethrows, and never retries other errors', () => {
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(() => retryOnBusy(() => { calls++; throw busy; }, { retries: 2, firstPauseMs: 1 })()).toThrow(busy);
    expect(calls).toBe(3);
    calls = 0;
    expect(() => retryOnBusy(() => { calls++; throw new Error('constraint'); })()).toThrow('constraint');
    expect(calls).toBe(1);
    expect(isBusyError({ code: 'SQLITE_BUSY_SNAPSHOT' })).toBe(true);
  });

  it('selects jobs by Discord\'s shard rule in SQL, as the gateway routes their servers', () => {
    const db = openDatabase(':memory:');
    const ids = Array.from({ length: 12 }, (_, i) => guildIdOnShard(i % 3, 3, i));
    for (const id of ids) {
      for (let shard = 0; shard < 3; shard++) {
        const sql = ownedJobsSql({ shardCount: 3, shardIds: [shard] });
        const owned = db.prepare(`SELECT 1 FROM (SELECT ? AS guild_id) WHERE ${sql}`).get(id) !== undefined;
        expect(owned).toBe(shardOfGuild(id, 3) === shard);
      }
    }
    expect(ownedJobsSql({ shardCount: 2, shardIds: [0, 1] })).toBe('1');
    db.close();
  });
});
