import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { checkAndStop, isResultPost, ledgerRows, startHarness, type Harness } from './harness.ts';
import {
  auditRows, contentOf, dmsTo, isOwnReactionDelete, isOwnReactionRemoved, isOwnReactionAdded, isOwnReactionPut, job, jobs, ledgerSum, manageServerRole, managerId,
  otherMemberId, requesterId, startJob, startWithAdminRoles, waitForStatus,
} from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('✅ and ❌ on a status message', () => {
  it('submits a job awaiting confirmation once on the requester’s ✅ and removes the ✅/❌ that stopped applying', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    expect(awaiting.status).toBe('awaiting_confirmation');
    expect(discord.requests.some(isOwnReactionPut(statusId, '✅'))).toBe(true);
    expect(apimart.submits()).toHaveLength(0);

    discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '✅' });
    await discord.waitForRequest(isResultPost, 10_000);
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(1);
    expect(apimart.submits()[0]!.body).toMatchObject({ duration: 12 });
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '✅'));
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '❌'));
    const status = discord.messages.get(statusId)!;
    expect(status.reactions.get('✅')?.has(discord.botUserId) ?? false).toBe(false);
    expect(status.reactions.get('❌')?.has(discord.botUserId) ?? false).toBe(false);
    expect(ledgerRows(h.db).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', 1_027_200], ['settle', 0]]);
  });

  it('expires a job nobody confirms in time, releases its reservation and sends nothing to the provider', async () => {
    h = await startHarness({ appDeps: { confirmationWindowMs: 300 } });
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;

    await waitForStatus(h, awaiting.id, 'expired');
    expect(ledgerSum(h.db, awaiting.id).s).toBe(0);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'release']);
    await discord.waitFor(() => discord.messages.get(statusId)!.content.includes(en.status.expired));
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '✅'));
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '❌'));
    expect(apimart.submits()).toHaveLength(0);
  });

  it('cancels a job awaiting confirmation on the requester’s ❌ and releases its reservation', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;

    discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '❌' });
    await waitForStatus(h, awaiting.id, 'cancelled');
    expect(ledgerSum(h.db, awaiting.id).s).toBe(0);
    await discord.waitFor(() => discord.messages.get(statusId)!.content.includes(en.status.cancelled));
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '✅'));
    expect(apimart.submits()).toHaveLength(0);
  });

  it('cancels a job awaiting confirmation on an admin’s ❌ and writes an audit entry', async () => {
    h = await startWithAdminRoles();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    discord.sendReaction({ userId: managerId, messageId: awaiting.status_message_id as string, emoji: '❌', roles: [manageServerRole.id] });
    await waitForStatus(h, awaiting.id, 'cancelled');
    expect(ledgerSum(h.db, awaiting.id).s).toBe(0);
    expect(auditRows(h.db)).toEqual([{ actor_id: managerId, action: 'cancel_job', target_user_id: requesterId, job_id: awaiting.id }]);
    expect(apimart.submits()).toHaveLength(0);
  });

  it('cancels a queued job on the requester’s ❌ without submitting it', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1' } });
    const { discord, apimart } = h;
    apimart.setTaskPlan('next', { outcome: 'never' });
    const running = await startJob(h, { duration: 8, prompt: 'the one that holds the only slot' });
    await waitForStatus(h, running.id, 'submitted');
    const queued = await startJob(h, { duration: 8, prompt: 'the one that waits' });
    expect(job(h.db, queued.id).status).toBe('queued');
    const statusId = queued.status_message_id as string;
    await discord.waitForRequest(isOwnReactionAdded(statusId, '❌'));

    discord.sendReaction({ userId: requesterId, messageId: statusId, emoji: '❌' });
    await waitForStatus(h, queued.id, 'cancelled');
    expect(ledgerSum(h.db, queued.id).s).toBe(0);
    await discord.waitForRequest(isOwnReactionRemoved(statusId, '❌'));
    expect(apimart.submits()).toHaveLength(1);
    expect(apimart.submits()[0]!.body).toMatchObject({ prompt: 'the one that holds the only slot' });
  });

  it('leaves a submitted job alone on ❌ and tells the reactor by DM that it cannot be cancelled', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    apimart.setTaskPlan('next', { outcome: 'never' });
    const started = await startJob(h, { duration: 8 });
    await waitForStatus(h, started.id, 'submitted');
    const ledgerBefore = ledgerRows(h.db);

    discord.sendReaction({ userId: requesterId, messageId: started.status_message_id as string, emoji: '❌' });
    await discord.waitFor(() => dmsTo(discord, requesterId).length === 1);
    expect(contentOf(dmsTo(discord, requesterId)[0]!)).toBe(en.reactions.cannotCancelSubmitted(started.id));
    expect(job(h.db, started.id).status).toBe('submitted');
    expect(ledgerRows(h.db)).toEqual(ledgerBefore);
    expect(apimart.submits()).toHaveLength(1);
  });

  it('submits once for a burst of five ✅ from the requester', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    for (let i = 0; i < 5; i++) discord.sendReaction({ userId: requesterId, messageId: awaiting.status_message_id as string, emoji: '✅' });
    await waitForStatus(h, awaiting.id, 'delivered');
    expect(apimart.submits()).toHaveLength(1);
    expect(jobs(h.db)).toHaveLength(1);
  });

  it('ignores the echo of its own ✅ and ❌: the job keeps waiting and nobody is messaged', async () => {
    h = await startHarness();
    const { discord, apimart } = h;
    const awaiting = await startJob(h, { duration: 12 });
    const statusId = awaiting.status_message_id as string;
    // Marker: once another member's ✅ is refused, the earlier echoes were handled too.
    discord.sendReaction({ userId: otherMemberId, messageId: statusId, emoji: '✅' });
    await discord.waitFor(() => h!.logLines.some((line) => line.includes('"reaction_refused"') && line.includes(otherMemberId)));

    expect(job(h.db, awaiting.id).status).toBe('awaiting_confirmation');
    expect(discord.requests.filter((r) => r.method === 'DELETE' && r.path.includes(`/reactions/`) && r.path.endsWith(`/${discord.botUserId}`))).toEqual([]);
    expect(discord.requests.some((r) => r.path === '/users/@me/channels')).toBe(false);
    expect(discord.requests.some(isOwnReactionDelete(statusId, '✅'))).toBe(false);
    expect(apimart.submits()).toHaveLength(0);
  });
});
