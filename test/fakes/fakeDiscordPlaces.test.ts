import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { Client, Events, GatewayIntentBits, Partials, type Interaction, type ThreadChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelKind, FakeDiscord } from './fakeDiscord.ts';
import { identify } from './rawGateway.ts';

// The fake's model of where messages live, checked against what Discord's documentation says:
// - permissions: https://discord.com/developers/docs/topics/permissions#permission-overwrites
//   (and #implicit-permissions, #permissions-for-timed-out-members is not modelled)
// - threads: https://discord.com/developers/docs/topics/threads (permissions, private threads, archiving)
// - join thread: https://discord.com/developers/docs/resources/channel#join-thread
// - error codes: https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
//   (10003 Unknown Channel, 10004 Unknown Guild, 50001 Missing Access, 50013 Missing Permissions,
//   40058 Cannot send messages in a forum channel, 50083 archived thread, 160002 reply without Read
//   Message History, 160005 thread is locked)
// - GUILD_DELETE / CHANNEL_DELETE / THREAD_DELETE: https://discord.com/developers/docs/topics/gateway-events

const noSend = { type: 0 as const, allow: '0', deny: String(P.SendMessages) };

describe('FakeDiscord places over REST', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    // About permissions and places, not pacing: these raw requests do not follow the rate-limit headers.
    fake = await FakeDiscord.start({ rateLimits: false });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.apiBase}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${fake.botToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) as { code?: number; id?: string } : undefined };
  };
  const post = (channelId: string, body: Record<string, unknown> = { content: 'hi' }) => api('POST', `/channels/${channelId}/messages`, body);
  const everyone = () => fake.guildId;

  it('applies @everyone, role and member overwrites in that order, and Administrator overrides them all', async () => {
    const denied = fake.addChannel({ overwrites: [{ ...noSend, id: everyone() }] });
    expect(fake.botPermissions(denied.id) & P.SendMessages).toBe(0n);
    expect((await post(denied.id)).body?.code).toBe(50013);

    const roleAllowed = fake.addChannel({ overwrites: [{ ...noSend, id: everyone() }, { id: fake.botRoleId, type: 0, allow: String(P.SendMessages), deny: '0' }] });
    expect((await post(roleAllowed.id)).status).toBe(200);

    const memberDenied = fake.addChannel({ overwrites: [
      { id: fake.botRoleId, type: 0, allow: String(P.SendMessages), deny: '0' },
      { id: fake.botUserId, type: 1, allow: '0', deny: String(P.SendMessages) },
    ] });
    expect((await post(memberDenied.id)).body?.code).toBe(50013);

    fake.setRolePermissions(fake.botRoleId, P.Administrator);
    try {
      expect((await post(memberDenied.id)).status).toBe(200);
    } finally {
      fake.setRolePermissions(fake.botRoleId, '2248473465835073');
    }
  });

  it('answers 50001 where the bot cannot view the channel, and without Send Messages denies Attach Files too', async () => {
    const hidden = fake.addChannel({ overwrites: [{ id: everyone(), type: 0, allow: '0', deny: String(P.ViewChannel) }, { id: fake.botRoleId, type: 0, allow: '0', deny: String(P.ViewChannel) }] });
    expect(fake.botPermissions(hidden.id)).toBe(0n);
    expect((await post(hidden.id)).body?.code).toBe(50001);
    const readOnly = fake.addChannel({ overwrites: [{ ...noSend, id: fake.botRoleId }] });
    expect(fake.botPermissions(readOnly.id) & P.AttachFiles).toBe(0n);
  });

  it('needs Read Message History for a reply: 160002 with message_reference, fine without', async () => {
    const noHistory = fake.addChannel({ overwrites: [{ id: fake.botRoleId, type: 0, allow: '0', deny: String(P.ReadMessageHistory) }] });
    const first = await post(noHistory.id);
    expect(first.status).toBe(200);
    const reply = await post(noHistory.id, { content: 'reply', message_reference: { message_id: first.body?.id } });
    expect(reply.body?.code).toBe(160002);
    const reaction = await api('PUT', `/channels/${noHistory.id}/messages/${first.body?.id}/reactions/${encodeURIComponent('✅')}/@me`);
    expect(reaction.body?.code).toBe(50013);
  });

  it('in threads uses Send Messages in Threads, inherited from the parent, instead of Send Messages', async () => {
    const parent = fake.addChannel({ overwrites: [{ id: everyone(), type: 0, allow: String(P.SendMessagesInThreads), deny: String(P.SendMessages) }, { ...noSend, id: fake.botRoleId }] });
    const thread = fake.addChannel({ type: ChannelKind.publicThread, parentId: parent.id });
    expect((await post(parent.id)).body?.code).toBe(50013);
    expect((await post(thread.id)).status).toBe(200);
    const closed = fake.addChannel({ overwrites: [{ id: fake.botRoleId, type: 0, allow: String(P.SendMessages), deny: String(P.SendMessagesInThreads) }] });
    const closedThread = fake.addChannel({ type: ChannelKind.publicThread, parentId: closed.id });
    expect((await post(closed.id)).status).toBe(200);
    expect((await post(closedThread.id)).body?.code).toBe(50013);
  });

  it('posts in forum and media posts, never in the forum channel itself (40058)', async () => {
    for (const type of [ChannelKind.forum, ChannelKind.media]) {
      const forum = fake.addChannel({ type });
      const postInForum = fake.addChannel({ type: ChannelKind.publicThread, parentId: forum.id });
      expect((await post(forum.id)).body?.code).toBe(40058);
      expect((await post(postInForum.id)).status).toBe(200);
    }
  });

  it('refuses a locked thread with 160005, an archived and locked one with 50083, and unarchives an archived one on a post', async () => {
    const parent = fake.addChannel();
    const locked = fake.addChannel({ type: ChannelKind.publicThread, parentId: parent.id });
    fake.lockThread(locked.id, { archived: false });
    expect((await post(locked.id)).body?.code).toBe(160005);
    const gone = fake.addChannel({ type: ChannelKind.publicThread, parentId: parent.id });
    fake.lockThread(gone.id);
    expect((await post(gone.id)).body?.code).toBe(50083);
    const idle = fake.addChannel({ type: ChannelKind.publicThread, parentId: parent.id });
    fake.archiveThread(idle.id);
    expect((await post(idle.id)).status).toBe(200);
    expect(fake.channel(idle.id).archived).toBe(false);
  });

  it('private threads: hidden from a non-member without Manage Threads, joinable with it, reactions only for members', async () => {
    const parent = fake.addChannel();
    const hidden = fake.addChannel({ type: ChannelKind.privateThread, parentId: parent.id });
    expect((await post(hidden.id)).body?.code).toBe(50001);
    expect((await api('PUT', `/channels/${hidden.id}/thread-members/@me`)).body?.code).toBe(50001);

    const moderated = fake.addChannel({ overwrites: [{ id: fake.botRoleId, type: 0, allow: String(P.ManageThreads), deny: '0' }] });
    const thread = fake.addChannel({ type: ChannelKind.privateThread, parentId: moderated.id });
    const message = await post(thread.id);
    const react = () => api('PUT', `/channels/${thread.id}/messages/${message.body?.id}/reactions/${encodeURIComponent('✅')}/@me`);
    expect((await react()).body?.code).toBe(50001);
    expect((await api('PUT', `/channels/${thread.id}/thread-members/@me`)).status).toBe(204);
    expect(fake.channel(thread.id).members.has(fake.botUserId)).toBe(true);
    expect((await react()).status).toBe(204);

    fake.archiveThread(thread.id);
    const archived = fake.addChannel({ type: ChannelKind.privateThread, parentId: moderated.id, archived: true });
    expect((await api('PUT', `/channels/${archived.id}/thread-members/@me`)).body?.code).toBe(50083);
  });

  it('answers 10003 after a channel is deleted, and 50001 on channels and 10004 on the guild after the bot is removed', async () => {
    const doomed = fake.addChannel();
    const thread = fake.addChannel({ type: ChannelKind.publicThread, parentId: doomed.id });
    fake.deleteChannel(doomed.id);
    expect((await post(doomed.id)).body?.code).toBe(10003);
    expect((await post(thread.id)).body?.code).toBe(10003);
    fake.removeGuild();
    expect((await post(fake.channelId)).body?.code).toBe(50001);
    expect((await api('GET', `/guilds/${fake.guildId}`)).body?.code).toBe(10004);
  });
});

