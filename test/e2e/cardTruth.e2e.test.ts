import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.ts';
import { messagesFor } from '../../src/i18n/messages.ts';
import { defaultLatePollWindowMs } from '../../src/services/spend/resolvable.ts';
import { cardColours } from '../../src/services/status/statusCard.ts';
import { checkAndStop, isResultPost, startHarness, type Harness } from './harness.ts';
import { answerTo, customId, embedOf, fieldOf, type EmbedJson } from './buttonsHelpers.ts';
import { adminListRole, deliveredJob, job, requesterId, roleAdminId, startJob, startWithAdminRoles, waitForStatus } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

function movableClock() {
  let offsetMs = 0;
  const clock: Clock = { ...systemClock, now: () => systemClock.now() + offsetMs };
  return { clock, advance: (ms: number) => { offsetMs += ms; } };
}

const resultBodyOf = (harness: Harness, jobId: number) => harness.discord.requests
  .filter((r) => isResultPost(r) && r.status === 200)
  .map((r) => r.body as { content: string; embeds: EmbedJson[] })
  .find((b) => b.embeds[0]?.footer?.text === en.card.footer(jobId));

describe('a remade job', () => {
  it('says on its card who asked for it and pays, and which job it remakes, for 🔁, Again and Edit & retry', async () => {
    h = await startWithAdminRoles();
    const { discord } = h;
    const first = await deliveredJob(h);
    const cardOf = (jobId: number) => discord.messages.get(job(h!.db, jobId).status_message_id as string)!;
    const remadeCard = async (jobId: number) => {
      await discord.waitFor(() => job(h!.db, jobId)?.status_message_id != null, 10_000);
      await waitForStatus(h!, jobId, 'delivered');
      return discord.requests.find((r) => r.method === 'POST' && r.path === `/channels/${discord.channelId}/messages`
        && String((r.body as { content?: string }).content).startsWith(en.statusTitle(jobId)))!.body as { content: string; allowed_mentions: unknown };
    };

    // 🔁 by the requester.
    discord.sendReaction({ userId: requesterId, messageId: first.result_message_id, emoji: '🔁' });
    const byReaction = await remadeCard(2);
    expect(byReaction.content.split('\n')[1]).toBe(`🔁 Remake of job #${first.id}, asked for by <@${requesterId}>, who pays for it.`);
    // Named, not pinged.
    expect(byReaction.allowed_mentions).toEqual({ parse: [], users: [], replied_user: false });

    // An admin's Again on that remake: the admin asked, and pays.
    await answerTo(discord, discord.clickButton(job(h.db, 2).result_message_id as string, customId(2, 'again'), roleAdminId, { roles: [adminListRole.id] }));
    const byAdmin = await remadeCard(3);
    expect(job(h.db, 3).user_id).toBe(roleAdminId);
    expect(byAdmin.content.split('\n')[1]).toBe(`🔁 Remake of job #2, asked for by <@${roleAdminId}>, who pays for it.`);
    // Its result: the one who asked is its mention; its embed names the job it remakes.
    const adminResult = resultBodyOf(h, 3)!;
    expect(adminResult.content).toBe(`<@${roleAdminId}>`);
    expect(fieldOf(adminResult.embeds[0], en.card.remakeOf)).toBe('job #2');

    // Edit & retry by the requester on the first job.
    const click = discord.clickButton(first.result_message_id, customId(first.id, 'edit'), requesterId);
    await discord.waitForRequest((r) => r.path.startsWith(`/interactions/${click.id}/`));
    await answerTo(discord, discord.submitModal(click.id, { prompt: 'a heron taking off' }));
    const byRetry = await remadeCard(4);
    expect(byRetry.content.split('\n')[1]).toBe(`🔁 Remake of job #${first.id}, asked for by <@${requesterId}>, who pays for it.`);
    expect(embedOf(discord.messages.get(job(h.db, 4).result_message_id as string))?.description).toBe('a heron taking off');
    // Once delivered the card is its one line: the result below says the rest.
    await discord.waitFor(() => cardOf(4).content.startsWith(en.card.doneLine('')), 10_000);
  });
});

describe('a timed-out job', () => {
  it('promises to keep checking only until late polling stops, and says so on the card once it has stopped', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    const started = await startJob(h, { duration: 4 });
    await waitForStatus(h, started.id, 'submitted');
    const submittedAt = h.db.prepare('SELECT submitted_at FROM jobs WHERE id = ?').pluck().get(started.id) as number;
    const card = () => h!.discord.messages.get(started.status_message_id as string)!;
    const stopsAt = submittedAt + h.config.jobTimeoutMs + defaultLatePollWindowMs;

    time.advance(h.config.jobTimeoutMs + 1_000);
    await waitForStatus(h, started.id, 'timed_out');
    const checking = en.status.timed_out(45, stopsAt);
    await h.discord.waitFor(() => card().content.includes(checking), 10_000);
    expect(card().content).toContain(`I keep checking until <t:${Math.floor(stopsAt / 1000)}:f>`);
    expect(embedOf(card())?.color).toBe(cardColours.generating);

    time.advance(defaultLatePollWindowMs);
    await h.discord.waitFor(() => h!.logLines.some((line) => line.includes('job_late_polling_stopped')), 10_000);
    const stopped = en.status.timed_out_stopped(45, stopsAt);
    await h.discord.waitFor(() => card().content.includes(stopped), 10_000);
    expect(card().content).not.toMatch(/keep checking|will post/);
    expect(embedOf(card())?.color).toBe(cardColours.ended);
    expect(fieldOf(embedOf(card()), 'Progress')).toBeUndefined();
    // Nothing polls it any more: the card no longer changes, and the job waits for an admin.
    const polls = h.apimart.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/')).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.apimart.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/'))).toHaveLength(polls);
    expect(job(h.db, started.id).status).toBe('timed_out');
  });
});
