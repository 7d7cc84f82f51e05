import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { checkAndStop, isCallback, startHarness, type Harness } from './harness.ts';
import { answerTo, customId } from './buttonsHelpers.ts';
import {
  adminListRole, auditRows, deliveredJob, jobs, ledgerCount, otherMemberId, requesterId, roleAdminId, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

interface ModalBody { type: number; data: { custom_id: string; title: string; components: { components: { custom_id: string; value: string; max_length: number }[] }[] } }

describe('Edit & retry', () => {
  it('opens a modal with the prompt filled in, and makes a new job with the same settings and the new prompt on submit', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const first = await deliveredJob(h, { prompt: 'a heron landing on a frozen pond' });
    const click = discord.clickButton(first.result_message_id, customId(first.id, 'edit'), requesterId);
    const modal = (await discord.waitForRequest(isCallback(click.id))).body as ModalBody;
    expect(modal.type).toBe(9);
    expect(modal.data.custom_id).toBe(`job:${first.id}:retry`);
    expect(modal.data.title).toBe(en.controls.modalTitle(first.id));
    const input = modal.data.components[0]!.components[0]!;
    expect(input).toMatchObject({ custom_id: 'prompt', value: 'a heron landing on a frozen pond', max_length: 2000 });

    const submit = discord.submitModal(click.id, { prompt: '  a heron taking off from a frozen pond  ' });
    const answer = await answerTo(discord, submit);
    expect(answer).toMatchObject({ type: 4, ephemeral: true, content: en.controls.newJob(2) });
    const retried = jobs(h.db)[1]!;
    expect(retried).toMatchObject({ parent_job_id: first.id, user_id: requesterId });
    expect(JSON.parse(retried.request_json)).toEqual({ ...JSON.parse(first.request_json), prompt: 'a heron taking off from a frozen pond' });
    await waitForStatus(h, retried.id, 'delivered');
    expect(apimart.submits()).toHaveLength(2);
    expect(apimart.submits()[1]!.body).toEqual({ ...apimart.submits()[0]!.body as object, prompt: 'a heron taking off from a frozen pond' });

    // A replayed submission (same interaction id) makes no second job. Discord refuses the second answer
    // to one interaction (40060), and the bot then stops instead of trying an "internal error" reply too.
    discord.replayInteraction(submit.id);
    const logs = h.logLines;
    await discord.waitFor(() => logs.some((line) => line.includes('interaction_answer_refused') && line.includes(submit.id)));
    expect(discord.requests.filter(isCallback(submit.id)).map((r) => [r.status, (r.body as { data?: { content?: string } }).data?.content]))
      .toEqual([[204, en.controls.newJob(2)], [400, en.controls.duplicate]]);
    expect(logs.filter((line) => line.includes('command_failed'))).toEqual([]);
    expect(jobs(h.db)).toHaveLength(2);
  });

  it('refuses another member’s click with no modal, and lets an admin retry as their own, audited job', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const first = await deliveredJob(h);
    const refused = await answerTo(discord, discord.clickButton(first.result_message_id, customId(first.id, 'edit'), otherMemberId));
    expect(refused).toMatchObject({ type: 4, ephemeral: true, content: en.controls.onlyRequesterOrAdmin(first.id) });

    const click = discord.clickButton(first.result_message_id, customId(first.id, 'edit'), roleAdminId, { roles: [adminListRole.id] });
    expect(((await discord.waitForRequest(isCallback(click.id))).body as ModalBody).type).toBe(9);
    const answer = await answerTo(discord, discord.submitModal(click.id, { prompt: 'the admin’s version' }));
    expect(answer.content).toBe(en.controls.newJob(2));
    expect(jobs(h.db)[1]).toMatchObject({ parent_job_id: first.id, user_id: roleAdminId });
    await waitForStatus(h, 2, 'delivered');
    expect(auditRows(h.db)).toEqual([{ actor_id: roleAdminId, action: 'reroll_job', target_user_id: requesterId, job_id: first.id }]);
  });

  it('answers a blank new prompt before anything is reserved', async () => {
    h = await startHarness();
    const { discord } = h;
    const first = await deliveredJob(h);
    const before = ledgerCount(h.db);
    const click = discord.clickButton(first.result_message_id, customId(first.id, 'edit'), requesterId);
    await discord.waitForRequest(isCallback(click.id));
    const answer = await answerTo(discord, discord.submitModal(click.id, { prompt: '\u200B \u3164' }));
    expect(answer).toMatchObject({ ephemeral: true, content: en.promptEmpty });
    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(before);
  });

  it('checks a submission made after a restart against the stored job', async () => {
    h = await startHarness();
    const first = await deliveredJob(h);
    const click = h.discord.clickButton(first.result_message_id, customId(first.id, 'edit'), requesterId);
    await h.discord.waitForRequest(isCallback(click.id));
    h = await h.restart();
    const answer = await answerTo(h.discord, h.discord.submitModal(click.id, { prompt: 'after the restart' }));
    expect(answer.content).toBe(en.controls.newJob(2));
    await waitForStatus(h, 2, 'delivered');
    expect(h.apimart.submits()[1]!.body).toMatchObject({ prompt: 'after the restart' });
  });
});
