import { GatewayBotResponseSchema, InteractionCallbackResponseSchema, MessageResponseSchema } from 'discord-api-spec/zod';
import {
  AttachmentBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  Routes,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type TextChannel,
  type User,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { validateDiscordRequest, validateRecordedRequests } from './discordSpec.ts';
import { FakeDiscord, type RecordedRequest } from './fakeDiscord.ts';

type Reaction = { reaction: MessageReaction | PartialMessageReaction; user: User | PartialUser };

async function startClient(fake: FakeDiscord, intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions]): Promise<Client> {
  const client = new Client({
    intents,
    partials: [Partials.Message, Partials.Reaction, Partials.User],
    rest: { api: fake.apiBase },
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
  });
  client.on(Events.Error, (error) => console.error('client error', error));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.botToken);
  await ready;
  return client;
}

function nextInteraction(client: Client): Promise<ChatInputCommandInteraction> {
  return new Promise((resolve) => {
    const onInteraction = (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      client.off(Events.InteractionCreate, onInteraction);
      resolve(interaction);
    };
    client.on(Events.InteractionCreate, onInteraction);
  });
}

function nextReaction(client: Client, pred: (r: Reaction) => boolean): Promise<Reaction> {
  return new Promise((resolve) => {
    const onReaction = (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
      if (!pred({ reaction, user })) return;
      client.off(Events.MessageReactionAdd, onReaction);
      resolve({ reaction, user });
    };
    client.on(Events.MessageReactionAdd, onReaction);
  });
}

const isEdit = (r: RecordedRequest) => r.method === 'PATCH' && r.path.endsWith('/messages/@original');

