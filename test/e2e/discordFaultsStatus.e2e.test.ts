import { PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { interactionTokenLifetimeMs } from '../../src/services/status/statusWriter.ts';
import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const original = { method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/ };
const channelEdit = { method: 'PATCH', path: /^\/channels\/\d+\/messages\/\d+$/ };
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
const isStatusText = (r: RecordedRequest) => contentOf(r).startsWith(en.statusTitle(1));
const isOriginalEdit = (r: RecordedRequest) => r.method === 'PATCH' && original.path.test(r.path);
const isChannelEditOf = (messageId: string) => (r: RecordedRequest) => r.method === 'PATCH' && r.path.endsWith(`/messages/${messageId}`) && r.path.startsWith('/channels/');
const isStatusPost = (r: RecordedRequest) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && isStatusText(r);
const usesToken = (h: Harness, token: string) => (r: RecordedRequest) => r.path.startsWith(`/webhooks/${h.discord.appId}/${token}`);
const logged = (h: Harness, event: string) => h.logLines.filter((line) => JSON.parse(line).event === event);
const statusMessageId = (h: Harness) => h.db.prepare('SELECT status_message_id FROM jobs WHERE id = 1').pluck().get() as string | null;

/** A job the provider keeps "generating" (its progress, so its status text, changes on every poll) until `finish`. */
async function runningJob(harness: Harness) {
  harness.apimart.setTaskPlan('next', { outcome: 'never' });
  const interaction = harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
  await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === 'submitted' && statusMessageId(harness) !== null, 10_000);
  const taskId = jobRows(harness.db)[0]!.task_id!;
  return {
    interaction,
    finish: async () => {
      harness.apimart.completeTask(taskId);
      await harness.discord.waitFor(() => jobRows(harness.db)[0]?.status === 'delivered', 10_000);
    },
  };
}

/** What happens 14 minutes after the command, without waiting 14 minutes: the row says it was that long ago. */
function ageInteraction(harness: Harness): void {
  harness.db.prepare('UPDATE jobs SET interaction_at = interaction_at - ? WHERE id = 1').run(interactionTokenLifetimeMs + 60_000);
}

function expectDeliveredOnce(harness: Harness): void {
  expect(harness.discord.requests.filter((r) => isResultPost(r) && r.status === 200)).toHaveLength(1);
  expect(jobRows(harness.db)[0]!.status).toBe('delivered');
  expect(ledgerRows(harness.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  expect(logged(harness, 'job_step_crashed')).toEqual([]);
}

describe('Discord faults on status edits', () => {
  it('waits out a 429 with Retry-After on the interaction edit, then keeps editing', async () => {
    h = await startHarness();
    h.discord.failNext(original, { status: 429, headers: { 'Retry-After': '0.3' } });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered' && statusMessageId(h!) !== null, 10_000);
    const status = h.discord.messages.get(statusMessageId(h)!)!;
    await h.discord.waitFor(() => status.content.startsWith(en.card.doneLine('')));
    const edits = h.discord.requests.filter(isOriginalEdit);
    expect(edits[0]!.status).toBe(429);
    expect(edits[1]).toMatchObject({ status: 200, body: edits[0]!.body });
    expectDeliveredOnce(h);
  });

  it('waits out a 429 with Retry-After on a channel edit of the status once the token is too old', async () => {
    h = await startHarness();
    const job = await runningJob(h);
    const statusId = statusMessageId(h)!;
    h.discord.failNext(channelEdit, { status: 429, headers: { 'Retry-After': '0.3' } });
    ageInteraction(h);
    const limited = await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 429);
    await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 200 && r.at > limited.at);
    await job.finish();
    const status = h.discord.messages.get(statusId)!;
    await h.discord.waitFor(() => status.content.startsWith(en.card.doneLine('')));
    expectDeliveredOnce(h);
  });

  it('still delivers when every status edit answers 50013, through the token and through the channel', async () => {
    // Every refused edit is a 403, which Discord counts as an invalid request.
    h = await startHarness({ invalidRequestAllowance: 10 });
    const denied = { status: 403, body: { message: 'Missing Permissions', code: 50013 }, times: 10_000 };
    h.discord.failNext(original, denied);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    expect(h.discord.requests.filter(isOriginalEdit).every((r) => r.status === 403)).toBe(true);
    expect(logged(h, 'status_edit_failed').length).toBeGreaterThan(0);
    expect(h.discord.requests.filter(isStatusPost)).toEqual([]);
    expectDeliveredOnce(h);

    await h.stop();
    h = await startHarness({ invalidRequestAllowance: 10 });
    const job = await runningJob(h);
    h.discord.failNext(channelEdit, denied);
    ageInteraction(h);
    await h.discord.waitForRequest((r) => r.method === 'PATCH' && channelEdit.path.test(r.path) && r.status === 403);
    await job.finish();
    expect(h.discord.requests.filter(isStatusPost)).toEqual([]);
    expectDeliveredOnce(h);
  });
});

