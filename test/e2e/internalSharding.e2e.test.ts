import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, guildIdOnShard } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

describe('one process running several shards (DISCORD_SHARDS)', () => {
  it('connects with Discord\'s recommended shard count and serves the servers of every shard', async () => {
    const discord = await FakeDiscord.start({ shards: 2 });
    const servers = [discord.addGuild({ id: guildIdOnShard(0, 2, 1), channels: 3 }), discord.addGuild({ id: guildIdOnShard(1, 2, 2), channels: 3 })];
    h = await startHarness({ discord, ownsFakes: true });
    expect([...discord.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    for (const server of servers) discord.sendCommand({ name: 'video', channelId: server.channelIds[2], options: videoOptions({}) });
    await discord.waitFor(() => jobRows(h!.db).filter((j) => j.status === 'delivered').length === 2, 15_000);
    expect(discord.requests.filter(isResultPost).map((r) => r.path).sort()).toEqual(servers.map((s) => `/channels/${s.channelIds[2]}/messages`).sort());
    expect(h.db.prepare('SELECT shard_id, shard_count FROM shard_lease ORDER BY shard_id').all()).toEqual([
      { shard_id: 0, shard_count: 2 }, { shard_id: 1, shard_count: 2 },
    ]);
  });

  it('uses a fixed DISCORD_SHARDS count instead of the recommendation', async () => {
    const discord = await FakeDiscord.start({ shards: 1 });
    h = await startHarness({ discord, ownsFakes: true, env: { DISCORD_SHARDS: '3' } });
    expect([...discord.identifiedShards].sort()).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(h.app.client.guilds.cache.has(discord.guildId)).toBe(true);
  });
});
