import type { FakeDiscord, FakeMessage, RecordedRequest } from '../fakes/fakeDiscord.ts';
import { isCallback } from './harness.ts';

export const customId = (jobId: number, action: string) => `job:${jobId}:${action}`;

/** The custom ids of the buttons a message shows, in order. */
export function buttonIds(message: FakeMessage | undefined): string[] {
  const rows = (message?.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => (row.components ?? []).map((c) => c.custom_id ?? ''));
}

export interface ClickAnswer { type: number; content: string; ephemeral: boolean; callback: RecordedRequest }

/** What the clicker was shown: an ephemeral reply (type 4), or a deferred one (type 5) completed by an edit. */
export async function answerTo(discord: FakeDiscord, click: { id: string; token: string }, timeoutMs = 10_000): Promise<ClickAnswer> {
  const callback = await discord.waitForRequest(isCallback(click.id), timeoutMs);
  const body = callback.body as { type: number; data?: { content?: string; flags?: number } };
  const ephemeral = ((body.data?.flags ?? 0) & 64) !== 0;
  if (body.type !== 5) return { type: body.type, content: body.data?.content ?? '', ephemeral, callback };
  const edit = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.appId}/${click.token}/messages/@original`, timeoutMs);
  return { type: 5, content: String((edit.body as { content?: string }).content ?? ''), ephemeral, callback };
}

/** The embed of a card or result post. */
export interface EmbedJson { description?: string; color?: number; fields?: { name: string; value: string }[]; footer?: { text: string } }
export const embedOf = (message: FakeMessage | undefined) => message?.embeds[0] as EmbedJson | undefined;
export const fieldOf = (embed: EmbedJson | undefined, name: string) => embed?.fields?.find((f) => f.name === name)?.value;