describe('a job that outlives its interaction token', () => {
  it('never uses the interaction token once it is 14 minutes old: status edits and the result go through the channel', async () => {
    h = await startHarness();
    const job = await runningJob(h);
    const statusId = statusMessageId(h)!;
    const token = job.interaction.token;
    expect(h.discord.requests.some(usesToken(h, token))).toBe(true);
    const agedAt = h.discord.requests.length;
    ageInteraction(h);
    // what Discord does to a token past 15 minutes, so a stray use would also show as a 401
    h.discord.expireInteraction(job.interaction.id);
    const firstChannelEdit = await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 200);
    await job.finish();
    await h.discord.waitFor(() => h!.discord.messages.get(statusId)!.content.startsWith(en.card.doneLine('')));

    const after = h.discord.requests.slice(agedAt);
    const firstChannelIndex = after.indexOf(firstChannelEdit);
    // a status write already on its way when the row was aged may still arrive; nothing after that
    expect(after.slice(0, firstChannelIndex).filter(usesToken(h, token)).length).toBeLessThanOrEqual(1);
    expect(after.slice(firstChannelIndex).filter(usesToken(h, token))).toEqual([]);
    expect(after.slice(firstChannelIndex).filter((r) => r.status === 401 || (r.responseBody as { code?: number } | undefined)?.code === 50027)).toEqual([]);
    expect(after.find(isResultPost)).toMatchObject({ status: 200 });
    expect(after.find(isResultPost)!.body).not.toHaveProperty('message_reference');
    expect(h.discord.requests.filter(isStatusPost)).toEqual([]);
    expectDeliveredOnce(h);
  });
});

describe('a status edit its channel refuses once the token is too old (50001)', () => {
  const missingAccess = { status: 403, body: { message: 'Missing Access', code: 50001 }, times: 10_000 };

  it('is not tried again on later changes of the job: one refused edit, and the result still delivered', async () => {
    h = await startHarness();
    const job = await runningJob(h);
    const statusId = statusMessageId(h)!;
    const taskId = jobRows(h.db)[0]!.task_id!;
    h.discord.failNext(channelEdit, missingAccess);
    ageInteraction(h);
    const refused = await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 403, 10_000);
    const pollsAtRefusal = h.apimart.polls(taskId).length;
    await h.discord.waitFor(() => h!.apimart.polls(taskId).length >= pollsAtRefusal + 3 && logged(h!, 'status_edit_left_refused').length >= 2, 10_000);
    await job.finish();
    // The updater forgets the token once the finished job's status has had its turn.
    await h.discord.waitFor(() => h!.db.prepare('SELECT interaction_token FROM jobs WHERE id = 1').pluck().get() === null, 10_000);

    expect(h.discord.requests.filter(isChannelEditOf(statusId))).toEqual([refused]);
    expect(h.discord.requests.filter(isStatusPost)).toEqual([]);
    expectDeliveredOnce(h);
  });

  it('is tried again once the bot’s permissions in the channel change, and shows the finished job', async () => {
    h = await startHarness();
    const job = await runningJob(h);
    const statusId = statusMessageId(h)!;
    h.discord.failNext(channelEdit, missingAccess);
    ageInteraction(h);
    const refused = await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 403, 10_000);
    await h.discord.waitFor(() => logged(h!, 'status_edit_left_refused').length > 0, 10_000);
    h.discord.clearFaults();
    h.discord.setRolePermissions(h.discord.botRoleId, BigInt(DEFAULT_PERMISSIONS) | PermissionFlagsBits.ManageMessages);
    await h.discord.waitForRequest((r) => isChannelEditOf(statusId)(r) && r.status === 200 && r.at > refused.at, 10_000);
    await job.finish();
    await h.discord.waitFor(() => h!.discord.messages.get(statusId)!.content.startsWith(en.card.doneLine('')));

    expect(h.discord.requests.filter((r) => isChannelEditOf(statusId)(r) && r.status === 403)).toEqual([refused]);
    expectDeliveredOnce(h);
  });
});
