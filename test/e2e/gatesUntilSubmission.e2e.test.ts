import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { answerTo, customId } from './buttonsHelpers.ts';
import { contentOf, dmsTo, job, requesterId, startJob, waitForStatus } from './reactionsHelpers.ts';
import { ledgerKinds } from './placesHelpers.ts';
import { runAdmin } from './spendHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const member = (n: number) => `15000000000000001${String(n).padStart(2, '0')}`;
/** Long enough for a claim loop and a submit to have happened had the gate let the job through. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('a confirmation while the server is paused', () => {
  it('is refused with the reason, for ✅ (told by DM) and for Start (ephemeral); nothing is charged, and Start works again after resume', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    expect((await runAdmin(h, 'pause')).content).toContain('Paused');

    discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '✅' });
    await discord.waitFor(() => dmsTo(discord, requesterId).some((r) => contentOf(r) === en.paused));
    const start = await answerTo(discord, discord.clickButton(statusId, customId(awaiting.id, 'start'), requesterId));
    expect(start).toMatchObject({ ephemeral: true, content: en.paused });
    await settle();
    expect(job(h.db, awaiting.id).status).toBe('awaiting_confirmation');
    expect(apimart.submits()).toHaveLength(0);
    expect(ledgerKinds(h, awaiting.id)).toEqual(['reserve']);

    await runAdmin(h, 'resume');
    const started = await answerTo(discord, discord.clickButton(statusId, customId(awaiting.id, 'start'), requesterId));
    expect(started.content).toBe(en.controls.started(awaiting.id));
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(1);
  });
});

describe('queued jobs of a paused server', () => {
  it('wait in the queue while another server’s job goes ahead, may be cancelled by their requester, and go on at resume', async () => {
    const discord = await FakeDiscord.start();
    const other = discord.addGuild();
    h = await startHarness({ discord, ownsFakes: true, env: { MAX_CONCURRENT_JOBS: '1' } });
    const { apimart } = h;
    // The first job holds the only provider slot until the test finishes it.
    apimart.setTaskPlan('next', { outcome: 'never' });
    const running = await startJob(h, { duration: 4, userId: member(1) });
    await waitForStatus(h, running.id, 'submitted');
    const waiting = await startJob(h, { duration: 4, userId: member(2) });
    const cancelledLater = await startJob(h, { duration: 4, userId: member(3) });
    discord.sendCommand({ name: 'video', channelId: other.channelIds[0], options: videoOptions({ duration: 4 }), userId: member(4) });
    await discord.waitFor(() => job(h!.db, 4)?.status === 'queued');
    await runAdmin(h, 'pause');

    apimart.completeTask(jobRows(h.db)[0]!.task_id as string);
    await waitForStatus(h, 4, 'delivered');
    await settle();
    expect(job(h.db, waiting.id).status).toBe('queued');
    expect(job(h.db, cancelledLater.id).status).toBe('queued');
    expect(apimart.submits()).toHaveLength(2);

    const cancel = await answerTo(discord, discord.clickButton(cancelledLater.status_message_id as string, customId(cancelledLater.id, 'cancel'), member(3)));
    expect(cancel.content).toBe(en.controls.cancelled(cancelledLater.id));
    expect(ledgerKinds(h, cancelledLater.id)).toEqual(['reserve', 'release']);

    await runAdmin(h, 'resume');
    await waitForStatus(h, waiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(3);
    expect(job(h.db, cancelledLater.id).status).toBe('cancelled');
  });
});

describe('at start, jobs of a place the allow-lists no longer admit', () => {
  it('are cancelled and released when their server left ALLOWED_GUILD_IDS, the requesters told by DM; a paid job goes on, and a later ✅ does nothing', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1' } });
    const { apimart } = h;
    apimart.setTaskPlan('next', { pollsUntilComplete: 1_000_000 });
    const running = await startJob(h, { duration: 4, userId: member(1) });
    await waitForStatus(h, running.id, 'submitted');
    const queued = await startJob(h, { duration: 4, userId: member(2) });
    const awaiting = await startJob(h, { duration: 12, userId: member(3) });

    h = await h.restart({ ALLOWED_GUILD_IDS: '100000000000000999' });
    const { discord } = h;
    await discord.waitFor(() => dmsTo(discord, member(2)).length > 0 && dmsTo(discord, member(3)).length > 0);
    expect(contentOf(dmsTo(discord, member(2))[0]!)).toBe(en.placeNotAllowedCancelled(queued.id, 'guild_not_allowed'));
    expect(contentOf(dmsTo(discord, member(3))[0]!)).toBe(en.placeNotAllowedCancelled(awaiting.id, 'guild_not_allowed'));
    for (const withdrawn of [queued, awaiting]) {
      expect(h.db.prepare('SELECT status, failure_code FROM jobs WHERE id = ?').get(withdrawn.id)).toEqual({ status: 'cancelled', failure_code: 'guild_not_allowed' });
      expect(ledgerKinds(h, withdrawn.id)).toEqual(['reserve', 'release']);
    }
    expect(job(h.db, running.id).status).toBe('submitted');
    expect(ledgerKinds(h, running.id)).toEqual(['reserve']);

    discord.sendReaction({ userId: member(3), messageId: awaiting.status_message_id as string, emoji: '✅' });
    await settle();
    expect(apimart.submits()).toHaveLength(1);
    expect(job(h.db, awaiting.id).status).toBe('cancelled');
  });

  it('are cancelled and released when their channel left ALLOWED_CHANNEL_IDS', async () => {
    h = await startHarness();
    const awaiting = await startJob(h, { duration: 12 });
    h = await h.restart({ ALLOWED_CHANNEL_IDS: '100000000000000998' });
    const { discord } = h;
    await discord.waitFor(() => dmsTo(discord, requesterId).length > 0);
    expect(contentOf(dmsTo(discord, requesterId)[0]!)).toBe(en.placeNotAllowedCancelled(awaiting.id, 'channel_not_allowed'));
    expect(h.db.prepare('SELECT status, failure_code FROM jobs WHERE id = ?').get(awaiting.id)).toEqual({ status: 'cancelled', failure_code: 'channel_not_allowed' });
    expect(ledgerKinds(h, awaiting.id)).toEqual(['reserve', 'release']);
    expect(h.apimart.submits()).toHaveLength(0);
  });
});
