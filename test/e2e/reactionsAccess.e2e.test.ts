import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { checkAndStop, isResultPost, ledgerRows, startHarness, type Harness } from './harness.ts';
import {
  auditRows, deliveredJob, dmChannelsOf, dmsTo, isMessageDelete, isOwnReactionRemoved, isUserReactionDelete, job, jobs,
  ledgerSum, otherMemberId, requesterId, startJob, waitForStatus,
} from './reactionsHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('who may react', () => {
  it('does nothing for another member’s ✅, ❌ and 🔁, charges nothing, and removes their reactions', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    // removing someone else's reaction needs Manage Messages, which the bot's default role lacks
    discord.setRolePermissions(discord.botRoleId, BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageMessages);
    const done = await deliveredJob(h);
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    const ledgerBefore = ledgerRows(h.db);

    const attempts = [
      { messageId: statusId, emoji: '✅' }, { messageId: statusId, emoji: '❌' },
      { messageId: done.result_message_id, emoji: '❌' }, { messageId: done.result_message_id, emoji: '🔁' },
    ];
    for (const a of attempts) discord.sendReaction({ userId: otherMemberId, ...a });
    for (const a of attempts) await discord.waitForRequest(isUserReactionDelete(a.messageId, a.emoji, otherMemberId));

    expect(job(h.db, awaiting.id).status).toBe('awaiting_confirmation');
    expect(jobs(h.db)).toHaveLength(2);
    expect(apimart.submits()).toHaveLength(1);
    expect(ledgerRows(h.db)).toEqual(ledgerBefore);
    expect(discord.requests.some(isMessageDelete(done.result_message_id))).toBe(false);
    expect(auditRows(h.db)).toEqual([]);
    expect(discord.messages.get(statusId)!.reactions.get('✅')?.has(otherMemberId)).toBe(false);
  });

  it('ignores the echo of its own 🔁, 📩 and ❌ on a result', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const done = await deliveredJob(h);
    // Marker: once another member's 📩 is answered, the echoes before it were handled too.
    discord.sendReaction({ userId: otherMemberId, messageId: done.result_message_id, emoji: '📩' });
    await discord.waitFor(() => dmsTo(discord, otherMemberId).length === 1);

    expect(dmChannelsOf(discord, discord.botUserId)).toEqual([]);
    expect(jobs(h.db)).toHaveLength(1);
    expect(apimart.submits()).toHaveLength(1);
    expect(discord.messages.get(done.result_message_id)!.deleted).toBe(false);
    expect(discord.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/${discord.botUserId}`))).toBe(false);
  });
});

describe('reactions across a restart', () => {
  it('re-rolls from a result posted before the restart', async () => {
    h = await startHarness();
    const first = await deliveredJob(h);
    h = await h.restart();
    const { discord, apimart } = h;
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    await discord.waitFor(() => jobs(h!.db).length === 2);
    const rerolled = jobs(h.db)[1]!;
    expect(rerolled.parent_job_id).toBe(first.id);
    await waitForStatus(h, rerolled.id, 'delivered');
    expect(apimart.submits()).toHaveLength(2);
    expect(apimart.submits()[1]!.body).toEqual(apimart.submits()[0]!.body);
    expect(discord.requests.filter(isResultPost)).toHaveLength(2);
  });

  it('confirms on a ✅ given after a restart', async () => {
    h = await startHarness({ appDeps: { confirmationWindowMs: 10_000 } });
    const awaiting = await startJob(h, { duration: 12 });
    h = await h.restart();
    const { discord, apimart } = h;
    const restartedAt = discord.requests.length;
    discord.sendReaction({ userId: requesterId, messageId: awaiting.status_message_id as string, emoji: '✅' });
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(1);
    const sinceRestart = (r: RecordedRequest) => discord.requests.indexOf(r) >= restartedAt;
    await discord.waitForRequest((r) => sinceRestart(r) && isOwnReactionRemoved(awaiting.status_message_id as string, '✅')(r));
    await discord.waitForRequest((r) => sinceRestart(r) && isOwnReactionRemoved(awaiting.status_message_id as string, '❌')(r));
  });

  it('expires a confirmation wait that runs out across a restart, releasing the reservation and its ✅/❌', async () => {
    // Within the default allowance: the restarted bot's first reaction writes come within the channel's
    // 250 ms window (429s). Without Manage Messages the other member's ✅ is left in place, not a 403.
    h = await startHarness({ appDeps: { confirmationWindowMs: 600 } });
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    h = await h.restart();
    const { discord, apimart } = h;
    await waitForStatus(h, awaiting.id, 'expired');
    expect(ledgerSum(h.db, awaiting.id).s).toBe(0);
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '✅'));
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '❌'));
    const status = discord.messages.get(statusId)!;
    expect([...(status.reactions.get('✅') ?? [])]).toEqual([]);
    expect(apimart.submits()).toHaveLength(0);

    discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '✅' });
    discord.sendReaction({ userId: otherMemberId, messageId: statusId, emoji: '✅' });
    await discord.waitFor(() => h!.logLines.some((line) => line.includes('"reaction_refused"') && line.includes(otherMemberId)));
    // Without Manage Messages the refused ✅ stays: a DELETE would only be a 403 towards Discord's invalid-request limit.
    // The restarted bot heard no interaction from the channel and caches none: it read the channel's overwrites.
    expect(discord.requests.some(isUserReactionDelete(statusId, '✅', otherMemberId))).toBe(false);
    expect(discord.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${discord.channelId}` && r.status === 200)).not.toEqual([]);
    expect(discord.requests.filter((r) => r.status === 403)).toEqual([]);
    expect(job(h.db, awaiting.id).status).toBe('expired');
    expect(apimart.submits()).toHaveLength(0);
  });
});
