import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, startHarness, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

interface LogEvent { event: string; level: string; [field: string]: unknown }
const events = (h: Harness, name: string) => h.logLines.map((line) => JSON.parse(line) as LogEvent).filter((e) => e.event === name);
/** The warnings about who may spend (the model catalog adds its own about prices under the same event). */
const spendWarnings = (h: Harness) => events(h, 'config_warning').filter((e) => e.problem === 'no_bot_daily_budget' || e.problem === 'any_server_may_use_bot');
const problems = (h: Harness) => spendWarnings(h).map((e) => e.problem);

describe('start-up warnings about unsafe settings', () => {
  it('warns once for no bot-wide cap and once for a public bot that any server may use', async () => {
    const discord = await FakeDiscord.start({ botPublic: true });
    h = await startHarness({ discord, ownsFakes: true, env: { BOT_DAILY_BUDGET_USD: '0' } });
    expect(spendWarnings(h)).toEqual([
      expect.objectContaining({ level: 'warn', problem: 'no_bot_daily_budget', fix: expect.stringContaining('BOT_DAILY_BUDGET_USD') }),
      expect.objectContaining({ level: 'warn', problem: 'any_server_may_use_bot', botPublic: true, fix: expect.stringContaining('Public Bot') }),
    ]);
  });

  it('says nothing when a cap is set and the application is private', async () => {
    const discord = await FakeDiscord.start({ botPublic: false });
    h = await startHarness({ discord, ownsFakes: true, env: { BOT_DAILY_BUDGET_USD: '20' } });
    expect(events(h, 'bot_ready')).toHaveLength(1);
    expect(problems(h)).toEqual([]);
  });

  it('lets a public bot limited to ALLOWED_GUILD_IDS start without the public-bot warning', async () => {
    const discord = await FakeDiscord.start({ botPublic: true });
    h = await startHarness({ discord, ownsFakes: true, env: { BOT_DAILY_BUDGET_USD: '20', ALLOWED_GUILD_IDS: discord.guildId } });
    expect(problems(h)).toEqual([]);
  });

  it('warns about the cap alone for a private bot without one', async () => {
    const discord = await FakeDiscord.start({ botPublic: false });
    h = await startHarness({ discord, ownsFakes: true, env: { BOT_DAILY_BUDGET_USD: '0' } });
    expect(problems(h)).toEqual(['no_bot_daily_budget']);
  });
});

describe('bot_ready', () => {
  it('logs the number of servers and an invite URL with the bot\'s own id and README\'s permissions', async () => {
    const discord = await FakeDiscord.start();
    discord.addGuild({ channels: 1 });
    discord.addGuild({ channels: 1 });
    h = await startHarness({ discord, ownsFakes: true });
    const [ready] = events(h, 'bot_ready');
    expect(ready).toMatchObject({
      servers: 3,
      inviteUrl: `https://discord.com/oauth2/authorize?client_id=${discord.appId}&scope=bot+applications.commands&permissions=292057902144`,
    });
  });
});
