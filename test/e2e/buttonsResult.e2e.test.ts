import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { answerTo, buttonIds, customId } from './buttonsHelpers.ts';
import { registeredMentions } from './commandMentions.ts';
import {
  adminListRole, auditRows, contentOf, deliveredJob, dmsTo, isMessageDelete, jobs, ledgerCount, otherMemberId, requesterId,
  roleAdminId, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
const ja = messagesFor('ja');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('buttons on a result post', () => {
  it('carries Again, Edit & retry, DM me and Delete beside its reactions', async () => {
    h = await startHarness();
    const done = await deliveredJob(h);
    const result = h.discord.messages.get(done.result_message_id)!;
    expect(buttonIds(result)).toEqual(['again', 'edit', 'dm', 'delete'].map((a) => customId(done.id, a)));
    expect([...result.reactions.keys()]).toEqual(['🔁', '📩', '❌']);
  });

  it('makes a new job on Again by the requester, refuses another member, and takes a 🔁 and an admin’s Again right after as the same request', async () => {
    h = await startWithAdminRoles();
    const { discord, apimart } = h;
    const first = await deliveredJob(h, { prompt: 'a heron landing on a frozen pond' });
    const again = customId(first.id, 'again');

    const refused = await answerTo(discord, discord.clickButton(first.result_message_id, again, otherMemberId));
    expect(refused).toMatchObject({ ephemeral: true, content: en.controls.onlyRequesterOrAdmin(first.id) });
    expect(jobs(h.db)).toHaveLength(1);

    const own = await answerTo(discord, discord.clickButton(first.result_message_id, again, requesterId));
    expect(own).toMatchObject({ ephemeral: true, content: en.controls.newJob(2) });
    expect(jobs(h.db)[1]).toMatchObject({ parent_job_id: first.id, user_id: requesterId, request_json: first.request_json });
    await waitForStatus(h, 2, 'delivered');

    // Same dedupe as 🔁: a reaction right after the click is the same request.
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    const admin = await answerTo(discord, discord.clickButton(first.result_message_id, again, roleAdminId, { roles: [adminListRole.id] }));
    expect(admin.content).toBe(en.controls.duplicate);
    expect(jobs(h.db)).toHaveLength(2);
    expect(apimart.submits()).toHaveLength(2);
    expect(auditRows(h.db)).toEqual([]);
  });

  it('lets an admin click Again on someone’s result, paid by the admin, with an audit entry', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const first = await deliveredJob(h);
    const admin = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), roleAdminId, { roles: [adminListRole.id] }));
    expect(admin.content).toBe(en.controls.newJob(2));
    expect(jobs(h.db)[1]).toMatchObject({ parent_job_id: first.id, user_id: roleAdminId });
    await waitForStatus(h, 2, 'delivered');
    expect(auditRows(h.db)).toEqual([{ actor_id: roleAdminId, action: 'reroll_job', target_user_id: requesterId, job_id: first.id }]);
  });

  it('answers Again over the budget with the reset time, privately and in the clicker’s language, reserving nothing', async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '0.3424' } });
    const { discord, apimart } = h;
    const first = await deliveredJob(h);
    const before = ledgerCount(h.db);
    const answer = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), requesterId, { locale: 'ja' }));
    const resetsAt = Math.floor(utcPeriods(Date.now()).dayEnd / 1000);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe(ja.budgetExceeded('user_daily', 342_400, 0, resetsAt * 1000));
    expect(answer.content).toContain(`<t:${resetsAt}:R>`);
    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(before);
    expect(apimart.submits()).toHaveLength(1);
    expect(dmsTo(discord, requesterId)).toEqual([]);
  });

  it('DMs anyone who clicks DM me, after a deferred private answer; tells them when their DMs are closed', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const done = await deliveredJob(h);
    const answer = await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), otherMemberId));
    expect(answer).toMatchObject({ type: 5, ephemeral: true, content: en.controls.dmSent });
    const dm = dmsTo(discord, otherMemberId)[0]!;
    expect(Buffer.compare(dm.files[0]!.bytes, apimart.defaults.videoBytes)).toBe(0);
    expect(contentOf(dm)).toBe(en.reactions.dmCopy(done.id));

    const closedId = '1500000000000000009';
    discord.dmFailsFor(closedId);
    const closed = await answerTo(discord, discord.clickButton(done.result_message_id, customId(done.id, 'dm'), closedId));
    expect(closed).toMatchObject({ ephemeral: true, content: en.reactions.dmClosed });
  });

  it('deletes the result on Delete by the requester and by an admin (audited); refuses another member', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const own = await deliveredJob(h);
    const refused = await answerTo(discord, discord.clickButton(own.result_message_id, customId(own.id, 'delete'), otherMemberId));
    expect(refused.content).toBe(en.controls.onlyRequesterOrAdmin(own.id));
    expect(discord.messages.get(own.result_message_id)!.deleted).toBe(false);

    const answer = await answerTo(discord, discord.clickButton(own.result_message_id, customId(own.id, 'delete'), requesterId));
    expect(answer).toMatchObject({ ephemeral: true, content: en.controls.deleted });
    expect(discord.messages.get(own.result_message_id)!.deleted).toBe(true);

    const second = await deliveredJob(h);
    const byAdmin = await answerTo(discord, discord.clickButton(second.result_message_id, customId(second.id, 'delete'), roleAdminId, { roles: [adminListRole.id] }));
    expect(byAdmin.content).toBe(en.controls.deleted);
    await discord.waitForRequest(isMessageDelete(second.result_message_id));
    expect(auditRows(h.db)).toEqual([{ actor_id: roleAdminId, action: 'delete_result', target_user_id: requesterId, job_id: second.id }]);
  });

  it('works on a result posted before a restart: Again, DM me, and Delete (refused to another member)', async () => {
    h = await startHarness();
    const first = await deliveredJob(h);
    h = await h.restart();
    const { discord } = h;
    const answer = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), requesterId));
    expect(answer.content).toBe(en.controls.newJob(2));
    await waitForStatus(h, 2, 'delivered');
    const dm = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'dm'), otherMemberId));
    expect(dm.content).toBe(en.controls.dmSent);
    expect(h.apimart.submits()).toHaveLength(2);
    const refused = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'delete'), otherMemberId));
    expect(refused.content).toBe(en.controls.onlyRequesterOrAdmin(first.id));
    const deleted = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'delete'), requesterId));
    expect(deleted.content).toBe(en.controls.deleted);
    expect(discord.messages.get(first.result_message_id)!.deleted).toBe(true);
  });
});

describe('a result whose prompt was erased (RETENTION_DAYS)', () => {
  it('refuses Again, 🔁 and DM me instead of sending an empty prompt, and opens Edit & retry with an empty field', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const first = await deliveredJob(h);
    h.db.prepare("UPDATE jobs SET request_json = json_set(request_json, '$.prompt', ''), erased_at = ? WHERE id = ?").run(Date.now(), first.id);
    const before = ledgerCount(h.db);
    const erased = en.ops.jobErased(first.id, registeredMentions(discord));
    const answer = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), requesterId));
    expect(answer).toMatchObject({ ephemeral: true, content: erased });
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    await discord.waitFor(() => dmsTo(discord, requesterId).some((r) => contentOf(r) === erased));

    const dm = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'dm'), otherMemberId));
    expect(dm.content).toBe(erased);
    const edit = discord.clickButton(first.result_message_id, customId(first.id, 'edit'), requesterId);
    const modal = (await answerTo(discord, edit)).callback.body as { type: number; data: { components: { components: { value?: string }[] }[] } };
    expect(modal.type).toBe(9);
    expect(modal.data.components[0]!.components[0]!.value).toBeUndefined();
    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(before);
    expect(apimart.submits()).toHaveLength(1);
  });
});
