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
const problems = (h: Harness) => events(h, 'config_warning').map((e) => e.problem);

describe('start-up warnings about unsafe settings', () => {
  it('warns once for no bot-wide cap and once for a public bot that any server may use', async () => {
    const discord = await FakeDiscord.start({ botPublic: true });
    h = await startHarness({ discord, ownsFakes: true, env: { BOT_DAILY_BUDGET_USD: '0' } });
    const warnings = events(h, 'config_warning');
    expect(warnings.map((w) => w.level)).toEqual(['warn', 'warn']);
    expect(problems(h)).toEqual([
      expect.stringMatching(/^no bot-wide daily cap: BOT_DAILY_BUDGET_USD is 0/),
      'any server may use the bot: the application is public and ALLOWED_GUILD_IDS is unset',
    ]);
    expect(warnings[1]!.fix).toMatch(/Public Bot/);
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
    expect(problems(h)).toEqual([expect.stringMatching(/^no bot-wide daily cap/)]);
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
