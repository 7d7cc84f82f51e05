import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';
import { answerTo, buttonIds, customId } from './buttonsHelpers.ts';
import {
  adminListRole, auditRows, job, ledgerSum, otherMemberId, requesterId, roleAdminId, startJob, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
const ja = messagesFor('ja');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('Start and Cancel buttons on a status card', () => {
  it('starts a job waiting for ✅ when its requester clicks Start, answering only them, and drops both buttons in the edit that shows it started', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    expect(buttonIds(discord.messages.get(statusId))).toEqual([customId(awaiting.id, 'start'), customId(awaiting.id, 'cancel')]);
    const labels = (discord.messages.get(statusId)!.components[0] as { components: { label: string }[] }).components.map((c) => c.label);
    expect(labels).toEqual([en.controls.start, en.controls.cancel]);
    // The estimate is the card's own field, right above: the button does not repeat it.
    expect(labels[0]).toBe('Start');

    const click = discord.clickButton(statusId, customId(awaiting.id, 'start'), requesterId);
    const answer = await answerTo(discord, click);
    expect(answer).toMatchObject({ type: 4, ephemeral: true, content: en.controls.started(awaiting.id) });
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(1);

    // Every edit of the card after the click carries no Start or Cancel, in the same request as the new state.
    const edits = discord.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.at >= answer.callback.at);
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) expect((edit.body as { components?: unknown[] }).components).toEqual([]);
    expect(buttonIds(discord.messages.get(statusId))).toEqual([]);
  });

  it('refuses Start from another member and from an admin, ephemerally, and leaves the job waiting', async () => {
    h = await startWithAdminRoles();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;

    const other = await answerTo(discord, discord.clickButton(statusId, customId(awaiting.id, 'start'), otherMemberId));
    expect(other).toMatchObject({ type: 4, ephemeral: true, content: en.controls.onlyRequesterStart(awaiting.id) });
    const admin = await answerTo(discord, discord.clickButton(statusId, customId(awaiting.id, 'start'), roleAdminId, { roles: [adminListRole.id] }));
    expect(admin).toMatchObject({ ephemeral: true, content: en.controls.onlyRequesterStart(awaiting.id) });
    expect(job(h.db, awaiting.id).status).toBe('awaiting_confirmation');
    expect(apimart.submits()).toHaveLength(0);
    expect(buttonIds(discord.messages.get(statusId))).toHaveLength(2);
  });

  it('answers a refused click in Japanese for a Japanese clicker, whatever the job’s language', async () => {
    h = await startHarness();
    const { discord } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const click = discord.clickButton(awaiting.status_message_id as string, customId(awaiting.id, 'start'), otherMemberId, { locale: 'ja' });
    const answer = await answerTo(discord, click);
    expect(answer).toMatchObject({ ephemeral: true, content: ja.controls.onlyRequesterStart(awaiting.id) });
    expect(answer.content).toContain('依頼した本人だけ');
  });

  it('cancels on Cancel by the requester and by an admin (audited), refuses another member, and releases the reservation', async () => {
    h = await startWithAdminRoles();
    const { discord, apimart } = h;
    const first = await startJob(h, { duration: 12 });
    const firstId = first.status_message_id as string;
    const refused = await answerTo(discord, discord.clickButton(firstId, customId(first.id, 'cancel'), otherMemberId));
    expect(refused).toMatchObject({ ephemeral: true, content: en.controls.onlyRequesterOrAdmin(first.id) });
    expect(job(h.db, first.id).status).toBe('awaiting_confirmation');

    const own = await answerTo(discord, discord.clickButton(firstId, customId(first.id, 'cancel'), requesterId));
    expect(own).toMatchObject({ ephemeral: true, content: en.controls.cancelled(first.id) });
    await waitForStatus(h, first.id, 'cancelled');
    expect(ledgerSum(h.db, first.id).s).toBe(0);
    await discord.waitFor(() => buttonIds(discord.messages.get(firstId)).length === 0);
    expect(discord.messages.get(firstId)!.content).toContain(en.status.cancelled);

    const second = await startJob(h, { duration: 12 });
    const byAdmin = await answerTo(discord, discord.clickButton(second.status_message_id as string, customId(second.id, 'cancel'), roleAdminId, { roles: [adminListRole.id] }));
    expect(byAdmin.content).toBe(en.controls.cancelled(second.id));
    await waitForStatus(h, second.id, 'cancelled');
    expect(auditRows(h.db)).toEqual([{ actor_id: roleAdminId, action: 'cancel_job', target_user_id: requesterId, job_id: second.id }]);
    expect(apimart.submits()).toHaveLength(0);
  });

  it('shows only Cancel on a queued job, cancels it on a click and takes the button away', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1' } });
    const { discord, apimart } = h;
    apimart.setTaskPlan('next', { outcome: 'never' });
    const running = await startJob(h, { duration: 8, prompt: 'the one that holds the only slot' });
    await waitForStatus(h, running.id, 'submitted');
    const queued = await startJob(h, { duration: 8, prompt: 'the one that waits' });
    const statusId = queued.status_message_id as string;
    await discord.waitFor(() => discord.messages.get(statusId)!.content.includes('Queued'));
    expect(buttonIds(discord.messages.get(statusId))).toEqual([customId(queued.id, 'cancel')]);
    expect(buttonIds(discord.messages.get(running.status_message_id as string))).toEqual([]);

    const answer = await answerTo(discord, discord.clickButton(statusId, customId(queued.id, 'cancel'), requesterId));
    expect(answer.content).toBe(en.controls.cancelled(queued.id));
    await waitForStatus(h, queued.id, 'cancelled');
    await discord.waitFor(() => buttonIds(discord.messages.get(statusId)).length === 0);
    expect(apimart.submits()).toHaveLength(1);
  });

  it('starts and cancels from buttons on cards posted before a restart, refusing another member', async () => {
    h = await startHarness();
    const awaiting = await startJob(h, { duration: 12 });
    const other = await startJob(h, { duration: 12 });
    h = await h.restart();
    const { discord } = h;
    const otherId = other.status_message_id as string;
    const refused = await answerTo(discord, discord.clickButton(otherId, customId(other.id, 'cancel'), otherMemberId));
    expect(refused.content).toBe(en.controls.onlyRequesterOrAdmin(other.id));
    const cancelled = await answerTo(discord, discord.clickButton(otherId, customId(other.id, 'cancel'), requesterId));
    expect(cancelled.content).toBe(en.controls.cancelled(other.id));
    await waitForStatus(h, other.id, 'cancelled');
    const answer = await answerTo(discord, discord.clickButton(awaiting.status_message_id as string, customId(awaiting.id, 'start'), requesterId));
    expect(answer.content).toBe(en.controls.started(awaiting.id));
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(h.apimart.submits()).toHaveLength(1);
  });
});
