import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import type { FakeDiscord, FakeOverwrite, RecordedRequest } from '../fakes/fakeDiscord.ts';
import { isCallback, videoOptions, type Harness } from './harness.ts';
import { jobs, type JobRecord } from './reactionsHelpers.ts';

export const allow = (id: string, ...flags: bigint[]): FakeOverwrite => ({ id, type: 0, allow: String(flags.reduce((a, b) => a | b, 0n)), deny: '0' });
export const deny = (id: string, ...flags: bigint[]): FakeOverwrite => ({ id, type: 0, allow: '0', deny: String(flags.reduce((a, b) => a | b, 0n)) });
export { P };

/** The first answer to an interaction: its content and whether only the user sees it. */
export async function answerTo(discord: FakeDiscord, interactionId: string): Promise<{ ephemeral: boolean; content: string; type: number }> {
  const callback = await discord.waitForRequest(isCallback(interactionId), 10_000);
  const body = callback.body as { type: number; data?: { content?: string; flags?: number } };
  return { type: body.type, ephemeral: ((body.data?.flags ?? 0) & 64) !== 0, content: body.data?.content ?? '' };
}

/** Sends `/video` in a channel and returns the interaction id. */
export function videoIn(discord: FakeDiscord, channelId: string, o: { duration?: number; userId?: string } = {}): string {
  return discord.sendCommand({ name: 'video', channelId, options: videoOptions({ duration: o.duration ?? 4 }), ...(o.userId ? { userId: o.userId } : {}) }).id;
}

export async function jobCreated(h: Harness, count: number): Promise<JobRecord> {
  await h.discord.waitFor(() => jobs(h.db).length >= count, 10_000);
  return jobs(h.db)[count - 1] as JobRecord;
}

export const postsTo = (channelId: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`;
export const reactionWritesIn = (discord: FakeDiscord, channelId: string) =>
  discord.requests.filter((r) => r.path.startsWith(`/channels/${channelId}/messages/`) && r.path.includes('/reactions/'));
export const ledgerKinds = (h: Harness, jobId: number) =>
  (h.db.prepare('SELECT kind FROM ledger WHERE job_id = ? ORDER BY id').all(jobId) as { kind: string }[]).map((r) => r.kind);
