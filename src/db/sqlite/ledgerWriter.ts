import type { Job } from '../job.ts';
import type { Db } from './openDatabase.ts';

export type LedgerKind = 'reserve' | 'settle' | 'release';
export type LedgerWriter = (job: Job, kind: LedgerKind, amountMicros: number, now: number) => void;

/** Ledger rows carry the job's creation time as their period, so a job's money stays on the day it was asked for. */
export function createLedgerWriter(db: Db): LedgerWriter {
  const insert = db.prepare(
    `INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`);
  return (job: Job, kind: LedgerKind, amountMicros: number, now: number): void => {
    insert.run(job.id, job.userId, job.guildId, kind, amountMicros, job.createdAt, now);
  };
}
