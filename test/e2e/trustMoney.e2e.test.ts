import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID, FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';
import { insertDeliveredJob } from './moneyHelpers.ts';
import { adminId, adminPermissions, answerTo, auditActions, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const member = DEFAULT_USER_ID;
const budget = (amounts: { daily_usd?: number; monthly_usd?: number }) => [
  { name: 'user', type: 6, value: member },
  ...Object.entries(amounts).map(([name, value]) => ({ name, type: 10, value })),
];
const overrideOf = async () => await h!.app.store.spend.budgetOverride(h!.discord.guildId, member);

describe('the environment budgets are ceilings for a server admin', () => {
  it('refuses an override above a ceiling, naming the ceiling, and changes and audits nothing', async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '5', USER_MONTHLY_BUDGET_USD: '50', GUILD_DAILY_BUDGET_USD: '3' } });
    const daily = await runAdmin(h, 'budget', budget({ daily_usd: 1_000_000 }));
    // The server's own daily cap is the lower of the two daily ceilings.
    expect(daily.content).toBe("`daily_usd` can be at most $3.00: the bot's operator set that ceiling, and only the bot's owners may go above it. Nothing was changed.");
    const monthly = await runAdmin(h, 'budget', budget({ daily_usd: 2, monthly_usd: 50.01 }));
    expect(monthly.content).toContain('`monthly_usd` can be at most $50.00');
    expect(await overrideOf()).toBeUndefined();
    expect(auditActions(h)).toEqual([]);
    expect(logEvents(h, 'budget_above_ceiling_refused')).toHaveLength(2);

    // Anything from zero up to the ceiling is the admin's to set.
    expect((await runAdmin(h, 'budget', budget({ daily_usd: 3, monthly_usd: 0 }))).content).toContain('daily $3.00 (override), monthly $0.00 (override)');
    expect(await overrideOf()).toEqual({ dailyMicros: 3_000_000, monthlyMicros: 0 });
    expect(auditActions(h)).toEqual(['budget_set']);
  });

  it('answers in Japanese with the same ceiling', async () => {
    h = await startHarness();
    const answer = await answerTo(h, h.discord.sendCommand({
      name: 'video-admin', userId: adminId, locale: 'ja', memberPermissions: adminPermissions,
      options: [{ name: 'budget', type: 1, options: budget({ daily_usd: 6 }) }],
    }));
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toContain('`1日の上限ドル` の上限は $5.00 です');
    expect(await overrideOf()).toBeUndefined();
  });

  it("lets the application's owner, as Discord reports it, go above the ceiling", async () => {
    const discord = await FakeDiscord.start({ applicationOwnerId: adminId });
    h = await startHarness({ discord, ownsFakes: true });
    expect((await runAdmin(h, 'budget', budget({ daily_usd: 20 }))).content).toContain('daily $20.00 (override)');
    expect(await overrideOf()).toEqual({ dailyMicros: 20_000_000, monthlyMicros: null });
    expect(h.discord.requests.some((r) => r.method === 'GET' && r.path === '/applications/@me')).toBe(true);
  });

  it("lets a member of the application's team go above it, and a server admin outside the team not", async () => {
    const discord = await FakeDiscord.start({ team: { id: '1700000000000000001', memberIds: ['1700000000000000002', adminId] } });
    h = await startHarness({ discord, ownsFakes: true });
    expect((await runAdmin(h, 'budget', budget({ monthly_usd: 500 }))).content).toContain('monthly $500.00 (override)');
    const outsider = await runAdmin(h, 'budget', budget({ monthly_usd: 600 }), { userId: '1500000000000000077' });
    expect(outsider.content).toContain('`monthly_usd` can be at most $50.00');
    expect(await overrideOf()).toEqual({ dailyMicros: null, monthlyMicros: 500_000_000 });
  });

  it('lets a user from OWNER_USER_IDS go above it', async () => {
    h = await startHarness({ env: { OWNER_USER_IDS: `1500000000000000123,${adminId}` } });
    expect((await runAdmin(h, 'budget', budget({ daily_usd: 9.5 }))).content).toContain('daily $9.50 (override)');
    expect(await overrideOf()).toEqual({ dailyMicros: 9_500_000, monthlyMicros: null });
  });
});

