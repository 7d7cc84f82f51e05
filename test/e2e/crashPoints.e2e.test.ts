import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { adminReport, crashSetup, isChannelPost, ledgerProblems } from './crashHelpers.ts';
import { isCallback, isResultPost, videoOptions } from './harness.ts';

// Crash points of reliability.md 30, 31 and 33 (32, "while polling", is in crashRestart.e2e.test.ts):
// the bot runs as a child process, the fakes tell the test when the bot has reached the step, the test
// SIGKILLs it there and starts it again on the same database.

const cleanups: (() => Promise<void> | void)[] = [];
const onCleanup = (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const otherUserId = '1500000000000000002';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A restarted process identifies within 5 s of the one it replaces: Discord answers Invalid Session and
// discord.js identifies again once the window has passed, which each restart pays (5 to 6.5 s).
const restarts = { timeout: 60_000 };

describe('the bot SIGKILLed at each step of a job, then restarted on the same database', () => {
  it('after the reservation, before the POST: the queued job is submitted once after the restart and delivered once', restarts, async () => {
    const s = await crashSetup(onCleanup, { MAX_CONCURRENT_JOBS: '1' });
    // Job 1 takes the only provider slot and keeps it, so job 2 stays reserved and queued.
    s.apimart.setTaskPlan('next', { outcome: 'never', cost: 0.3 });
    const first = await s.startBot();
    s.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await s.discord.waitFor(() => s.apimart.polls().length >= 1, 10_000);
    const queued = s.discord.sendCommand({ name: 'video', userId: otherUserId, options: videoOptions({ duration: 8, prompt: 'a heron over a misty lake' }) });
    await s.discord.waitForRequest(isCallback(queued.id), 10_000);
    await s.discord.waitFor(() => s.job(2)?.status === 'queued', 10_000);
    await first.kill();

    expect(s.jobs().map((j) => j.status)).toEqual(['submitted', 'queued']);
    expect(s.ledgerOf(2)).toEqual([['reserve', 684_800]]);
    expect(s.submitsOf(2)).toHaveLength(0);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);

    // While the bot was down the provider finished job 1, which frees the slot for job 2.
    const [taskOfJob1] = [...s.apimart.tasks.keys()];
    s.apimart.setTaskPlan(taskOfJob1!, { outcome: 'completed', pollsUntilComplete: 0 });
    await s.startBot();
    await s.discord.waitFor(() => s.jobs().every((j) => j.status === 'delivered'), 15_000);

    expect(s.submitsOf(1)).toHaveLength(1);
    expect(s.submitsOf(2)).toHaveLength(1);
    expect(s.submitsOf(2)[0]!.body).toMatchObject({ prompt: 'a heron over a misty lake', duration: 8 });
    expect(s.apimart.submits()).toHaveLength(2);
    for (const id of [1, 2]) {
      expect(s.resultMessages(id)).toHaveLength(1);
      expect(s.job(id)!.result_message_id).toBe(s.resultMessages(id)[0]!.id);
    }
    expect(s.discord.requests.filter(isResultPost)).toHaveLength(2);
    expect(s.ledgerOf(1)).toEqual([['reserve', 342_400], ['settle', -42_400]]);
    expect(s.ledgerOf(2)).toEqual([['reserve', 684_800], ['settle', 0]]);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);
  });

  it('after the POST, before the task_id is stored: submit_unknown, never resent, reservation kept, user told, admins see it', restarts, async () => {
    const s = await crashSetup(onCleanup);
    // The provider receives the submit (and creates the task) but its answer never comes back.
    s.apimart.scriptSubmit({ hang: true });
    const first = await s.startBot();
    s.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
    await s.discord.waitFor(() => s.apimart.submits().length === 1, 10_000);
    await first.kill();

    expect(s.jobs()).toMatchObject([{ id: 1, status: 'submitting', task_id: null }]);
    expect(s.apimart.tasks.size).toBe(1);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);

    const second = await s.startBot();
    expect(second.events().find((e) => e.event === 'bot_ready')).toMatchObject({ submitUnknownJobs: 1 });
    expect(second.events().find((e) => e.event === 'job_submit_outcome_unknown')).toMatchObject({ jobId: 1 });
    expect(s.job(1)).toMatchObject({ status: 'submit_unknown', task_id: null, failure_code: 'submit_unknown' });

    const isNotice = (r: Parameters<typeof isChannelPost>[0]) => isChannelPost(r) && JSON.stringify(r.body).includes('job #1: the video service did not answer');
    const notice = await s.discord.waitForRequest(isNotice, 10_000);
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    await s.discord.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && JSON.stringify(r.body).includes('got no answer'), 10_000);

    const report = await adminReport(s.discord);
    expect(report).toContain('`#1`');
    expect(report).toContain('submit outcome unknown');
    expect(report).toContain('$0.6848 reserved');

    // Many queue and poll cycles (20–100 ms) later, and after one more restart: still one POST.
    await sleep(800);
    await second.kill();
    const third = await s.startBot();
    await sleep(500);
    expect(third.events().find((e) => e.event === 'bot_ready')).toMatchObject({ submitUnknownJobs: 0 });
    expect(s.apimart.submits()).toHaveLength(1);
    expect(s.apimart.polls()).toHaveLength(0);
    expect(s.discord.requests.filter(isNotice)).toHaveLength(1);
    expect(s.job(1)).toMatchObject({ status: 'submit_unknown' });
    expect(s.ledgerOf(1)).toEqual([['reserve', 684_800]]);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);
  });

  it('after the result is posted, before its id is stored: the restarted bot finds that message and posts nothing again', restarts, async () => {
    const s = await crashSetup(onCleanup);
    // Discord creates the result message but the answer never reaches the bot.
    s.discord.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { hang: true, apply: true });
    const first = await s.startBot();
    s.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    const lost = await s.discord.waitForRequest(isResultPost, 10_000);
    await first.kill();

    expect(lost.status).toBe(0);
    expect(s.resultMessages(1)).toHaveLength(1);
    const posted = s.resultMessages(1)[0]!;
    expect(s.job(1)).toMatchObject({ status: 'completed', result_message_id: null });
    expect(s.ledgerOf(1).map(([kind]) => kind)).toEqual(['reserve', 'settle']);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);

    await s.startBot();
    await s.discord.waitFor(() => s.job(1)?.status === 'delivered', 10_000);

    // A started post is looked for before anything is downloaded or posted again (the same nonce would also return it).
    expect(s.discord.requests.filter(isResultPost)).toHaveLength(1);
    expect(s.resultMessages(1)).toHaveLength(1);
    expect(s.discord.channelMessages().filter((m) => m.attachments.length > 0)).toHaveLength(1);
    expect(s.job(1)!.result_message_id).toBe(posted.id);
    expect(s.readDb((db) => db.prepare('SELECT kind FROM job_messages WHERE message_id = ?').pluck().get(posted.id))).toBe('result');
    expect(s.apimart.submits()).toHaveLength(1);
    expect(s.ledgerOf(1).map(([kind]) => kind)).toEqual(['reserve', 'settle']);
    expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);
  });
});
