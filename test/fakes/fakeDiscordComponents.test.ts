import { MessageResponseSchema } from 'discord-api-spec/zod';
import {
  ButtonStyle, Client, ComponentType, Events, GatewayIntentBits, MessageFlags, Partials, Routes, TextInputStyle,
  type ButtonInteraction, type Interaction, type ModalSubmitInteraction,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { validateDiscordRequest, validateRecordedRequests } from './discordSpec.ts';
import { FakeDiscord } from './fakeDiscord.ts';

// Discord's component docs: a click is INTERACTION_CREATE type 3 with data.custom_id and
// data.component_type and the message it came from; a modal (callback type 9) submitted is type 5
// with data.components holding each text input's value. An update (7) edits the clicked message.
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type

const otherUser = '1500000000000000002';

function next<T extends Interaction>(client: Client, pred: (i: Interaction) => i is T): Promise<T> {
  return new Promise((resolve) => {
    const on = (i: Interaction) => {
      if (!pred(i)) return;
      client.off(Events.InteractionCreate, on);
      resolve(i);
    };
    client.on(Events.InteractionCreate, on);
  });
}

const buttonRow = (disabled = false) => ({
  type: ComponentType.ActionRow,
  components: [
    { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Go', custom_id: 'go' },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Off', custom_id: 'off', disabled: true || disabled },
  ],
});

describe('FakeDiscord components, buttons and modals', () => {
  let fake: FakeDiscord;
  let client: Client;
  let messageId: string;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    client = new Client({
      intents: [GatewayIntentBits.Guilds], partials: [Partials.Message], rest: { api: fake.apiBase },
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
    });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.botToken);
    await ready;
    const sent = (await client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'pick', components: [buttonRow()] } })) as { id: string };
    messageId = sent.id;
  });

  afterAll(async () => {
    expect(validateRecordedRequests(fake.requests)).toEqual([]);
    await client?.destroy();
    await fake?.stop();
  });

  it('keeps the components a message is posted with, and returns them in a spec-valid message', async () => {
    const get = (await client.rest.get(Routes.channelMessage(fake.channelId, messageId))) as unknown;
    expect(z.safeParse(MessageResponseSchema, get).success).toBe(true);
    expect((get as { components: unknown[] }).components).toMatchObject([buttonRow()]);
    // Discord numbers the components it stores, in tree order.
    expect((get as { components: { id: number; components: { id: number }[] }[] }).components.flatMap((r) => [r.id, ...r.components.map((c) => c.id)])).toEqual([1, 2, 3]);
  });

  it('delivers a click as a type-3 interaction that discord.js sees as a button on that message, from that member', async () => {
    const clicked = next(client, (i): i is ButtonInteraction => i.isButton());
    const { id } = fake.clickButton(messageId, 'go', otherUser, { locale: 'ja' });
    const interaction = await clicked;
    expect(interaction.id).toBe(id);
    expect(interaction.customId).toBe('go');
    expect(interaction.message.id).toBe(messageId);
    expect(interaction.user.id).toBe(otherUser);
    expect(interaction.locale).toBe('ja');
    expect(interaction.inGuild()).toBe(true);
    expect(interaction.memberPermissions?.bitfield).toBeGreaterThan(0n);
    await interaction.reply({ content: 'only you', flags: MessageFlags.Ephemeral });
    const callback = await fake.waitForRequest((r) => r.path === `/interactions/${id}/${interaction.token}/callback`);
    expect(callback.body).toMatchObject({ type: 4, data: { content: 'only you', flags: 64 } });
    expect(fake.channelMessages().some((m) => m.content === 'only you' && m.ephemeral)).toBe(true);
  });

  it('refuses to click a button that is not on the message, or is disabled, as Discord’s client would', () => {
    expect(() => fake.clickButton(messageId, 'nope', otherUser)).toThrow(/no button nope/);
    expect(() => fake.clickButton(messageId, 'off', otherUser)).toThrow(/disabled/);
  });

  it('edits the clicked message on an update (type 7)', async () => {
    const clicked = next(client, (i): i is ButtonInteraction => i.isButton());
    fake.clickButton(messageId, 'go', otherUser);
    await (await clicked).update({ content: 'picked', components: [] });
    await fake.waitFor(() => fake.messages.get(messageId)?.content === 'picked');
    expect(fake.messages.get(messageId)?.components).toEqual([]);
    await client.rest.patch(Routes.channelMessage(fake.channelId, messageId), { body: { components: [buttonRow()] } });
  });

  it('records a modal (type 9) and submits it as type 5 with the values, checked against the inputs’ limits', async () => {
    const clicked = next(client, (i): i is ButtonInteraction => i.isButton());
    const click = fake.clickButton(messageId, 'go', otherUser, { locale: 'ja' });
    await (await clicked).showModal({
      custom_id: 'form', title: 'Edit',
      components: [{ type: ComponentType.ActionRow, components: [
        { type: ComponentType.TextInput, custom_id: 'prompt', style: TextInputStyle.Paragraph, label: 'Prompt', value: 'old', max_length: 10, required: true },
      ] }],
    });
    await fake.waitForRequest((r) => r.path.startsWith(`/interactions/${click.id}/`));
    expect(() => fake.submitModal(click.id, { prompt: 'x'.repeat(11) })).toThrow(/allows 10/);
    expect(() => fake.submitModal(click.id, { prompt: '' })).toThrow(/required/);
    expect(() => fake.submitModal(click.id, { other: 'x', prompt: 'y' })).toThrow(/no text input other/);

    const submitted = next(client, (i): i is ModalSubmitInteraction => i.isModalSubmit());
    const submit = fake.submitModal(click.id, { prompt: 'new' });
    const modal = await submitted;
    expect(modal.id).toBe(submit.id);
    expect(modal.customId).toBe('form');
    expect(modal.fields.getTextInputValue('prompt')).toBe('new');
    expect(modal.user.id).toBe(otherUser);
    expect(modal.locale).toBe('ja');
    await modal.reply({ content: 'thanks', flags: MessageFlags.Ephemeral });
  });

  it('refuses a modal in answer to a modal submit, and a submit of an interaction that opened none', async () => {
    const clicked = next(client, (i): i is ButtonInteraction => i.isButton());
    const click = fake.clickButton(messageId, 'go', otherUser);
    await (await clicked).reply({ content: 'no modal', flags: MessageFlags.Ephemeral });
    expect(() => fake.submitModal(click.id, { prompt: 'x' })).toThrow(/not answered with a modal/);
  });

  it('validates a modal callback against discord-api-spec, rejecting one Discord would', () => {
    const path = '/interactions/1/token/callback';
    const input = { type: 4, custom_id: 'prompt', style: 2, label: 'Prompt', max_length: 2000 };
    expect(validateDiscordRequest('POST', path, { type: 9, data: { custom_id: 'f', title: 'T', components: [{ type: 1, components: [input] }] } })).toEqual([]);
    expect(validateDiscordRequest('POST', path, { type: 9, data: { custom_id: 'f', title: 'T'.repeat(46), components: [{ type: 1, components: [input] }] } })).not.toEqual([]);
    expect(validateDiscordRequest('POST', '/channels/1/messages', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x'.repeat(81), custom_id: 'a' }] }] })).not.toEqual([]);
  });
});