describe('FakeDiscord places with a discord.js Client', () => {
  let fake: FakeDiscord;
  let client: Client;
  const events: string[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
      partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
      rest: { api: fake.apiBase },
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
    });
    client.on(Events.ChannelDelete, (c) => events.push(`channel_delete:${c.id}`));
    client.on(Events.ThreadDelete, (t) => events.push(`thread_delete:${t.id}`));
    client.on(Events.GuildDelete, (g) => events.push(`guild_delete:${g.id}`));
    client.on(Events.MessageReactionAdd, (r) => events.push(`reaction:${r.message.channelId}`));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.botToken);
    await ready;
  });
  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  const nextInteraction = () => new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve));

  it('computes app_permissions from the model and gives the interaction the thread it came from', async () => {
    const readOnly = fake.addChannel({ overwrites: [{ ...noSend, id: fake.guildId }], members: [] });
    const thread = fake.addChannel({ type: ChannelKind.publicThread, parentId: readOnly.id });
    await fake.waitFor(() => client.channels.cache.has(thread.id));
    fake.lockThread(thread.id, { archived: false });
    const arriving = nextInteraction();
    fake.sendCommand({ name: 'video', channelId: thread.id });
    const interaction = await arriving;
    expect(interaction.appPermissions?.has(P.SendMessages)).toBe(false);
    expect(interaction.appPermissions?.has(P.SendMessagesInThreads)).toBe(true);
    const channel = interaction.channel as ThreadChannel;
    expect(channel.isThread()).toBe(true);
    expect(channel.locked).toBe(true);
  });

  it('does not send a private thread’s reactions to a bot that is not a member', async () => {
    const parent = fake.addChannel();
    const secret = fake.addChannel({ type: ChannelKind.privateThread, parentId: parent.id });
    const joined = fake.addChannel({ type: ChannelKind.privateThread, parentId: parent.id, members: [fake.botUserId] });
    fake.sendReaction({ userId: '1700000000000000001', messageId: '1900000000000000001', emoji: '✅', channelId: secret.id });
    fake.sendReaction({ userId: '1700000000000000001', messageId: '1900000000000000002', emoji: '✅', channelId: joined.id });
    await fake.waitFor(() => events.includes(`reaction:${joined.id}`));
    expect(events).not.toContain(`reaction:${secret.id}`);
  });

  it('dispatches THREAD_DELETE, CHANNEL_DELETE and GUILD_DELETE (no unavailable flag) to the client', async () => {
    const channel = fake.addChannel();
    const thread = fake.addChannel({ type: ChannelKind.publicThread, parentId: fake.channelId });
    await fake.waitFor(() => client.channels.cache.has(thread.id) && client.channels.cache.has(channel.id));
    fake.deleteChannel(thread.id);
    fake.deleteChannel(channel.id);
    fake.removeGuild();
    await fake.waitFor(() => events.includes(`guild_delete:${fake.guildId}`));
    expect(events).toEqual(expect.arrayContaining([`thread_delete:${thread.id}`, `channel_delete:${channel.id}`]));
    expect(client.guilds.cache.has(fake.guildId)).toBe(false);
  });
});

describe('FakeDiscord role changes over the gateway', () => {
  // https://discord.com/developers/docs/events/gateway-events#guild-role-update: the guild id and the whole role.
  it('sends GUILD_ROLE_UPDATE with the role’s new permissions when a test changes them', async () => {
    const fake = await FakeDiscord.start();
    const c = identify(fake);
    try {
      await fake.waitFor(() => c.dispatches.some((e) => e.t === 'GUILD_CREATE'));
      fake.setRolePermissions(fake.botRoleId, P.ManageMessages);
      await fake.waitFor(() => c.dispatches.some((e) => e.t === 'GUILD_ROLE_UPDATE'));
      const update = c.dispatches.find((e) => e.t === 'GUILD_ROLE_UPDATE')!.d as { guild_id: string; role: { id: string; permissions: string } };
      expect(update.guild_id).toBe(fake.guildId);
      expect(update.role).toMatchObject({ id: fake.botRoleId, permissions: String(P.ManageMessages) });
    } finally {
      c.socket.close(1000);
      await fake.stop();
    }
  });
});
