import { writeFileSync } from 'node:fs';
import { measureAckLatency } from './ackLatency.ts';
import { measureHistory } from './history.ts';
import { benchMeta } from './meta.ts';
import { measureBusyChannel } from './busyChannel.ts';
import { measureProviderLoad } from './providerLoad.ts';
import { measureReservationBurst } from './reservations.ts';
import { measureReferenceImages } from './referenceImages.ts';
import { measureScale } from './scale.ts';
import { measureSharding } from './sharding.ts';
import type { BenchResult } from './stats.ts';

/**
 * `npm run bench`: every measurement, a table, and bench/results.json ({ meta, results }).
 * BENCH_SIZE=small for a quick run that proves the bench still works; BENCH_ONLY=ack,history,reservations,… picks stages.
 */
const small = process.env.BENCH_SIZE === 'small';
const meta = benchMeta(small ? 'small' : 'full');
const results: BenchResult[] = [];
const stageTimes: Record<string, number> = {};
const only = process.env.BENCH_ONLY?.split(',');

const write = () => writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ meta: { ...meta, stageSeconds: stageTimes }, results }, null, 2)}\n`);

/** A stage that fails is a missed goal, not a lost run: the results so far are written after every stage. */
async function stage(key: string, title: string, run: () => Promise<BenchResult[]>): Promise<void> {
  if (only && !only.includes(key)) return;
  const started = Date.now();
  process.stdout.write(`running ${title}…\n`);
  try {
    results.push(...await run());
  } catch (err) {
    process.stdout.write(`  ${title} failed: ${String(err).slice(0, 2000)}\n`);
    results.push({ name: `stage_completed_${key}`, value: 0, unit: 'runs', goal: `the stage runs to the end (${String(err).split('\n').slice(0, 6).join(' ').slice(0, 300)})`, met: false });
  }
  stageTimes[key] = Math.round((Date.now() - started) / 100) / 10;
  process.stdout.write(`  ${title} took ${stageTimes[key]} s\n`);
  write();
}

await stage('ack', 'acknowledgement latency', () => (small
  ? measureAckLatency([100], 3, 7_000, 100)
  : measureAckLatency([100, 1000, 3000], 3, 20_000, 1000)));
await stage('history', 'cost at history size', () => measureHistory(small ? 50_000 : 1_000_000, small ? 20 : 100, small ? 1 : 3));
await stage('reservations', 'reservation burst in one server', () => measureReservationBurst(small ? 3_000 : 10_000));
await stage('provider', 'provider load and freshness', () => measureProviderLoad(small ? 4 : 40, small ? 6 : 40));
await stage('busy', 'busy channel', () => measureBusyChannel(small ? 30 : 100));
await stage('scale', 'scale', () => (small ? measureScale([200], 3_000) : measureScale([10_000, 10_000, 10_000, 30_000], 30_000)));
await stage('images', 'reference images: keep, first submit, re-roll upload', () => measureReferenceImages(small ? [1] : [1, 10], small ? 3 : 10));
await stage('sharding', 'sharding', () => measureSharding(small ? [100] : [100, 1_000, 10_000], small ? [] : [100, 1_000, 10_000]));

write();
const width = Math.max(...results.map((r) => r.name.length));
process.stdout.write(`\n${meta.size} run of ${meta.commit.slice(0, 12)}${meta.dirty ? ' (uncommitted changes)' : ''} on ${meta.cores} × ${meta.cpu}, ${meta.memoryGiB} GiB, Node ${meta.node}, ${meta.date}\n`);
for (const r of results) {
  process.stdout.write(`${r.met ? 'met ' : 'MISS'}  ${r.name.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(9)} goal: ${r.goal}\n`);
}
process.exit(0);
