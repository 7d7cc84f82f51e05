import type { Config } from './config.ts';

/**
 * V8's flags for the bot's processes, so that memory follows the work rather than the allocation rate.
 *
 * Polling allocates for every answer, and by default V8 keeps a 16 MB young generation per semi-space
 * and lets old space grow to about 3.5 times the live heap before a full collection: at 10,000 jobs
 * the bench saw 356–360 MB resident for 57–62 MB live. A small young generation and a fixed growth of
 * half the live heap keep the resident size near the work; the cap on old space, derived from the
 * configured load with room to spare, turns a leak into a crash the supervisor restarts, instead of a
 * host that swaps.
 */
const semiSpaceMb = 2;
const heapGrowingPercent = 50;
/** The live heap of a started bot, and what each job at the provider and each server add (bench: scale, sharding). */
const baseLiveMb = 48;
const liveBytesPerJob = 3_000;
const liveBytesPerServer = 20_000;
/** Discord refuses to keep a shard with more servers than this. */
const maxServersPerShard = 2_500;
const capHeadroom = 3;
const minOldSpaceMb = 256;

export type ProcessRole = 'bot' | 'manager';

/** The role this process plays: with SHARD_PROCESSES > 1, the process `npm start` runs only manages the others. */
export const roleOf = (config: Config): ProcessRole => (config.shardProcesses > 1 && !config.shardProcess ? 'manager' : 'bot');

/**
 * The flags for a bot process (alone, or one of SHARD_PROCESSES) or for the manager. Every job at the
 * provider may belong to any process's servers, so each process is sized for all of them. With
 * `DISCORD_SHARDS=auto` the servers per process are not known before Discord is asked, so old space
 * has no cap then; the young generation and the growth still apply.
 */
export function heapFlags(config: Config, role: ProcessRole = roleOf(config)): string[] {
  const flags = [`--max-semi-space-size=${semiSpaceMb}`, `--heap-growing-percent=${heapGrowingPercent}`];
  if (role === 'manager') return [...flags, `--max-old-space-size=${minOldSpaceMb}`];
  if (config.shards === 'auto') return flags;
  const servers = Math.ceil(config.shards / config.shardProcesses) * maxServersPerShard;
  const liveMb = baseLiveMb + (config.maxConcurrentJobs * liveBytesPerJob + servers * liveBytesPerServer) / 2 ** 20;
  return [...flags, `--max-old-space-size=${Math.max(minOldSpaceMb, Math.ceil(liveMb * capHeadroom))}`];
}
