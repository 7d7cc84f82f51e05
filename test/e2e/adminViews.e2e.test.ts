import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { checkAndStop, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { insertDeliveredJob } from './moneyHelpers.ts';
import { adminId, adminPermissions, answerTo } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const otherGuild = '1290000000000000001';
const asAdmin = (name: 'usage' | 'videos') => answerTo(h!, h!.discord.sendCommand({
  name, userId: adminId, memberPermissions: adminPermissions, options: [{ name: 'user', type: 6, value: DEFAULT_USER_ID }],
}));
const asMember = (name: 'usage' | 'videos') => answerTo(h!, h!.discord.sendCommand({ name }));

describe("an admin looking at another member", () => {
  it("sees this server's jobs and spend only, while the member's own view still counts every server", async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '5' } });
    insertDeliveredJob(h, { guildId: otherGuild, userId: DEFAULT_USER_ID, costMicros: 2_000_000, atMs: Date.now(), prompt: 'a secret from another server' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a heron in this server' }) });
    await h.discord.waitFor(() => jobRows(h!.db)[1]?.status === 'delivered', 10_000);

    const adminUsage = (await asAdmin('usage')).content;
    expect(adminUsage).toContain(`Usage of <@${DEFAULT_USER_ID}>`);
    expect(adminUsage).toContain('Spend and jobs in this server only');
    expect(adminUsage).toContain('Today (UTC): **$0.428**');
    expect(adminUsage).toContain('In total: **$0.428**');
    // A remainder of their own budget would give away what they spent elsewhere.
    expect(adminUsage).not.toContain('left of');
    expect(adminUsage).not.toContain('$2.428');

    const ownUsage = (await asMember('usage')).content;
    expect(ownUsage).toContain('Today (UTC): **$2.428**');
    expect(ownUsage).toContain('Daily: $2.572 left of $5.00');
    expect(ownUsage).not.toContain('in this server only');

    const adminVideos = (await asAdmin('videos')).content;
    expect(adminVideos).toContain('a heron in this server');
    expect(adminVideos).not.toContain('a secret from another server');
  });
});
