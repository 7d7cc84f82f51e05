import type { FakeApimart } from '../test/fakes/fakeApimart.ts';
import type { FakeDiscord, RecordedRequest } from '../test/fakes/fakeDiscord.ts';
import { sleep } from './stats.ts';

export interface Sent { id: string; token: string; at: number; prompt: string }

/** Each visible change of a job, and the first status edit that showed it (undefined: never shown). */
export interface Staleness { stalenessMs: number[]; neverShown: number; changes: number; editsPerSecond: number }

const isShownEdit = (r: RecordedRequest) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.status < 300;
const tokenOfEdit = (r: RecordedRequest) => r.path.split('/')[3] as string;

/**
 * The visible changes of the jobs up to `cutoff`: a submission answered, and each poll that moved its
 * progress (the fake's tasks move on every poll).
 */
function changesUntil(apimart: FakeApimart, sent: Sent[], cutoff: number): { token: string; at: number }[] {
  const tokenOf = new Map(sent.map((s) => [s.prompt, s.token]));
  const tokenOfTask = new Map([...apimart.tasks.values()].map((t) => [t.id, tokenOf.get((t.request as { prompt?: string }).prompt ?? '')]));
  const changes: { token: string; at: number }[] = [];
  for (const r of apimart.requests) {
    if (r.at > cutoff || r.status !== 200) continue;
    const token = r.method === 'POST' ? tokenOf.get((r.body as { prompt?: string } | undefined)?.prompt ?? '') : r.method === 'GET' ? tokenOfTask.get(r.path.split('/').pop() ?? '') : undefined;
    if (token) changes.push({ token, at: r.at });
  }
  return changes;
}

/**
 * Staleness: each change up to `cutoff` to the first edit of its status that reached Discord after it.
 * The watch goes on after the cutoff until every one of those changes has been shown, or `catchUpMs`
 * has passed: a change never shown is a miss, counted apart and as never shown in the percentiles,
 * so a bot that falls behind cannot look fresher by being watched for less time.
 */
export async function watchStaleness(discord: FakeDiscord, apimart: FakeApimart, sent: Sent[], from: number, cutoff: number, catchUpMs: number): Promise<Staleness> {
  const changes = changesUntil(apimart, sent, cutoff);
  const lastChangeAt = new Map<string, number>();
  for (const c of changes) lastChangeAt.set(c.token, Math.max(lastChangeAt.get(c.token) ?? 0, c.at));
  const pending = new Set(lastChangeAt.keys());
  const giveUpAt = Date.now() + catchUpMs;
  let scanned = 0;
  while (pending.size > 0 && Date.now() < giveUpAt) {
    for (; scanned < discord.requests.length; scanned++) {
      const r = discord.requests[scanned] as RecordedRequest;
      if (isShownEdit(r) && r.at > (lastChangeAt.get(tokenOfEdit(r)) ?? Infinity)) pending.delete(tokenOfEdit(r));
    }
    await sleep(250);
  }
  const editsByToken = new Map<string, number[]>();
  for (const r of discord.requests) {
    if (isShownEdit(r)) editsByToken.set(tokenOfEdit(r), [...(editsByToken.get(tokenOfEdit(r)) ?? []), r.at]);
  }
  const stalenessMs = changes.map((c) => {
    const shown = (editsByToken.get(c.token) ?? []).find((at) => at > c.at);
    return shown === undefined ? Infinity : shown - c.at;
  });
  const editsInWatch = discord.requests.filter((r) => isShownEdit(r) && r.at >= from && r.at <= cutoff).length;
  return {
    stalenessMs, changes: changes.length, neverShown: stalenessMs.filter((ms) => ms === Infinity).length,
    editsPerSecond: editsInWatch / Math.max(1, (cutoff - from) / 1000),
  };
}
