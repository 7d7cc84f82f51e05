import type { RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import type { BenchResult } from './stats.ts';

export interface LimitsSeen { route429: number; global429: number; routes: string[] }

const isGlobal = (r: RecordedRequest) => (r.responseBody as { global?: boolean } | undefined)?.global === true;
const routeOf = (r: RecordedRequest) => `${r.method} ${r.path.replace(/\d{17,20}/g, ':id').replace(/\/webhooks\/:id\/[^/]+/, '/webhooks/:id/:token')}${isGlobal(r) ? ' (global)' : ''}`;

/** The 429s a fake Discord that enforces Discord's limits answered the bot, by kind and route. */
export function limitsSeen(requests: readonly RecordedRequest[]): LimitsSeen {
  const limited = requests.filter((r) => r.status === 429);
  return {
    route429: limited.filter((r) => !isGlobal(r)).length,
    global429: limited.filter(isGlobal).length,
    routes: [...new Set(limited.map(routeOf))],
  };
}

/**
 * A global 429 is a correctness failure, not a slow moment: enough of them (with 401s and 403s, 10,000
 * in 10 minutes) get the bot's IP banned by Discord for about an hour. CI fails on any.
 */
export function global429Result(stage: string, seen: readonly LimitsSeen[], runs: number): BenchResult {
  const count = seen.reduce((n, s) => n + s.global429, 0);
  return {
    name: `discord_global_429_${stage}`, value: count, unit: 'responses', invariant: true, met: count === 0,
    goal: `0 (Discord's limits enforced; ${runs} run${runs === 1 ? '' : 's'})`,
  };
}
