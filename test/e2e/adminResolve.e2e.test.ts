import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { registeredMentions } from './commandMentions.ts';
import { checkAndStop, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { insertDeliveredJob } from './moneyHelpers.ts';
import { channelPosts, contentOf, logEvents, statusEdits } from './requestViews.ts';
import { adminId, adminPermissions, answerTo, auditActions, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const waitStatus = (hh: Harness, jobId: number, status: string) =>
  hh.discord.waitFor(() => jobRows(hh.db).find((j) => j.id === jobId)?.status === status, 10_000);
const kinds = (hh: Harness, jobId: number) => ledgerRows(hh.db).filter((r) => r.job_id === jobId).map((r) => [r.kind, r.amount_micros]);
const resolve = (hh: Harness, job: number, outcome: string) =>
  runAdmin(hh, 'resolve', [{ name: 'job', type: 4, value: job }, { name: 'outcome', type: 3, value: outcome }]);
const statusMessageId = (hh: Harness, jobId: number) =>
  hh.db.prepare('SELECT status_message_id FROM jobs WHERE id = ?').pluck().get(jobId) as string | null;

/** Job `n`'s submit reached the provider but its answer was unreadable: outcome unknown, reservation held. */
async function submitUnknownJob(hh: Harness, n: number): Promise<void> {
  hh.apimart.scriptSubmit({ raw: '<html><body>502 Bad Gateway</body></html>' });
  hh.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
  await waitStatus(hh, n, 'submit_unknown');
  await hh.discord.waitFor(() => statusMessageId(hh, n) !== null);
}

describe('/video-admin resolve', () => {
  it('settles a submit_unknown job at its estimate as billed, with an audit row, and tells the requester', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    await submitUnknownJob(h, 1);
    const report = await runAdmin(h, 'report');
    const r = registeredMentions(h.discord)('video-admin', 'resolve');
    expect(report.content).toContain(`${r} \`job:1\` \`outcome:billed\` or ${r} \`job:1\` \`outcome:not_billed\``);

    const answer = await resolve(h, 1, 'billed');
    expect(answer.content).toBe(`Job #1 of <@${DEFAULT_USER_ID}> is resolved as billed: $0.6848 is charged. The requester was told.`);
    expect(jobRows(h.db)[0]).toMatchObject({ status: 'expired', failure_code: 'resolved_billed', cost_micros: 684_800 });
    expect(kinds(h, 1)).toEqual([['reserve', 684_800], ['settle', 0]]);
    const audit = h.db.prepare("SELECT actor_id, target_user_id, job_id, detail FROM audit_log WHERE action = 'resolve'").all() as
      { actor_id: string; target_user_id: string; job_id: number; detail: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_user_id: DEFAULT_USER_ID, job_id: 1 });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ outcome: 'billed', from: 'submit_unknown', amountMicros: 684_800 });

    // In the job's channel, as a reply to its status message, able to ping the requester and nobody else.
    const notice = await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('billed it without a video'));
    const body = notice.body as { allowed_mentions: unknown; message_reference?: { message_id: string } };
    expect(contentOf(notice)).toBe(`<@${DEFAULT_USER_ID}> job #1: an admin checked with the video service, which billed it without a video reaching me. $0.6848 is charged.`);
    expect(body.allowed_mentions).toEqual({ parse: [], users: [DEFAULT_USER_ID], replied_user: false });
    expect(body.message_reference?.message_id).toBe(statusMessageId(h, 1));
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('the video service billed it, an admin confirmed. Cost $0.6848'));
    expect(logEvents(h, 'job_resolved')).toHaveLength(1);

    // Done once: a second resolve changes nothing, and the report has nothing left to reconcile.
    expect((await resolve(h, 1, 'not_billed')).content).toContain('only jobs whose submit outcome is unknown, or that timed out, can be resolved');
    expect(kinds(h, 1)).toEqual([['reserve', 684_800], ['settle', 0]]);
    expect((await runAdmin(h, 'report')).content).toContain('nothing to reconcile');
  });

  it('releases a job as not billed, in Japanese too', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    await submitUnknownJob(h, 1);
    const report = await answerTo(h, h.discord.sendCommand({
      name: 'video-admin', userId: adminId, memberPermissions: adminPermissions, locale: 'ja', options: [{ name: 'report', type: 1, options: [] }],
    }));
    const r = registeredMentions(h.discord)('video-admin', 'resolve');
    expect(report.content).toContain(`→ 解決: ${r} \`ジョブ:1\` \`結果:請求あり\` または ${r} \`ジョブ:1\` \`結果:請求なし\``);
    const answer = await runAdmin(h, 'resolve', [{ name: 'job', type: 4, value: 1 }, { name: 'outcome', type: 3, value: 'not_billed' }]);
    expect(answer.content).toContain('is resolved as not billed: its $0.6848 reservation is released');
    expect(jobRows(h.db)[0]).toMatchObject({ status: 'failed', failure_code: 'resolved_not_billed', cost_micros: null });
    expect(kinds(h, 1)).toEqual([['reserve', 684_800], ['release', -684_800]]);
    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('which did not bill it'));
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('the video service did not make it (an admin checked)'));
    expect(auditActions(h)).toEqual(['report', 'resolve']);
  });

  it('waits for the late-poll window of a timed-out job, then resolves it', async () => {
    h = await startHarness({ env: { JOB_TIMEOUT_MINUTES: '45' } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, 1, 'submitted');
    await waitStatus(h, 2, 'submitted');
    // Job 1 was submitted two hours ago: timed out, but still polled for a late result for a day.
    // Job 2 was submitted two days ago: its late-poll window is over too.
    const ago = (ms: number) => Date.now() - ms;
    h.db.prepare('UPDATE jobs SET submitted_at = ? WHERE id = 1').run(ago(2 * 3_600_000));
    h.db.prepare('UPDATE jobs SET submitted_at = ? WHERE id = 2').run(ago(48 * 3_600_000));
    await waitStatus(h, 1, 'timed_out');
    await waitStatus(h, 2, 'timed_out');
    await h.discord.waitFor(() => logEvents(h!, 'job_late_polling_stopped').length === 1);

    const early = await resolve(h, 1, 'billed');
    expect(early.content).toContain('Job #1 timed out, but I still check it for a late result until');
    expect(kinds(h, 1)).toEqual([['reserve', 428_000]]);
    const report = (await runAdmin(h, 'report')).content;
    const r = registeredMentions(h.discord)('video-admin', 'resolve');
    expect(report).toMatch(/`#1`[^\n]*timed out[^\n]*\n {2}→ still checked for a late result; resolvable <t:\d+:R>: <\/video-admin resolve:\d+> `job:1` `outcome:billed`/);
    expect(report).toContain(`→ resolve: ${r} \`job:2\` \`outcome:billed\` or ${r} \`job:2\` \`outcome:not_billed\``);

    expect((await resolve(h, 2, 'billed')).content).toContain('Job #2');
    expect(jobRows(h.db)[1]).toMatchObject({ status: 'expired', failure_code: 'resolved_billed', cost_micros: 428_000 });
    expect(kinds(h, 2)).toEqual([['reserve', 428_000], ['settle', 0]]);
    expect(jobRows(h.db)[0]!.status).toBe('timed_out');
  });

  it("refuses another server's job as if it did not exist, and jobs in any other state", async () => {
    h = await startHarness();
    const elsewhere = insertDeliveredJob(h, { guildId: '1290000000000000001', userId: DEFAULT_USER_ID, costMicros: 400_000, atMs: Date.now() });
    h.db.prepare("UPDATE jobs SET status = 'submit_unknown', cost_micros = NULL WHERE id = ?").run(elsewhere);
    h.db.prepare("DELETE FROM ledger WHERE job_id = ? AND kind = 'settle'").run(elsewhere);
    expect((await resolve(h, elsewhere, 'not_billed')).content).toBe(`There is no job #${elsewhere} in this server.`);
    expect((await resolve(h, 999, 'billed')).content).toBe('There is no job #999 in this server.');
    expect(kinds(h, elsewhere)).toEqual([['reserve', 400_000]]);

    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(h, elsewhere + 1, 'delivered');
    expect((await resolve(h, elsewhere + 1, 'not_billed')).content).toBe(
      `Job #${elsewhere + 1} is done: only jobs whose submit outcome is unknown, or that timed out, can be resolved. Nothing was changed.`);
    expect(kinds(h, elsewhere + 1)).toEqual([['reserve', 428_000], ['settle', 0]]);
    expect(auditActions(h)).toEqual([]);
    expect(h.discord.requests.filter((r: RecordedRequest) => contentOf(r).includes('an admin checked'))).toEqual([]);
  });
});