describe('BOT_DAILY_BUDGET_USD', () => {
  it('caps all spend of the day across members and servers, inside the reservation transaction', async () => {
    h = await startHarness({ env: { BOT_DAILY_BUDGET_USD: '1.0848', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0' } });
    // Another server already spent $0.40 today, and yesterday's spend does not count: the cap is per UTC day.
    insertDeliveredJob(h, { guildId: '1290000000000000001', userId: '1590000000000000001', costMicros: 400_000, atMs: Date.now() });
    insertDeliveredJob(h, { guildId: '1290000000000000001', userId: '1590000000000000001', costMicros: 900_000, atMs: Date.now() - 86_400_000 });

    // Four members at once (one group commit), $0.3424 each, $0.6848 left for the whole bot today: two jobs, two refusals.
    const users = ['1500000000000000011', '1500000000000000012', '1500000000000000013', '1500000000000000014'];
    const interactions = users.map((userId) => h!.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId }));
    const answers = await Promise.all(interactions.map((i) => answerTo(h!, i)));
    // Accepted: a public reply that already shows the status; refused: an ephemeral one.
    expect(answers.map((a) => a.type)).toEqual([4, 4, 4, 4]);
    const refused = answers.filter((a) => (a.flags & 64) === 64);
    expect(answers.filter((a) => (a.flags & 64) === 0)).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const answer of refused) {
      expect(answer.flags & 64).toBe(64);
      expect(answer.content).toContain("only $0.00 is left of the bot's daily budget (all servers together)");
    }
    expect(jobRows(h.db).filter((j) => j.id > 2)).toHaveLength(2);
    expect(ledgerRows(h.db).filter((r) => r.job_id > 2).map((r) => r.kind)).toEqual(['reserve', 'reserve']);
  });
});

describe('ALLOWED_GUILD_IDS', () => {
  it('refuses every command in another server before anything else, and logs the server at start and on join', async () => {
    h = await startHarness({ env: { ALLOWED_GUILD_IDS: '1299999999999999999' } });
    const atStart = logEvents(h, 'guild_not_allowed').map((l) => JSON.parse(l) as { guildId: string; when: string });
    expect(atStart).toEqual([expect.objectContaining({ guildId: h.discord.guildId, when: 'start' })]);

    const commands = [
      h.discord.sendCommand({ name: 'video', options: videoOptions({}) }),
      h.discord.sendCommand({ name: 'usage' }),
      h.discord.sendCommand({ name: 'videos' }),
      h.discord.sendCommand({ name: 'video-admin', userId: adminId, memberPermissions: adminPermissions, options: [{ name: 'pause', type: 1, options: [] }] }),
    ];
    for (const interaction of commands) {
      const answer = await answerTo(h, interaction);
      expect(answer.type).toBe(4);
      expect(answer.flags & 64).toBe(64);
      expect(answer.content).toBe('This bot is not available in this server.');
    }
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);
    expect(auditActions(h)).toEqual([]);
    expect(await h.app.store.spend.isPaused(h.discord.guildId)).toBe(false);

    h.discord.dispatch('GUILD_CREATE', {
      id: '1288888888888888888', name: 'joined later', icon: null, owner_id: '1400000000000000009', features: [], roles: [], emojis: [],
      stickers: [], channels: [], threads: [], members: [], voice_states: [], presences: [], member_count: 1, large: false,
      joined_at: new Date().toISOString(), unavailable: false, preferred_locale: 'en-US', premium_tier: 0, verification_level: 0,
      default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, nsfw_level: 0, system_channel_flags: 0,
    });
    await h.discord.waitFor(() => logEvents(h!, 'guild_not_allowed').some((l) => l.includes('1288888888888888888')));
    expect(JSON.parse(logEvents(h, 'guild_not_allowed').at(-1)!)).toMatchObject({ guildId: '1288888888888888888', when: 'joined' });
  });

  it('serves the servers it lists', async () => {
    h = await startHarness({ env: { ALLOWED_GUILD_IDS: `1299999999999999999, ${'1200000000000000001'}` } });
    expect(logEvents(h, 'guild_not_allowed')).toEqual([]);
    expect(await answerTo(h, h.discord.sendCommand({ name: 'video', options: videoOptions({}) }))).toMatchObject({ type: 4, flags: 0 });
  });
});
