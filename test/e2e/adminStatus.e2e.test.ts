import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { registeredMentions } from './commandMentions.ts';
import { checkAndStop, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { apiError } from './requestViews.ts';
import { adminId, adminPermissions, answerTo, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const waitStatus = (id: number, status: string) => h!.discord.waitFor(() => jobRows(h!.db).find((j) => j.id === id)?.status === status, 10_000);

describe('/video-admin status', () => {
  it('shows the queue, the running jobs, the oldest job, jobs awaiting resolution, version and uptime', async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_JOBS: '1', USER_MAX_ACTIVE_JOBS: '10', CONFIRM_ABOVE_USD: '0' } });
    h.apimart.scriptSubmit({ raw: '<html>502</html>' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(1, 'submit_unknown');
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(2, 'submitted');
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(4, 'queued');

    const status = await runAdmin(h, 'status');
    expect(status.content).toContain('Queue: 2 waiting · 1 at the provider · oldest job 0 min old');
    expect(status.content).toContain('Provider: available.');
    expect(status.content).toContain('Models turned off: none.');
    expect(status.content).toContain('**Awaiting resolution in this server (1)**');
    const resolve = registeredMentions(h.discord)('video-admin', 'resolve');
    expect(resolve).toMatch(/^<\/video-admin resolve:\d+>$/);
    expect(status.content).toContain(`\`#1\` submit outcome unknown · resolve: ${resolve} \`job:1\` \`outcome:billed\` or ${resolve} \`job:1\` \`outcome:not_billed\``);
    expect(status.content).toMatch(new RegExp(`Version ${version.replace(/\./g, '\\.')} · up \\d+ min$`));
  });

  it('says when the provider is marked down and why, in Japanese too', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    // The balance probe keeps failing, so the provider stays marked down.
    h.apimart.balance = { ...h.apimart.balance, success: false };
    h.apimart.scriptSubmit({ status: 401, body: apiError(401, 'authentication_error', 'Invalid key') });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await waitStatus(1, 'failed');

    expect((await runAdmin(h, 'status')).content).toContain('Provider: **marked down** (HTTP 401 authentication_error); new submissions wait until a balance probe succeeds.');
    const ja = await answerTo(h, h.discord.sendCommand({
      name: 'video-admin', userId: adminId, memberPermissions: adminPermissions, locale: 'ja', options: [{ name: 'status', type: 1, options: [] }],
    }));
    expect(ja.flags & 64).toBe(64);
    expect(ja.content).toContain('🩺 **ボットの状態**');
    expect(ja.content).toContain('プロバイダー: **停止中と判定**（HTTP 401 authentication_error）');
    expect(ja.content).toContain(`バージョン ${version}`);
  });

  it('is for admins only', async () => {
    h = await startHarness();
    const answer = await answerTo(h, h.discord.sendCommand({ name: 'video-admin', options: [{ name: 'status', type: 1, options: [] }] }));
    expect(answer.content).toContain(`Only admins can use ${registeredMentions(h.discord)('video-admin')}`);
  });
});
