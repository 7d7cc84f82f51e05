import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { measureAckLatency } from './ackLatency.ts';
import { measureBusyChannel } from './busyChannel.ts';
import { measureProviderLoad } from './providerLoad.ts';
import { measureScale } from './scale.ts';
import type { BenchResult } from './stats.ts';

/** `npm run bench`: every measurement, a table, and bench/results.json. BENCH_SIZE=small for a quick run. */
const small = process.env.BENCH_SIZE === 'small';
const results: BenchResult[] = [];
const part = async (name: string, run: () => Promise<BenchResult[]>) => {
  const started = Date.now();
  process.stdout.write(`running ${name}…\n`);
  results.push(...await run());
  process.stdout.write(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
};

const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);
if (wanted('ack')) await part('acknowledgement latency', () => measureAckLatency(small ? [1, 10] : [1, 100, 1000]));
if (wanted('provider')) await part('provider load and freshness', () => measureProviderLoad(small ? 4 : 40, small ? 6 : 40));
if (wanted('busy')) await part('busy channel', () => measureBusyChannel(small ? 30 : 100));
if (wanted('scale')) await part('scale', () => measureScale(small ? 200 : 10_000, small ? 3_000 : 40_000));

mkdirSync(new URL('.', import.meta.url), { recursive: true });
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const width = Math.max(...results.map((r) => r.name.length));
process.stdout.write(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
for (const r of results) {
  process.stdout.write(`${r.met ? 'met ' : 'MISS'}  ${r.name.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(9)} goal: ${r.goal}\n`);
}
process.exit(0);
