import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('start-up', () => {
  it('repeats a start-up request that failed for a moment, and serves commands once it went through', async () => {
    const discord = await FakeDiscord.start();
    // More 502s than discord.js repeats on its own (rest.retries: 1 here): the start itself must try again.
    discord.failNext({ method: 'GET', path: /^\/users\/@me$/ }, { status: 502, times: 3 });
    h = await startHarness({ discord, ownsFakes: true, rest: { retries: 1 } });
    expect(logEvents(h, 'startup_step_retried').map((line) => (JSON.parse(line) as { step: string }).step)).toEqual(['bot_user']);
    discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await discord.waitFor(() => discord.requests.some((r) => r.method === 'POST' && r.path.startsWith('/interactions/') && r.status < 300), 10_000);
  });

  it('logs in again when the gateway lookup of the login failed for a moment', async () => {
    const discord = await FakeDiscord.start();
    // A fixed shard count: the login's own GET /gateway/bot is the first one.
    discord.failNext({ method: 'GET', path: /^\/gateway\/bot$/ }, { status: 502, times: 2 });
    h = await startHarness({ discord, ownsFakes: true, rest: { retries: 1 }, env: { DISCORD_SHARDS: '1' } });
    expect(logEvents(h, 'startup_step_retried').map((line) => (JSON.parse(line) as { step: string }).step)).toEqual(['login']);
    expect(discord.identifyCount).toBe(1);
  });

  it('does not repeat a request Discord refused: a bad token stops the start', async () => {
    const discord = await FakeDiscord.start();
    discord.failNext({ method: 'GET', path: /^\/users\/@me$/ }, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    await expect(startHarness({ discord, ownsFakes: true })).rejects.toThrow(/Unauthorized/);
    expect(discord.requests.filter((r) => r.path === '/users/@me')).toHaveLength(1);
    await discord.stop();
  });
});
