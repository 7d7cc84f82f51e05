import Database from 'better-sqlite3';
import type { BenchResult } from './stats.ts';

/**
 * Budgets on, at limits a real server might set, in every stage: reservations, settlements and the
 * budget sums stay in the measured path. Each bench member asks for a few jobs, far below the member
 * limits; the server limit is sized for the largest burst of the run.
 */
export const benchBudgetEnv = {
  USER_DAILY_BUDGET_USD: '10', USER_MONTHLY_BUDGET_USD: '100', GUILD_DAILY_BUDGET_USD: '5000',
  USER_MAX_ACTIVE_JOBS: '25', CONFIRM_ABOVE_USD: '0',
} as const;

const released = new Set(['failed', 'cancelled']);

/** What the money check reads from either engine: ledger sums and kept totals per member, and the jobs. */
export interface MoneyTables {
  ledger: [string, number][];
  totals: [string, number][];
  jobs: Iterable<[string, string, number, number | null, string | null]>;
}

/**
 * After a stage: every member's spend, as the bot reports it (the running total /usage reads), must
 * equal the sum of their ledger rows and what their jobs' money states say (settled cost, a held
 * estimate, or nothing once released). Read from the database once the bot has stopped.
 */
export function ledgerCheck(tables: MoneyTables, stage: string): BenchResult {
  const ledger = new Map(tables.ledger);
  const totals = new Map(tables.totals);
  const expected = new Map<string, number>();
  for (const [userId, status, estimate, cost, code] of tables.jobs) {
    const releasedJob = released.has(status) || (status === 'expired' && code !== 'video_expired');
    const charge = cost !== null ? cost : releasedJob ? 0 : estimate;
    expected.set(userId, (expected.get(userId) ?? 0) + charge);
  }
  const members = new Set([...ledger.keys(), ...totals.keys(), ...expected.keys()]);
  const wrong = [...members].filter((m) => {
    const sum = ledger.get(m) ?? 0;
    return sum !== (totals.get(m) ?? 0) || sum !== (expected.get(m) ?? 0);
  });
  return {
    name: `ledger_mismatched_members_${stage}`, value: wrong.length, unit: 'members', invariant: true,
    goal: `0 of ${members.size} (spend = ledger = jobs)`, met: wrong.length === 0 && members.size > 0,
  };
}

export const moneyQueries = {
  ledger: 'SELECT user_id, SUM(amount_micros) AS s FROM ledger GROUP BY user_id',
  totals: 'SELECT user_id, total_micros FROM user_spend_totals',
  jobs: 'SELECT user_id, status, estimate_micros, cost_micros, failure_code FROM jobs',
} as const;

/** ledgerCheck on a SQLite database file. */
export function checkLedger(dbPath: string, stage: string): BenchResult {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return ledgerCheck({
      ledger: db.prepare(moneyQueries.ledger).raw().all() as [string, number][],
      totals: db.prepare(moneyQueries.totals).raw().all() as [string, number][],
      jobs: db.prepare(moneyQueries.jobs).raw().iterate() as Iterable<[string, string, number, number | null, string | null]>,
    }, stage);
  } finally {
    db.close();
  }
}
