import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresTypes } from '../src/db/postgres/types.ts';
import { botBurst } from './ackBurst.ts';
import { checkLedger, ledgerCheck, moneyQueries } from './money.ts';
import { percentile, round, type BenchResult } from './stats.ts';

async function checkPostgresLedger(databaseUrl: string, stage: string): Promise<BenchResult> {
  const client = new pg.Client({ connectionString: databaseUrl, types: postgresTypes });
  await client.connect();
  try {
    const rows = async <T>(text: string) => (await client.query({ text, rowMode: 'array' })).rows as T[];
    return ledgerCheck({
      ledger: await rows(moneyQueries.ledger), totals: await rows(moneyQueries.totals), jobs: await rows(moneyQueries.jobs),
    }, stage);
  } finally {
    await client.end();
  }
}

/**
 * One `/video` burst through a bot process (`src/main.ts`, as `npm start` runs it) on the given engine:
 * a SQLite file of its own, or the PostgreSQL database `databaseUrl` names (as DATABASE_URL).
 */
export async function ackBurstOnEngine(engine: 'sqlite' | 'postgres', size: number, databaseUrl?: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-ack-engine-'));
  const dbPath = join(dir, 'bot.db');
  try {
    const run = await botBurst(size, 1_000, { dbPath, env: databaseUrl ? { DATABASE_URL: databaseUrl } : {} });
    const stage = `store_ack_${size}_${engine}`;
    const ledger = databaseUrl ? await checkPostgresLedger(databaseUrl, stage) : checkLedger(dbPath, stage);
    return [
      { name: `store_ack_p50_burst_${size}_${engine}`, value: round(percentile(run.ackMs, 50)), unit: 'ms', goal: 'informational (one burst)', met: true },
      { name: `store_ack_p99_burst_${size}_${engine}`, value: round(percentile(run.ackMs, 99)), unit: 'ms', goal: 'informational (one burst)', met: true },
      {
        name: `store_ack_unanswered_burst_${size}_${engine}`, value: run.unanswered, unit: 'commands', invariant: true, met: run.unanswered === 0,
        goal: `0 of ${size}, Discord's 3 s deadline enforced (${run.failures})`,
      },
      ledger,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
