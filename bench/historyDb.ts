import { createJobStore } from '../src/db/sqlite/jobStore.ts';
import { openDatabase, type Db } from '../src/db/sqlite/openDatabase.ts';

/** A long-lived bot's database: `rows` finished jobs over three years, 2,000 members, four servers. */
export interface HistoryShape {
  rows: number;
  guildIds: string[];
  heavyUserId: string;
  /** Where the heavy member's jobs (and a quarter of everyone else's) were asked for. */
  channelId: string;
  applicationId: string;
  now: number;
}

export const memberCount = 2_000;
const spanMs = 3 * 365 * 24 * 60 * 60_000;
export const memberId = (i: number) => String(1_900_000_000_000_000_000n + BigInt(i));

/**
 * Test data, so written with its own prepared INSERTs in one transaction (the store's one-job-per-commit
 * path would take an hour for a million rows); the schema, its migrations, indexes and the ledger
 * trigger are the project's own, from openDatabase. One member in twenty jobs is the heavy member
 * (5 %); 90 % were delivered and settled, 8 % failed and 2 % were cancelled, both released; one job in
 * ten is a re-roll of the one before it.
 */
export function buildHistory(path: string, shape: HistoryShape): { heavyRecentJobId: number; seconds: number } {
  const started = Date.now();
  const db = openDatabase(path);
  // Test data written once: no journal, no fsync, no foreign-key probes (the rows are consistent by
  // construction), and a page cache large enough for the random-key indexes.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144');
  /** A default-model job's estimate, which each delivered job settles at. */
  const priceMicros = 428_000;
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, origin_key, parent_job_id, guild_id, channel_id, user_id, locale, application_id, interaction_at,
       attachment_size_limit, status, prompt, model, model_label, duration_sec, aspect_ratio, resolution, audio, request_json, estimate_micros, cost_micros,
       task_id, progress, status_message_id, status_channel_id, result_message_id, failure_code, created_at, updated_at,
       submitted_at, completed_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, 'en-US', ?, ?, 10485760, ?, ?, 'seedance-2.0-fast', 'Seedance 2.0 Fast', 5, 'landscape', '720p', 1, ?, ?, ?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertLedger = db.prepare(
    'INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stepMs = spanMs / shape.rows;
  db.transaction(() => {
    for (let i = 1; i <= shape.rows; i++) {
      const heavy = i % 20 === 0;
      const userId = heavy ? shape.heavyUserId : memberId(1 + Math.floor(random() * (memberCount - 1)));
      const guildId = heavy ? shape.guildIds[0] as string : shape.guildIds[Math.floor(random() * shape.guildIds.length)] as string;
      const createdAt = Math.round(shape.now - 3_600_000 - (shape.rows - i) * stepMs);
      const roll = random();
      const status = roll < 0.9 ? 'delivered' : roll < 0.98 ? 'failed' : 'cancelled';
      const prompt = `history ${i}`;
      const delivered = status === 'delivered';
      insertJob.run(
        i, `history:${i}`, i % 10 === 0 ? i - 1 : null, guildId, shape.channelId, userId, shape.applicationId, createdAt,
        status, prompt, JSON.stringify({ model: 'seedance-2.0-fast', prompt, duration: 5, size: '16:9', resolution: '720p', generate_audio: true }),
        priceMicros, delivered ? priceMicros : null, status === 'cancelled' ? null : `task_H${i}`, `${i}0`, shape.channelId,
        delivered ? `${i}1` : null, delivered ? null : status === 'failed' ? 'provider_failed' : 'cancelled',
        createdAt, createdAt + 120_000, status === 'cancelled' ? null : createdAt + 1_000, delivered ? createdAt + 100_000 : null, createdAt + 120_000,
      );
      insertLedger.run(i, userId, guildId, 'reserve', priceMicros, createdAt, createdAt);
      insertLedger.run(i, userId, guildId, delivered ? 'settle' : 'release', delivered ? 0 : -priceMicros, createdAt, createdAt + 120_000);
    }
  })();
  db.pragma('journal_mode = WAL');
  const heavyRecentJobId = (db.prepare('SELECT MAX(id) FROM jobs WHERE user_id = ?').pluck().get(shape.heavyUserId) as number);
  db.close();
  return { heavyRecentJobId, seconds: (Date.now() - started) / 1000 };
}

/** The same admin override on both databases: the heavy member may spend what their history shows. */
export async function allowHeavyMember(db: Db, guildId: string, heavyUserId: string, now: number): Promise<void> {
  await createJobStore(db).spend.setBudgetOverride({ guildId, userId: heavyUserId, dailyMicros: 1_000_000_000, monthlyMicros: 10_000_000_000, actorId: 'bench', now });
}

/** Ends whatever a measurement left running, through the store, so the next run starts from finished history. */
export async function finishUnfinished(db: Db, now: number): Promise<void> {
  const store = createJobStore(db);
  await store.quarantineInterruptedSubmissions(now);
  for (const job of await store.unfinishedJobs()) {
    if (job.status === 'queued' || job.status === 'awaiting_confirmation') await store.endBeforeSubmission(job.id, 'cancelled', 'bench_reset', now);
    else if (job.status === 'submitted' || job.status === 'timed_out') await store.failTask(job.id, 'bench_reset', null, now);
  }
}
