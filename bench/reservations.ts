import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob } from '../src/db/jobStore.ts';
import { openStores } from '../src/db/openStores.ts';
import { utcPeriods } from '../src/services/spend/budgetPeriods.ts';
import { round, type BenchResult } from './stats.ts';
import { sampleJob } from './sampleJob.ts';

/** The bot's largest group commit: a burst's reservations are committed this many at a time. */
const groupSize = 32;

/**
 * A burst of reservations in one server, through the store's group commit, with every budget on (the
 * server and bot daily budgets included), on a synced database file. A cost that grows with the day's
 * jobs shows as the last third of the burst taking longer than the first.
 */
export async function measureReservationBurst(size: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-reservations-'));
  const stores = await openStores({ databasePath: join(dir, 'bot.db') });
  try {
    const store = stores.jobStore();
    const now = Date.now();
    const window = {
      now, ...utcPeriods(now), userDailyMicros: 10_000_000, userMonthlyMicros: 100_000_000,
      guildDailyMicros: 5_000_000_000, botDailyMicros: 10_000_000_000, userMaxActiveJobs: 25,
    };
    const job = (i: number): NewJob => ({
      originKey: `bench-reservation-${i}`, guildId: '1', channelId: '2', userId: String(1_900_000_000_000_000_000n + BigInt(i)),
      locale: 'en-US', applicationId: '3', interactionToken: 'token', interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024,
      ...sampleJob(`burst ${i}`),
      imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
    });
    const third = Math.floor(size / 3);
    const thirds: number[] = [];
    let started = performance.now();
    let accepted = 0;
    for (let i = 0; i < size; i += groupSize) {
      const results = await store.createJobs(Array.from({ length: Math.min(groupSize, size - i) }, (_, k) => job(i + k)), window);
      accepted += results.filter((r) => !(r instanceof Error) && r.ok).length;
      if (thirds.length < 2 && i + groupSize >= third * (thirds.length + 1)) {
        thirds.push(performance.now() - started);
        started = performance.now();
      }
    }
    thirds.push(performance.now() - started);
    const total = thirds.reduce((a, b) => a + b, 0);
    const growth = thirds[2]! / thirds[0]!;
    return [
      { name: `reservations_${size}_one_server`, value: round(total), unit: 'ms', goal: `informational (${accepted} accepted, groups of ${groupSize}, synced commits)`, met: accepted === size },
      { name: `reservation_cost_growth_${size}_one_server`, value: round(growth, 2), unit: '× first third', goal: '≤ 1.5 (last third of the burst against the first: no cost grows with the day\'s jobs)', met: growth <= 1.5 },
    ];
  } finally {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
