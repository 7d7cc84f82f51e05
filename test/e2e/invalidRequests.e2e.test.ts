import { createServer } from 'node:net';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { answerTo, customId } from './buttonsHelpers.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { deliveredJob, dmsTo, isUserReactionDelete, otherMemberId, startJob } from './reactionsHelpers.ts';

/**
 * Discord bans the IP of a bot that makes 10,000 invalid requests (401, 403, 429) in 10 minutes
 * (topics/rate-limits#invalid-request-limit-aka-cloudflare-bans). Issue 19 item 5, the bot's side:
 * it does not repeat requests it knows Discord will refuse, and counts the ones it made.
 */

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const en = messagesFor('en');
const refusals = (h: Harness) => h.discord.requests.filter((r) => r.status === 401 || r.status === 403);
const userReactionDeletes = (h: Harness) => h.discord.requests.filter((r) => r.method === 'DELETE' && /\/reactions\/[^/]+\/\d+$/.test(r.path));
const refusedLogged = (h: Harness, userId: string) => h.logLines.filter((line) => {
  const entry = JSON.parse(line) as { event?: string; userId?: string };
  return entry.event === 'reaction_refused' && entry.userId === userId;
}).length;
const isDmOpen = (r: RecordedRequest) => r.method === 'POST' && r.path === '/users/@me/channels';
const tooFast = { status: 403, body: { code: 40003, message: 'You are opening direct messages too fast' } };

const freePort = () => new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const metricValue = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('refused reactions', () => {
  it('are left in place without Manage Messages, with no DELETE for Discord to refuse, and taken off once an interaction there says the role has it', async () => {
    h = await startHarness();
    const { discord } = h;
    // The /video's interaction carried the bot's permissions in the channel: no Manage Messages.
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;

    for (const emoji of ['✅', '❌']) discord.sendReaction({ userId: otherMemberId, messageId: statusId, emoji });
    await discord.waitFor(() => refusedLogged(h!, otherMemberId) === 2);
    expect(userReactionDeletes(h)).toEqual([]);
    expect(refusals(h)).toEqual([]);

    // The bot's role gets Manage Messages; the bot caches no channels, so it learns it from the next
    // interaction in that channel (its app_permissions), here a member's /usage.
    discord.setRolePermissions(discord.botRoleId, BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageMessages);
    await answerTo(discord, discord.sendCommand({ name: 'usage', userId: otherMemberId }));
    discord.sendReaction({ userId: otherMemberId, messageId: statusId, emoji: '✅' });
    const removed = await discord.waitForRequest(isUserReactionDelete(statusId, '✅', otherMemberId));
    expect(removed.status).toBeLessThan(300);
    expect(refusals(h)).toEqual([]);
  });

  it('are left alone in a channel for a while after Discord refused to take one off', async () => {
    h = await startHarness();
    const { discord } = h;
    discord.setRolePermissions(discord.botRoleId, BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageMessages);
    const done = await deliveredJob(h);
    // Discord knows better than the permissions the last interaction carried (a change since).
    discord.failNext({ method: 'DELETE', path: /\/reactions\/[^/]+\/\d+$/ }, { status: 403, body: { code: 50013, message: 'Missing Permissions' } });

    discord.sendReaction({ userId: otherMemberId, messageId: done.result_message_id, emoji: '❌' });
    await discord.waitForRequest(isUserReactionDelete(done.result_message_id, '❌', otherMemberId));
    for (const emoji of ['🔁', '❌']) discord.sendReaction({ userId: otherMemberId, messageId: done.result_message_id, emoji });
    await discord.waitFor(() => refusedLogged(h!, otherMemberId) === 3);

    expect(userReactionDeletes(h)).toHaveLength(1);
    expect(refusals(h).map((r) => r.status)).toEqual([403]);
  });
});

describe('DMs opened too fast (40003)', () => {
  it('answers DM me with ask-again-later, and opens no DM at all while Discord holds them back', async () => {
    h = await startHarness();
    const { discord } = h;
    const done = await deliveredJob(h);
    discord.failNext({ method: 'POST', path: /^\/users\/@me\/channels$/ }, tooFast);

    const first = await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect(first).toMatchObject({ ephemeral: true, content: en.controls.dmLater });
    const opened = discord.requests.filter(isDmOpen).length;
    const second = await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect(second).toMatchObject({ ephemeral: true, content: en.controls.dmLater });

    expect(discord.requests.filter(isDmOpen)).toHaveLength(opened);
    expect(dmsTo(discord, otherMemberId)).toEqual([]);
    expect(refusals(h).map((r) => r.status)).toEqual([403]);
  });
});

describe('the invalid-request metric', () => {
  it('counts each 401, 403 and 429 Discord answered, by status, but not a 429 of shared scope', async () => {
    const port = await freePort();
    h = await startHarness({ env: { METRICS_PORT: String(port) } });
    const { discord } = h;
    const resultPost = { method: 'POST', path: new RegExp(`^/channels/${discord.channelId}/messages$`) };
    const limited = (scope: 'user' | 'shared') => ({ status: 429, retryAfterSec: 0.2, scope });
    // A shared limit is another bot's traffic on the same resource: Discord does not hold it against this one.
    discord.failNext(resultPost, limited('shared'));
    discord.failNext(resultPost, limited('user'));
    const done = await deliveredJob(h);
    discord.dmFailsFor(otherMemberId);
    await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // The fake counts as Discord does; the shared 429 was answered but is in neither count.
    const counted = (status: number) => discord.invalidRequests.filter((r) => r.status === status).length;
    expect(discord.requests.filter((r) => r.status === 429).length).toBe(counted(429) + 1);
    expect(counted(429)).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'videobot_discord_invalid_requests_total{status="429"}')).toBe(counted(429));
    expect(counted(403)).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'videobot_discord_invalid_requests_total{status="403"}')).toBe(counted(403));
  });
});