describe('FakeDiscord with a bare discord.js Client', () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    client = await startClient(fake);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  it('logs in: gateway discovery with the bot token, READY and a cached guild and channel', async () => {
    const discovery = await fake.waitForRequest((r) => r.path === '/gateway/bot');
    expect(discovery.headers.authorization).toBe(`Bot ${fake.botToken}`);
    expect(z.safeParse(GatewayBotResponseSchema, discovery.responseBody).success).toBe(true);
    expect(fake.identifyCount).toBe(1);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.appId);
    expect(client.guilds.cache.get(fake.guildId)?.channels.cache.has(fake.channelId)).toBe(true);
  });

  it('runs a slash command through defer, editReply with a file, and followUp', async () => {
    const image = fake.addAttachment({ filename: 'cat.png', bytes: Buffer.from('fake png bytes') });
    const video = Buffer.from('fake mp4 bytes \u0000\u0001');
    const handled = nextInteraction(client).then(async (interaction) => {
      const attachment = interaction.options.getAttachment('image', true);
      const download = Buffer.from(await (await fetch(attachment.url)).arrayBuffer());
      await interaction.deferReply();
      const reply = await interaction.editReply({
        content: `${interaction.options.getString('prompt')} from ${download.toString()}`,
        files: [new AttachmentBuilder(video, { name: 'video.mp4' })],
      });
      await interaction.followUp({ content: 'done' });
      return reply;
    });
    fake.sendCommand({
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'a cat' },
        { name: 'image', type: 11, value: image.id },
      ],
      attachments: [image],
    });
    const reply = await handled;

    const callback = await fake.waitForRequest((r) => r.path.endsWith('/callback'));
    expect(callback.headers.authorization).toBeUndefined();
    expect(callback.body).toMatchObject({ type: 5 });
    const edit = await fake.waitForRequest(isEdit);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.bytes.equals(video)).toBe(true);
    expect(edit.files[0]?.filename).toBe('video.mp4');
    expect(reply.content).toBe('a cat from fake png bytes');
    expect(reply.attachments.first()?.contentType).toBe('video/mp4');
    const served = await fetch(reply.attachments.first()?.url ?? '');
    expect(Buffer.from(await served.arrayBuffer()).equals(video)).toBe(true);

    const original = fake.messages.get(reply.id);
    expect(original).toMatchObject({ content: 'a cat from fake png bytes', webhook: true, flags: 0, ephemeral: false });
    await fake.waitFor(() => fake.channelMessages().some((m) => m.content === 'done'));
    expect(z.safeParse(MessageResponseSchema, edit.responseBody).success).toBe(true);
  });

  it('echoes the bot’s own reaction back over the gateway', async () => {
    const handled = nextInteraction(client).then(async (interaction) => {
      const message = await interaction.reply({ content: 'react to me', withResponse: true });
      return message.resource?.message;
    });
    fake.sendCommand({ name: 'video' });
    const message = await handled;
    if (!message) throw new Error('no message in the callback response');
    const echo = nextReaction(client, ({ user }) => user.id === client.user?.id);
    await message.react('🔁');
    const { reaction } = await echo;
    expect(reaction.emoji.name).toBe('🔁');
    expect(reaction.partial).toBe(false);
    expect(fake.messages.get(message.id)?.reactions.get('🔁')?.has(fake.botUserId)).toBe(true);
  });

  it('retries an edit that got 429 once its bucket resets (X-RateLimit-Reset-After)', async () => {
    fake.failNext({ method: 'PATCH', path: /\/messages\/@original$/ }, { status: 429, retryAfterSec: 0.1 });
    const rateLimited = new Promise((resolve) => client.rest.once('rateLimited', resolve));
    const before = fake.requests.filter(isEdit).length;
    const handled = nextInteraction(client).then(async (interaction) => {
      await interaction.deferReply();
      return interaction.editReply('after the rate limit');
    });
    fake.sendCommand({ name: 'video' });
    expect((await handled).content).toBe('after the rate limit');
    await rateLimited;
    const edits = fake.requests.filter(isEdit).slice(before);
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[0]!.responseBody).toMatchObject({ retry_after: 0.1, global: false });
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(100);
  });

  it('returns the same message for a repeated nonce with enforce_nonce, even after a 500', async () => {
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    fake.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { status: 500, apply: true });
    const first = await channel.send({ content: 'once', nonce: 'job-42', enforceNonce: true });
    const second = await channel.send({ content: 'once', nonce: 'job-42', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(fake.channelMessages().filter((m) => m.nonce === 'job-42')).toHaveLength(1);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);
    expect(posts.map((r) => r.status)).toEqual([500, 200, 200]);
  });

  it('answers like Discord for a second ack, an unknown webhook token and a closed DM', async () => {
    const { id, token } = fake.sendCommand({ name: 'video' });
    const interaction = await nextInteraction(client);
    await interaction.deferReply({ flags: 64 });
    const original = [...fake.messages.values()].find((m) => m.interactionId === id);
    expect(original).toMatchObject({ ephemeral: true, flags: 64 | 128 });
    const secondAck = client.rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    await expect(secondAck).rejects.toMatchObject({ code: 40060, status: 400 });
    const badToken = client.rest.patch(Routes.webhookMessage(fake.appId, 'not-a-token', '@original'), { body: { content: 'x' }, auth: false });
    await expect(badToken).rejects.toMatchObject({ code: 50027, status: 401 });
    const unknownInteraction = client.rest.post(Routes.interactionCallback('1', token), { body: { type: 5 }, auth: false });
    await expect(unknownInteraction).rejects.toMatchObject({ code: 10062, status: 404 });

    fake.dmFailsFor('1600000000000000001');
    const dm = client.users.send('1600000000000000001', 'hello');
    await expect(dm).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(dm).rejects.toMatchObject({ code: 50007, status: 403 });
  });

  it('delivers an interaction injected during a gateway drop exactly once, after RESUME', async () => {
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    let handledCount = 0;
    const onInteraction = () => void (handledCount += 1);
    client.on(Events.InteractionCreate, onInteraction);
    fake.closeGateway(4000);
    const { id } = fake.sendCommand({ name: 'video' });
    await resumed;
    await fake.waitFor(() => handledCount > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.off(Events.InteractionCreate, onInteraction);
    expect(handledCount).toBe(1);
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
    expect(id).toBeTruthy();
  });

  it('stores registered commands and uses their ids in injected interactions', async () => {
    await client.application?.commands.set([
      { name: 'video', description: 'Generate a video', options: [{ type: 3, name: 'prompt', description: 'What', required: true }] },
    ]);
    const stored = fake.commands.global as { id: string; name: string; application_id: string }[];
    expect(stored).toMatchObject([{ name: 'video', application_id: fake.appId }]);
    const arrived = nextInteraction(client);
    fake.sendCommand({ name: 'video', options: [{ name: 'prompt', type: 3, value: 'x' }] });
    expect((await arrived).commandId).toBe(stored[0]?.id);
    await client.guilds.cache.get(fake.guildId)?.commands.set([{ name: 'ping', description: 'Ping' }]);
    expect(fake.commands.guild.get(fake.guildId)).toMatchObject([{ name: 'ping', guild_id: fake.guildId }]);
  });

  it('buffers events during a gateway outage and delivers them once the bot resumes', async () => {
    const seen: string[] = [];
    const onInteraction = (i: Interaction) => void seen.push(i.id);
    client.on(Events.InteractionCreate, onInteraction);
    fake.setGatewayDown(true);
    const { id } = fake.sendCommand({ name: 'video' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(seen).toEqual([]);
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    const resumesBefore = fake.resumeCount;
    fake.setGatewayDown(false);
    await resumed;
    await fake.waitFor(() => seen.length > 0);
    client.off(Events.InteractionCreate, onInteraction);
    expect(seen).toEqual([id]);
    expect(fake.resumeCount).toBe(resumesBefore + 1);
  });

  // https://discord.com/developers/docs/events/gateway#resuming: missed events are replayed on RESUME of
  // the same session; a new session after IDENTIFY starts from the current state.
  it('does not replay what the old session missed into the new one a fresh IDENTIFY opens (close 1000)', async () => {
    const seen: string[] = [];
    const onInteraction = (i: Interaction) => void seen.push(i.id);
    client.on(Events.InteractionCreate, onInteraction);
    const ready = new Promise((resolve) => client.once(Events.ShardReady, resolve));
    const identifiesBefore = fake.identifyCount;
    fake.closeGateway(1000);
    const missed = fake.sendCommand({ name: 'video' });
    await ready;
    const after = fake.sendCommand({ name: 'video' });
    await fake.waitFor(() => seen.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.off(Events.InteractionCreate, onInteraction);
    expect(seen).toEqual([after.id]);
    expect(seen).not.toContain(missed.id);
    expect(fake.identifyCount).toBe(identifiesBefore + 1);
    expect(fake.undeliveredEvents).toContain('INTERACTION_CREATE');
  });

  it('sends only spec-valid bodies, and the validator catches a bad one', () => {
    expect(fake.requests.length).toBeGreaterThan(10);
    expect(validateRecordedRequests(fake.requests)).toEqual([]);
    const messageAnswers = fake.requests.filter((r) => r.status === 200 && /\/messages(\/[^/]+)?$/.test(r.path));
    expect(messageAnswers.length).toBeGreaterThan(3);
    for (const r of messageAnswers) expect(z.safeParse(MessageResponseSchema, r.responseBody).error?.issues ?? []).toEqual([]);
    const withResponse = fake.requests.find((r) => r.path.endsWith('/callback') && r.status === 200);
    expect(z.safeParse(InteractionCallbackResponseSchema, withResponse?.responseBody).success).toBe(true);
    expect(validateDiscordRequest('PATCH', '/webhooks/1/t/messages/@original', { content: 'x'.repeat(2001) })).toEqual([
      'content: Too big: expected string to have <=2000 characters',
    ]);
    expect(validateDiscordRequest('POST', '/webhooks/1/t', { content: 'hi', colour: 'red' })).toEqual([
      'colour: not in the spec (silently dropped)',
    ]);
    expect(validateDiscordRequest('GET', '/nope', undefined)).toEqual(['unknown route: GET /nope']);
  });
});

describe('FakeDiscord after a bot restart', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
  });

  afterAll(async () => {
    await fake?.stop();
  });

  it('delivers a user reaction on an uncached message as a partial that can be fetched', async () => {
    const first = await startClient(fake);
    clients.push(first);
    const handled = nextInteraction(first).then(async (interaction) => {
      await interaction.deferReply();
      return interaction.editReply('result');
    });
    fake.sendCommand({ name: 'video' });
    const result = await handled;
    await first.destroy();

    const second = await startClient(fake);
    clients.push(second);
    const arrived = nextReaction(second, ({ user }) => user.id === '1700000000000000001');
    fake.sendReaction({ userId: '1700000000000000001', messageId: result.id, emoji: '🔁', roles: ['1800000000000000001'] });
    const { reaction } = await arrived;
    expect(reaction.partial).toBe(true);
    const full = await reaction.fetch();
    expect(full.message.content).toBe('result');
    expect(full.message.author?.id).toBe(fake.botUserId);
    expect(fake.identifyCount).toBe(2);
  });

  it('drops reactions when the bot did not ask for GuildMessageReactions', async () => {
    const client = await startClient(fake, [GatewayIntentBits.Guilds]);
    clients.push(client);
    fake.sendReaction({ userId: '1700000000000000001', messageId: '1900000000000000001', emoji: '👍' });
    await fake.waitFor(() => fake.droppedEvents.includes('MESSAGE_REACTION_ADD'));
  });
});

describe('FakeDiscord REST without a client', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ channelIds: ['2000000000000000001', '2000000000000000002'] });
  });

  afterAll(async () => {
    await fake?.stop();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.apiBase}/v10${path}`, { ...init, headers: { authorization: `Bot ${fake.botToken}`, ...init.headers } });

  it('needs the bot token on bot routes and records the failures', async () => {
    const res = await fetch(`${fake.apiBase}/v10/channels/${fake.channelId}/messages/1`);
    expect(res.status).toBe(401);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', status: 401 });
  });

  it('answers unknown routes with a recorded 404 and unknown messages with code 10008', async () => {
    expect((await api('/no/such/route')).status).toBe(404);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/no/such/route', status: 404 });
    const missing = await api('/channels/2000000000000000002/messages/123');
    expect(await missing.json()).toEqual({ message: 'Unknown Message', code: 10008 });
  });

  it('holds a request forever on a hang fault', async () => {
    fake.failNext({ path: /^\/gateway\/bot$/ }, { hang: true });
    await expect(api('/gateway/bot', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 0 });
    expect((await api('/gateway/bot')).status).toBe(200);
  });
});
