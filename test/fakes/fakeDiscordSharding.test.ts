import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, guildIdOnShard, shardOfGuild } from './fakeDiscord.ts';
import { identify as connectAndIdentify, type RawConnection } from './rawGateway.ts';

const fakes: FakeDiscord[] = [];
const clients: Client[] = [];
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.socket.terminate();
  for (const client of clients.splice(0)) await client.destroy();
  for (const fake of fakes.splice(0)) await fake.stop();
});

async function startFake(opts: { shards?: number; maxConcurrency?: number } = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start(opts);
  fakes.push(fake);
  return fake;
}

/** A bare gateway client that identifies with `shard` and records every dispatch. */
function identify(fake: FakeDiscord, shard: [number, number] | undefined): RawConnection {
  const connection = connectAndIdentify(fake, shard);
  connections.push(connection);
  return connection;
}

const guildCreates = (s: RawConnection) => s.dispatches.filter((e) => e.t === 'GUILD_CREATE').map((e) => e.d.id);

describe('fake gateway sharding', () => {
  it('builds server ids that Discord routes to the asked shard', () => {
    for (const count of [1, 2, 3, 16]) {
      for (let shard = 0; shard < count; shard++) expect(shardOfGuild(guildIdOnShard(shard, count, 7), count)).toBe(shard);
    }
    expect(guildIdOnShard(1, 2, 1)).not.toBe(guildIdOnShard(1, 2, 2));
  });

  it('reports its recommended shard count in GET /gateway/bot', async () => {
    const fake = await startFake({ shards: 3 });
    const res = await fetch(`${fake.apiBase}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.botToken}` } });
    expect(((await res.json()) as { shards: number }).shards).toBe(3);
  });

  it('sends each shard READY and GUILD_CREATE for its own servers only, and routes their events to it', async () => {
    // Two IDENTIFY buckets, so both shards may identify at once.
    const fake = await startFake({ shards: 2, maxConcurrency: 2 });
    const [a, b] = [fake.addGuild({ id: guildIdOnShard(0, 2, 1), channels: 2 }), fake.addGuild({ id: guildIdOnShard(1, 2, 2), channels: 2, roles: 3 })];
    const primaryShard = shardOfGuild(fake.guildId, 2);
    const [zero, one] = [identify(fake, [0, 2]), identify(fake, [1, 2])];
    await fake.waitFor(() => zero.dispatches.length > 0 && one.dispatches.length > 0);
    const expectedOn = (shard: number) => [fake.guildId, a.id, b.id].filter((id) => shardOfGuild(id, 2) === shard).sort();
    await fake.waitFor(() => guildCreates(zero).length + guildCreates(one).length === 3);
    expect(zero.dispatches[0]).toMatchObject({ t: 'READY', d: { shard: [0, 2] } });
    expect(one.dispatches[0]).toMatchObject({ t: 'READY', d: { shard: [1, 2] } });
    expect(zero.dispatches[0]?.d.guilds?.map((g) => g.id).sort()).toEqual(expectedOn(0));
    expect(guildCreates(zero).sort()).toEqual(expectedOn(0));
    expect(guildCreates(one).sort()).toEqual(expectedOn(1));
    expect(fake.identifiedShards).toEqual([[0, 2], [1, 2]]);

    fake.sendCommand({ name: 'video', channelId: b.channelIds[1] });
    fake.sendCommand({ name: 'video', channelId: a.channelIds[0] });
    fake.sendCommand({ name: 'video' });
    await fake.waitFor(() => [...zero.dispatches, ...one.dispatches].filter((e) => e.t === 'INTERACTION_CREATE').length === 3);
    const interactionsOn = (s: RawConnection) => s.dispatches.filter((e) => e.t === 'INTERACTION_CREATE').map((e) => e.d.guild_id);
    expect(interactionsOn(one)).toEqual([b.id, ...(primaryShard === 1 ? [fake.guildId] : [])]);
    expect(interactionsOn(zero)).toEqual([a.id, ...(primaryShard === 0 ? [fake.guildId] : [])]);
  });

  it('delivers nothing to a shard that has no session: an event for it before it identified reaches nobody', async () => {
    const fake = await startFake({ shards: 2, maxConcurrency: 2 });
    const b = fake.addGuild({ id: guildIdOnShard(1, 2, 3) });
    const zero = identify(fake, [0, 2]);
    await fake.waitFor(() => zero.dispatches.some((e) => e.t === 'READY'));
    fake.sendCommand({ name: 'video', channelId: b.channelIds[0] });
    const one = identify(fake, [1, 2]);
    await fake.waitFor(() => one.dispatches.some((e) => e.t === 'READY'));
    fake.sendCommand({ name: 'video', channelId: b.channelIds[0] });
    await fake.waitFor(() => one.dispatches.some((e) => e.t === 'INTERACTION_CREATE'));
    expect(one.dispatches.filter((e) => e.t === 'INTERACTION_CREATE')).toHaveLength(1);
    expect(zero.dispatches.some((e) => e.t === 'INTERACTION_CREATE')).toBe(false);
    expect(fake.undeliveredEvents).toEqual(['INTERACTION_CREATE']);
  });

  it('closes an unsharded session of a bot in more than 2,500 servers with 4011, and a bad shard with 4010', async () => {
    const fake = await startFake({ shards: 2 });
    for (let i = 0; i < 2_500; i++) fake.addGuild();
    expect(await identify(fake, undefined).closed).toBe(4011);
    expect(await identify(fake, [2, 2]).closed).toBe(4010);
  });

  it('serves a discord.js client that shards internally with the recommended count', async () => {
    const fake = await startFake({ shards: 2, maxConcurrency: 2 });
    const guilds = [fake.addGuild({ id: guildIdOnShard(0, 2, 4), channels: 3, roles: 2 }), fake.addGuild({ id: guildIdOnShard(1, 2, 5), channels: 3, roles: 2 })];
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
      shards: 'auto',
      rest: { api: fake.apiBase },
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
    });
    clients.push(client);
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.botToken);
    await ready;
    expect([...fake.identifiedShards].sort()).toEqual([[0, 2], [1, 2]]);
    for (const guild of guilds) {
      expect(client.guilds.cache.get(guild.id)?.shardId).toBe(shardOfGuild(guild.id, 2));
      expect(client.guilds.cache.get(guild.id)?.channels.cache.size).toBe(3);
      expect(client.guilds.cache.get(guild.id)?.roles.cache.size).toBe(4);
    }
    const seen = new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve));
    fake.sendCommand({ name: 'video', channelId: guilds[1]!.channelIds[2] });
    expect((await seen).guildId).toBe(guilds[1]!.id);
  });
});
