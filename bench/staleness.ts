import type { FakeApimart } from '../test/fakes/fakeApimart.ts';
import type { FakeDiscord } from '../test/fakes/fakeDiscord.ts';

/** The bot's default pace for one status message; staleness is judged against it. */
export const editPacingMs = 5_000;

export interface Sent { id: string; token: string; at: number; prompt: string }

/**
 * Staleness: each visible change of a job (its submission answered, each poll that moved its progress)
 * to the first edit of its status that reached Discord after it. A change no edit followed before the
 * end of the watch counts until the end. Changes in the last pacing interval + 1 s are not judged.
 */
export function staleness(discord: FakeDiscord, apimart: FakeApimart, sent: Sent[], endAt: number): number[] {
  const tokenOf = new Map(sent.map((s) => [s.prompt, s.token]));
  const editsByToken = new Map<string, number[]>();
  for (const r of discord.requests) {
    if (r.method !== 'PATCH' || !r.path.endsWith('/messages/@original') || r.status >= 300) continue;
    const token = r.path.split('/')[3] as string;
    editsByToken.set(token, [...(editsByToken.get(token) ?? []), r.at]);
  }
  const tokenOfTask = new Map([...apimart.tasks.values()].map((t) => [t.id, tokenOf.get((t.request as { prompt?: string }).prompt ?? '')]));
  const changes: { token: string; at: number }[] = [];
  for (const r of apimart.requests) {
    if (r.method === 'POST' && r.status === 200) {
      const token = tokenOf.get((r.body as { prompt?: string } | undefined)?.prompt ?? '');
      if (token) changes.push({ token, at: r.at });
    } else if (r.method === 'GET' && r.status === 200) {
      const token = tokenOfTask.get(r.path.split('/').pop() ?? '');
      if (token) changes.push({ token, at: r.at });
    }
  }
  const judgedUntil = endAt - editPacingMs - 1_000;
  return changes.filter((c) => c.at <= judgedUntil).map((c) => {
    const landed = (editsByToken.get(c.token) ?? []).find((at) => at > c.at);
    return (landed ?? endAt) - c.at;
  });
}
