import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { buttonIds } from './buttonsHelpers.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { registeredMentions } from './commandMentions.ts';
import {
  adminListRole, auditRows, contentOf, deliveredJob, dmsTo, isChannelPost, isMessageDelete, jobs, ledgerCount,
  manageServerRole, managerId, otherMemberId, requesterId, resultPosts, roleAdminId, startJob, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});


describe('reactions on a result message', () => {
  it('deletes the result on ❌ by the requester, and by an admin with an audit entry', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const own = await deliveredJob(h);
    discord.sendReaction({ userId: requesterId, messageId: own.result_message_id, emoji: '❌' });
    await discord.waitForRequest(isMessageDelete(own.result_message_id));
    expect(discord.messages.get(own.result_message_id)!.deleted).toBe(true);
    expect(auditRows(h.db)).toEqual([]);

    const second = await deliveredJob(h);
    discord.sendReaction({ userId: managerId, messageId: second.result_message_id, emoji: '❌', roles: [manageServerRole.id] });
    await discord.waitForRequest(isMessageDelete(second.result_message_id));
    const third = await deliveredJob(h);
    discord.sendReaction({ userId: roleAdminId, messageId: third.result_message_id, emoji: '❌', roles: [adminListRole.id] });
    await discord.waitForRequest(isMessageDelete(third.result_message_id));
    await discord.waitFor(() => auditRows(h!.db).length === 2);
    expect(auditRows(h.db)).toEqual([
      { actor_id: managerId, action: 'delete_result', target_user_id: requesterId, job_id: second.id },
      { actor_id: roleAdminId, action: 'delete_result', target_user_id: requesterId, job_id: third.id },
    ]);
  });

  it('makes one new job with the same parameters on the requester’s 🔁', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const first = await deliveredJob(h, { prompt: 'a heron landing on a frozen pond' });
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    await discord.waitFor(() => jobs(h!.db).length === 2);
    const rerolled = jobs(h.db)[1]!;
    expect(rerolled).toMatchObject({ parent_job_id: first.id, user_id: requesterId, request_json: first.request_json });
    await waitForStatus(h, rerolled.id, 'delivered');
    expect(apimart.submits()).toHaveLength(2);
    expect(apimart.submits()[1]!.body).toEqual(apimart.submits()[0]!.body);
    expect(resultPosts(discord)).toHaveLength(2);
  });

  it('lets an admin re-roll someone’s result as a job of their own, with an audit entry', async () => {
    h = await startWithAdminRoles();
    const { discord, apimart } = h;
    const first = await deliveredJob(h);
    discord.sendReaction({ userId: roleAdminId, messageId: first.result_message_id, emoji: '🔁', roles: [adminListRole.id] });
    await discord.waitFor(() => jobs(h!.db).length === 2);
    expect(jobs(h.db)[1]).toMatchObject({ parent_job_id: first.id, user_id: roleAdminId, request_json: first.request_json });
    await waitForStatus(h, jobs(h.db)[1]!.id, 'delivered');
    expect(apimart.submits()).toHaveLength(2);
    expect(auditRows(h.db)).toEqual([{ actor_id: roleAdminId, action: 'reroll_job', target_user_id: requesterId, job_id: first.id }]);
  });

  it('refuses 🔁 over the daily budget: nothing submitted or reserved, the reactor told by DM, else by a self-deleting reply', async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '0.3424' }, appDeps: { reactionNoticeLifetimeMs: 200 } });
    const { discord, apimart } = h;
    const first = await deliveredJob(h);
    const ledgerRowsBefore = ledgerCount(h.db);

    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    await discord.waitFor(() => dmsTo(discord, requesterId).length === 1);
    expect(contentOf(dmsTo(discord, requesterId)[0]!)).toContain('daily budget');

    discord.dmFailsFor(requesterId);
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    const notice = await discord.waitForRequest((r) => isChannelPost(discord.channelId)(r) && contentOf(r).includes('daily budget'));
    expect(contentOf(notice)).toContain(`<@${requesterId}>`);
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [requesterId] } });
    const noticeId = (notice.responseBody as { id: string }).id;
    await discord.waitForRequest(isMessageDelete(noticeId));
    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(ledgerRowsBefore);
    expect(apimart.submits()).toHaveLength(1);
  });

  it('sends anyone who reacts 📩 the video by DM, and a short channel reply when their DMs are closed', async () => {
    h = await startHarness({ appDeps: { reactionNoticeLifetimeMs: 200 } });
    const { discord, apimart } = h;
    const done = await deliveredJob(h);
    discord.sendReaction({ userId: otherMemberId, messageId: done.result_message_id, emoji: '📩' });
    await discord.waitFor(() => dmsTo(discord, otherMemberId).length === 1);
    const dm = dmsTo(discord, otherMemberId)[0]!;
    expect(dm.files).toHaveLength(1);
    expect(Buffer.compare(dm.files[0]!.bytes, apimart.defaults.videoBytes)).toBe(0);
    expect(contentOf(dm)).toBe(en.reactions.dmCopy(done.id));

    const closedId = '1500000000000000009';
    discord.dmFailsFor(closedId);
    discord.sendReaction({ userId: closedId, messageId: done.result_message_id, emoji: '📩' });
    const notice = await discord.waitForRequest((r) => isChannelPost(discord.channelId)(r) && contentOf(r).includes(en.reactions.dmClosed));
    expect(contentOf(notice)).toBe(`<@${closedId}> ${en.reactions.dmClosed}`);
    await discord.waitForRequest(isMessageDelete((notice.responseBody as { id: string }).id));
    expect(dmsTo(discord, closedId)).toEqual([]);
    expect(apimart.submits()).toHaveLength(1);
  });

  it('makes exactly one new job for a burst of five 🔁 from the requester', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const first = await deliveredJob(h);
    for (let i = 0; i < 5; i++) discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    // Marker: the 📩 below is handled after the five 🔁 before it.
    discord.sendReaction({ userId: otherMemberId, messageId: first.result_message_id, emoji: '📩' });
    await discord.waitFor(() => dmsTo(discord, otherMemberId).length === 1);
    await discord.waitFor(() => jobs(h!.db).length === 2);
    await waitForStatus(h, jobs(h.db)[1]!.id, 'delivered');
    expect(jobs(h.db)).toHaveLength(2);
    expect(apimart.submits()).toHaveLength(2);
  });

  it('still delivers the video without Add Reactions, pointing to its buttons, which the hint edit keeps', async () => {
    h = await startHarness();
    const { discord } = h;
    discord.failNext({ method: 'PUT', path: /\/reactions\/[^/]+\/@me$/ }, { status: 403, body: { message: 'Missing Permissions', code: 50013 }, times: 10 });
    const started = await startJob(h, { duration: 4 });
    const done = await waitForStatus(h, started.id, 'delivered');
    const resultId = done.result_message_id as string;
    const hint = en.reactions.unavailableHint(registeredMentions(discord));
    expect(hint).toMatch(/<\/video:\d+>/);
    await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${resultId}`) && contentOf(r).includes(hint));
    const result = discord.messages.get(resultId)!;
    expect(result.content).toContain(hint);
    expect(buttonIds(result)).toEqual(['again', 'edit', 'dm', 'delete'].map((a) => `job:${done.id}:${a}`));
    expect(result.content).toBe(`<@${requesterId}>\n${hint}`);
    expect(result.attachments).toHaveLength(1);
    expect(result.deleted).toBe(false);
  });
});
