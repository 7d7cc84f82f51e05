import { writeFileSync } from 'node:fs';
import { measureAckLatency } from './ackLatency.ts';
import { measureHistory } from './history.ts';
import { benchMeta, loadAverage } from './meta.ts';
import { measureBusyChannel } from './busyChannel.ts';
import { measureProviderLoad } from './providerLoad.ts';
import { measureReservationBurst } from './reservations.ts';
import { measureReferenceImages } from './referenceImages.ts';
import { measureScale } from './scale.ts';
import { measureSharding } from './sharding.ts';
import { measureStores } from './storeLatency.ts';
import type { BenchResult } from './stats.ts';

/**
 * `npm run bench`: every measurement, a table, and bench/results.json ({ meta, results }).
 * BENCH_SIZE=small for a quick run that proves the bench still works; BENCH_ONLY=ack,history,reservations,stores,… picks stages.
 * Exits with 1 when a stage failed; .ci/checkBenchResults.mjs judges the file.
 */
const small = process.env.BENCH_SIZE === 'small';
const only = process.env.BENCH_ONLY?.split(',');

interface Stage { key: string; title: string; run: () => Promise<BenchResult[]> }
const stages: Stage[] = [
  {
    key: 'ack', title: 'acknowledgement latency',
    run: () => (small ? measureAckLatency([{ size: 100, pairs: 3 }], 7_000, 100) : measureAckLatency([{ size: 100, pairs: 3 }, { size: 1000, pairs: 5 }, { size: 3000, pairs: 3 }], 20_000, 1000)),
  },
  { key: 'history', title: 'cost at history size', run: () => measureHistory(small ? 50_000 : 1_000_000, small ? 20 : 100, small ? 1 : 3) },
  { key: 'reservations', title: 'reservation burst in one server', run: () => measureReservationBurst(small ? 3_000 : 10_000) },
  { key: 'provider', title: 'provider load and freshness', run: () => measureProviderLoad(small ? 4 : 40, small ? 6 : 40) },
  { key: 'busy', title: 'busy channel', run: () => measureBusyChannel(small ? 30 : 100) },
  { key: 'scale', title: 'scale', run: () => (small ? measureScale([200], 3_000) : measureScale([10_000, 10_000, 10_000, 30_000], 30_000)) },
  { key: 'images', title: 'reference images: keep, first submit, re-roll upload', run: () => measureReferenceImages(small ? [1] : [1, 10], small ? 3 : 10) },
  // The PostgreSQL half needs a server the bench may create a database on: `bash .ci/withPostgres.sh npm run bench`.
  { key: 'stores', title: 'store calls on SQLite and PostgreSQL', run: () => measureStores(small ? 300 : 2_000, small ? 100 : 1_000, process.env.BENCH_DATABASE_URL || undefined) },
  { key: 'sharding', title: 'sharding', run: () => measureSharding(small ? [100] : [100, 1_000, 10_000], small ? [] : [100, 1_000, 10_000]) },
].filter((s) => !only || only.includes(s.key));

interface StageOutcome { title: string; outcome: 'pending' | 'completed' | 'failed'; seconds?: number; loadAverageAtEnd?: number[]; error?: string }
const meta = benchMeta(small ? 'small' : 'full');
const outcomes: Record<string, StageOutcome> = Object.fromEntries(stages.map((s) => [s.key, { title: s.title, outcome: 'pending' }]));
const results: BenchResult[] = [];

// Written before the first stage too, so a run that dies leaves a file that says which stages never ended.
const write = () => writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ meta: { ...meta, stages: outcomes }, results }, null, 2)}\n`);
write();

/** A stage that fails is recorded as such (CI fails on it), and the stages after it still run. */
async function runStage({ key, title, run }: Stage): Promise<void> {
  const started = Date.now();
  process.stdout.write(`running ${title}… (load average ${loadAverage().join(' ')})\n`);
  const outcome = outcomes[key] as StageOutcome;
  try {
    results.push(...await run());
    outcome.outcome = 'completed';
  } catch (err) {
    process.stdout.write(`  ${title} failed: ${String(err).slice(0, 2000)}\n`);
    outcome.outcome = 'failed';
    outcome.error = String(err).split('\n').slice(0, 6).join(' ').slice(0, 300);
  }
  outcome.seconds = Math.round((Date.now() - started) / 100) / 10;
  outcome.loadAverageAtEnd = loadAverage();
  const completed = outcome.outcome === 'completed';
  results.push({
    name: `stage_completed_${key}`, value: completed ? 1 : 0, unit: 'runs', invariant: true, met: completed,
    goal: completed ? `the stage runs to the end (${outcome.seconds} s)` : `the stage runs to the end (${outcome.error})`,
  });
  process.stdout.write(`  ${title} took ${outcome.seconds} s\n`);
  write();
}

for (const stage of stages) await runStage(stage);

const width = Math.max(...results.map((r) => r.name.length));
process.stdout.write(`\n${meta.size} run of ${meta.commit.slice(0, 12)}${meta.dirty ? ' (uncommitted changes)' : ''} on ${meta.cores} × ${meta.cpu}, ${meta.memoryGiB} GiB, Node ${meta.node}, ${meta.date}, load average ${meta.loadAverage.join(' ')} → ${loadAverage().join(' ')}\n`);
for (const r of results) {
  process.stdout.write(`${r.met ? 'met ' : 'MISS'}  ${r.name.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(9)} goal: ${r.goal}\n`);
}
process.exit(Object.values(outcomes).every((o) => o.outcome === 'completed') ? 0 : 1);
