/** The settings that spread one bot over several hosts, as parsed (undefined where they were invalid). */
export interface HostSettings {
  databaseUrl: string | undefined;
  hostCount: number | undefined;
  hostIndex: number | undefined;
  shards: number | 'auto' | undefined;
  shardProcesses: number | undefined;
}

/**
 * Several hosts share one PostgreSQL and split a fixed number of shards between them: each must know
 * the same total (`auto` could differ between hosts started at different times), and each process
 * needs a shard of its own. One message per problem, never a value (the URL may carry a password).
 */
export function hostSettingProblems(s: HostSettings, shardsName: string): string[] {
  const problems: string[] = [];
  if (s.hostCount === undefined || s.hostIndex === undefined) return problems;
  if (s.hostIndex >= s.hostCount) problems.push(`HOST_INDEX: must be below HOST_COUNT (${s.hostCount})`);
  if (s.hostCount === 1) return problems;
  if (s.databaseUrl === undefined) problems.push('HOST_COUNT: several hosts need DATABASE_URL (a PostgreSQL they share); SQLite serves one host');
  if (s.shards === 'auto') problems.push(`${shardsName}: must be a fixed number when HOST_COUNT is above 1, the same on every host`);
  else if (s.shards !== undefined && s.shardProcesses !== undefined && s.shards < s.hostCount * s.shardProcesses) {
    problems.push(`${shardsName}: must be at least HOST_COUNT × SHARD_PROCESSES (${s.hostCount * s.shardProcesses}), so that every process runs a shard`);
  }
  return problems;
}
