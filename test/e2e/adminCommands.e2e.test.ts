import { afterEach, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { DEFAULT_USER_ID, FakeDiscord } from '../fakes/fakeDiscord.ts';
import { DEFAULT_PERMISSIONS } from '../fakes/fakeDiscordState.ts';
import { jobRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { registeredMentions } from './commandMentions.ts';
import { auditActions, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const adminRoleId = '1600000000000000001';
const budgetFor = (userId: string) => [{ name: 'user', type: 6, value: userId }, { name: 'daily_usd', type: 10, value: 4 }];
const balanceRequests = () => h!.apimart.requests.filter((r) => r.path === '/v1/balance');

async function startWithAdminRole(): Promise<Harness> {
  const discord = await FakeDiscord.start({ roles: [{ id: adminRoleId, permissions: '0' }] });
  return startHarness({ discord, ownsFakes: true, env: { ADMIN_ROLE_IDS: adminRoleId, USER_MAX_ACTIVE_JOBS: '10' } });
}

describe('/video-admin', () => {
  it('is registered for Manage Server only, in servers, with every subcommand', async () => {
    h = await startHarness();
    const registered = h.discord.commands.global as { name: string; default_member_permissions?: string | null; contexts?: number[]; options?: { name: string }[] }[];
    const adminCommand = registered.find((c) => c.name === 'video-admin');
    expect(adminCommand).toMatchObject({ default_member_permissions: '32', contexts: [0] });
    expect(adminCommand?.options?.map((o) => o.name)).toEqual(['budget', 'pause', 'resume', 'report', 'balance', 'resolve', 'status']);
    expect(registered.map((c) => c.name).sort()).toEqual(['usage', 'video', 'video-admin', 'videos']);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });

  it('refuses a member without Manage Server or an admin role, even when the command is visible, and changes nothing', async () => {
    h = await startWithAdminRole();
    // The server made the command visible to everyone: the member sees it but holds no admin right.
    const asMember = { userId: DEFAULT_USER_ID, memberPermissions: DEFAULT_PERMISSIONS, roles: ['1600000000000000002'] };
    const attempts: [string, unknown[]][] = [['budget', budgetFor(DEFAULT_USER_ID)], ['pause', []], ['resume', []], ['report', []], ['balance', []]];
    for (const [subcommand, options] of attempts) {
      const answer = await runAdmin(h, subcommand, options, asMember);
      expect(answer.type).toBe(4);
      expect(answer.content).toContain(`Only admins can use ${registeredMentions(h.discord)('video-admin')}`);
    }
    expect(await h.app.store.spend.budgetOverride(h.discord.guildId, DEFAULT_USER_ID)).toBeUndefined();
    expect(await h.app.store.spend.isPaused(h.discord.guildId)).toBe(false);
    expect(balanceRequests()).toEqual([]);
    expect(auditActions(h)).toEqual([]);
  });

  it('accepts a member with a role from ADMIN_ROLE_IDS and audits what they do', async () => {
    h = await startWithAdminRole();
    const roleAdmin = { userId: '1500000000000000042', memberPermissions: DEFAULT_PERMISSIONS, roles: [adminRoleId] };
    expect((await runAdmin(h, 'pause', [], roleAdmin)).content).toContain('Paused');
    expect(await h.app.store.spend.isPaused(h.discord.guildId)).toBe(true);
    expect((await runAdmin(h, 'budget', budgetFor(DEFAULT_USER_ID), roleAdmin)).content).toContain('daily $4.00 (override)');
    expect(await h.app.store.spend.budgetOverride(h.discord.guildId, DEFAULT_USER_ID)).toEqual({ dailyMicros: 4_000_000, monthlyMicros: null });
    const rows = h.db.prepare('SELECT actor_id, action, target_user_id FROM audit_log ORDER BY id').all();
    expect(rows).toEqual([
      { actor_id: roleAdmin.userId, action: 'pause', target_user_id: null },
      { actor_id: roleAdmin.userId, action: 'budget_set', target_user_id: DEFAULT_USER_ID },
    ]);
  });

  it("shows the provider's balance, its unlimited quota, and a clear message when the provider refuses", async () => {
    h = await startHarness();
    h.apimart.balance = { success: true, remain_balance: 12.5, used_balance: 7.25, unlimited_quota: false };
    const shown = await runAdmin(h, 'balance');
    expect(shown.type).toBe(5);
    expect(shown.content).toBe('💳 Provider balance: **$12.50** left, $7.25 used.');

    h.apimart.balance = { success: true, remain_balance: 0, used_balance: 3, unlimited_quota: true };
    expect((await runAdmin(h, 'balance')).content).toContain('unlimited quota, $3.00 used');

    h.apimart.balance = { ...h.apimart.balance, success: false };
    const failed = await runAdmin(h, 'balance');
    expect(failed.content).toContain('Could not read the provider balance');
    expect(failed.content).toContain('record not found');
    expect(balanceRequests()).toHaveLength(3);
    expect(auditActions(h)).toEqual(['balance', 'balance', 'balance']);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });

  it('reports spend by member and lists unknown-outcome and timed-out jobs with their reservations and task ids', async () => {
    h = await startHarness({ env: { USER_MAX_ACTIVE_JOBS: '10' } });
    const otherUser = '1500000000000000007';
    h.apimart.setTaskPlan('next', { cost: 0.3 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }), userId: otherUser });
    await h.discord.waitFor(() => jobRows(h!.db)[1]?.status === 'submitted', 10_000);
    const timedOut = jobRows(h.db)[1]!;
    await h.app.store.markTimedOut(timedOut.id, Date.now());
    h.apimart.scriptSubmit({ destroyAfterReceive: true });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[2]?.status === 'submit_unknown', 10_000);

    const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
    const text = report.content;
    expect(text).toContain('Spend in this server today (UTC)');
    expect(text).toContain('Total: **$0.30** spent, $1.0272 reserved');
    expect(text).toContain(`<@${DEFAULT_USER_ID}>: $0.30 spent, $0.3424 reserved · 2 jobs`);
    expect(text).toContain(`<@${otherUser}>: $0.00 spent, $0.6848 reserved · 1 job`);
    expect(text).toContain("To reconcile with the provider's bill (2)");
    expect(text).toMatch(new RegExp(`\`#${timedOut.id}\` <@${otherUser}> · timed out · \\$0\\.6848 reserved · task \`${timedOut.task_id}\` · <t:\\d+:f>`));
    expect(text).toMatch(/`#3` <@\d+> · submit outcome unknown · \$0\.3424 reserved · no task id \(the submit got no answer\)/);

    const all = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'all' }]);
    expect(all.content).toContain('Spend in this server in total');
    const rows = h.db.prepare('SELECT action, detail FROM audit_log ORDER BY id').all();
    expect(rows).toEqual([{ action: 'report', detail: '{"period":"today"}' }, { action: 'report', detail: '{"period":"all"}' }]);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });

  it('shows a member’s limits when budget gets no amounts, and refuses clear together with amounts', async () => {
    h = await startHarness();
    const user = [{ name: 'user', type: 6, value: DEFAULT_USER_ID }];
    expect((await runAdmin(h, 'budget', user)).content).toContain('daily $5.00 (default), monthly $50.00 (default)');
    const both = await runAdmin(h, 'budget', [...user, { name: 'clear', type: 5, value: true }, { name: 'monthly_usd', type: 10, value: 1 }]);
    expect(both.content).toContain('either `clear` or new amounts');
    expect(auditActions(h)).toEqual(['budget_view']);
  });
});
