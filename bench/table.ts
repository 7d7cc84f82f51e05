import { readFileSync } from 'node:fs';
import type { BenchResult } from './stats.ts';

/**
 * `npx tsx bench/table.ts a.json [b.json …]`: the markdown table of docs/performance.md from one or more
 * `bench/results.json` files, runs side by side, so the table is generated rather than copied by hand.
 */
interface RunFile { meta: { commit: string; size: string; date: string; node: string; cpu: string; cores: number; dirty?: boolean }; results: BenchResult[] }

const runs = process.argv.slice(2).map((path) => JSON.parse(readFileSync(path, 'utf8')) as RunFile);
if (runs.length === 0) {
  process.stderr.write('usage: tsx bench/table.ts results.json [more.json …]\n');
  process.exit(2);
}

const names = [...new Set(runs.flatMap((run) => run.results.map((r) => r.name)))];
const cell = (r: BenchResult | undefined) => (r ? `${r.value} ${r.unit}${r.met ? '' : ' **missed**'}` : '–');
const lines = [
  ...runs.map((run, i) => `Run ${i + 1}: ${run.meta.size} run of ${run.meta.commit.slice(0, 10)}${run.meta.dirty ? ' (uncommitted changes)' : ''}, ${run.meta.date}, ${run.meta.cores} × ${run.meta.cpu}, Node ${run.meta.node}.`),
  '',
  `| measurement | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} | goal |`,
  `|---|${runs.map(() => '---|').join('')}---|`,
  ...names.map((name) => {
    const found = runs.map((run) => run.results.find((r) => r.name === name));
    const goal = found.find((r) => r !== undefined)?.goal ?? '';
    return `| \`${name}\` | ${found.map(cell).join(' | ')} | ${goal.replace(/\|/g, '\\|')} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
