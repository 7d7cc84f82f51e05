import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { checkAndStop, isCallback, startHarness, videoOptions, type Harness } from './harness.ts';
import { answerTo, customId } from './buttonsHelpers.ts';
import {
  adminListRole, auditRows, deliveredJob, dmsTo, isMessageDelete, job, jobs, managerId, otherMemberId, requesterId, roleAdminId,
  startJob, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
const ja = messagesFor('ja');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const isMemberFetch = (r: RecordedRequest) => r.method === 'GET' && /^\/guilds\/\d+\/members\/\d+$/.test(r.path);
const manageServer = String(BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageGuild);
/** Long enough for an action the bot wrongly took to have reached the fakes. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('a button acts on the job of the message it is on', () => {
  it('refuses a forged Delete that names the clicker’s own job on another member’s result, and deletes nothing', async () => {
    h = await startHarness();
    const { discord } = h;
    const mine = await deliveredJob(h, { userId: requesterId, prompt: 'mine' });
    const theirs = await deliveredJob(h, { userId: otherMemberId, prompt: 'theirs' });
    const forged = await answerTo(discord, discord.forgeClick(theirs.result_message_id, customId(mine.id, 'delete'), requesterId, { locale: 'ja' }));
    expect(forged).toMatchObject({ ephemeral: true, content: ja.controls.notThisMessage });
    await settle();
    expect(discord.requests.some(isMessageDelete(theirs.result_message_id))).toBe(false);
    expect(discord.messages.get(theirs.result_message_id)?.deleted).toBe(false);
    expect(discord.messages.get(mine.result_message_id)?.deleted).toBe(false);
  });

  it('refuses a forged DM me naming a job of another server, and a control that is not on this kind of message', async () => {
    const discord = await FakeDiscord.start();
    const other = discord.addGuild();
    h = await startHarness({ discord, ownsFakes: true });
    const elsewhere = await deliveredJob(h, { prompt: 'a job of the first server' });
    const strangerId = '1500000000000000077';
    discord.sendCommand({ name: 'video', channelId: other.channelIds[0], options: videoOptions({ duration: 4 }), userId: strangerId });
    const here = await waitForStatus(h, 2, 'delivered');
    const hereResult = here.result_message_id as string;
    await discord.waitFor(() => discord.messages.get(hereResult)?.components.length === 1);

    const dm = await answerTo(discord, discord.forgeClick(hereResult, customId(elsewhere.id, 'dm'), strangerId));
    expect(dm).toMatchObject({ ephemeral: true, content: en.controls.notThisMessage });
    const start = await answerTo(discord, discord.forgeClick(hereResult, customId(here.id, 'start'), strangerId));
    expect(start.content).toBe(en.controls.notThisMessage);
    await settle();
    expect(dmsTo(discord, strangerId)).toEqual([]);
    expect(h.apimart.submits()).toHaveLength(2);
  });

  it('refuses an Edit & retry form whose custom id names another job than the result it was opened on', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const first = await deliveredJob(h, { prompt: 'first' });
    const second = await deliveredJob(h, { prompt: 'second' });
    const forged = await answerTo(discord, discord.forgeModalSubmit(first.result_message_id, `job:${second.id}:retry`, requesterId, { prompt: 'a third prompt' }));
    expect(forged).toMatchObject({ ephemeral: true, content: en.controls.notThisMessage });
    await settle();
    expect(jobs(h.db)).toHaveLength(2);
    expect(apimart.submits()).toHaveLength(2);
  });
});

describe('the 3 seconds of a click', () => {
  it('decides admin from the interaction’s own member, Manage Server or an admin role, without fetching any member', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const first = await deliveredJob(h);
    const refused = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), otherMemberId));
    expect(refused.content).toBe(en.controls.onlyRequesterOrAdmin(first.id));
    const byRole = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'again'), roleAdminId, { roles: [adminListRole.id] }));
    expect(byRole.content).toBe(en.controls.newJob(2));
    await waitForStatus(h, 2, 'delivered');
    const byPermission = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'delete'), managerId, { memberPermissions: manageServer }));
    expect(byPermission.content).toBe(en.controls.deleted);
    expect(discord.messages.get(first.result_message_id)?.deleted).toBe(true);
    expect(auditRows(h.db)).toEqual([
      { actor_id: roleAdminId, action: 'reroll_job', target_user_id: requesterId, job_id: first.id },
      { actor_id: managerId, action: 'delete_result', target_user_id: requesterId, job_id: first.id },
    ]);
    expect(discord.requests.filter(isMemberFetch)).toEqual([]);
  });

  it('answers Delete before it sends the DELETE', async () => {
    h = await startHarness();
    const { discord } = h;
    const done = await deliveredJob(h);
    const click = discord.clickButton(done.result_message_id, customId(done.id, 'delete'), requesterId);
    const answer = await answerTo(discord, click);
    expect(answer).toMatchObject({ type: 5, ephemeral: true, content: en.controls.deleted });
    const callback = discord.requests.findIndex(isCallback(click.id));
    const deletion = discord.requests.findIndex(isMessageDelete(done.result_message_id));
    expect(callback).toBeGreaterThanOrEqual(0);
    expect(deletion).toBeGreaterThan(callback);
  });
});

describe('reactions, which carry no permissions', () => {
  it('look an admin up once for several reactions in a row', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const awaiting = [await startJob(h, { duration: 12, userId: requesterId }), await startJob(h, { duration: 12, userId: otherMemberId })];
    for (const a of awaiting) discord.sendReaction({ userId: roleAdminId, roles: [adminListRole.id], messageId: a.status_message_id as string, emoji: '❌' });
    for (const a of awaiting) await waitForStatus(h, a.id, 'cancelled');
    expect(discord.requests.filter(isMemberFetch)).toHaveLength(1);
    expect(job(h.db, awaiting[0]!.id).status).toBe('cancelled');
  });
});
