import { PermissionFlagsBits } from 'discord.js';
import { expect } from 'vitest';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { isCallback, jobRows, jobRowsOf, videoOptions, type Harness } from './harness.ts';

export const adminPermissions = String(BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageGuild);
export const adminId = '1500000000000000099';

export interface Answer { type: number; content: string; flags: number; allowedMentions: unknown }

/** The interaction callback: type 4 carries the text (a /video status or any refusal), type 5 (deferred) is answered by an edit. */
export async function answerTo(h: Harness, interaction: { id: string; token: string }): Promise<Answer> {
  const callback = await h.discord.waitForRequest(isCallback(interaction.id));
  const body = callback.body as { type: number; data?: { content?: string; flags?: number; allowed_mentions?: unknown } };
  const answer = { type: body.type, content: body.data?.content ?? '', flags: body.data?.flags ?? 0, allowedMentions: body.data?.allowed_mentions };
  if (answer.type !== 5 || (answer.flags & 64) === 0) return answer;
  const edit = await h.discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${h.discord.appId}/${interaction.token}/messages/@original`);
  const data = edit.body as { content?: string; allowed_mentions?: unknown };
  return { ...answer, content: data.content ?? '', allowedMentions: data.allowed_mentions };
}

export const sendVideo = (h: Harness, userId = DEFAULT_USER_ID) =>
  h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId });

/** `/video-admin <subcommand>` from a member with Manage Server; the answer must be ephemeral. */
export async function runAdmin(h: Harness, subcommand: string, options: unknown[] = [], as: { userId?: string; memberPermissions?: string; roles?: string[] } = {}): Promise<Answer> {
  const answer = await answerTo(h, h.discord.sendCommand({
    name: 'video-admin', userId: as.userId ?? adminId, memberPermissions: as.memberPermissions ?? adminPermissions,
    ...(as.roles ? { roles: as.roles } : {}),
    options: [{ name: subcommand, type: 1, options }],
  }));
  expect(answer.flags & 64).toBe(64);
  expect(answer.allowedMentions).toEqual({ parse: [] });
  return answer;
}

export const auditActions = (h: Harness) => h.db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];
export const deliveredCount = (h: Harness) => jobRows(h.db).filter((j) => j.status === 'delivered').length;
/** The same on either engine (for the tests that also run on PostgreSQL). */
export const auditActionsOf = async (h: Harness) => (await h.sql.all<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).map((r) => r.action);
export const deliveredCountOf = async (h: Harness) => (await jobRowsOf(h)).filter((j) => j.status === 'delivered').length;
