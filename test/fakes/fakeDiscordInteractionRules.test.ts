import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelKind, FakeDiscord } from './fakeDiscord.ts';
import { identify, type RawConnection } from './rawGateway.ts';

// Interactions as https://discord.com/developers/docs/interactions/receiving-and-responding describes them:
// - #responding-to-an-interaction: "you must send an initial response within 3 seconds of receiving the
//   event. If the 3 second deadline is exceeded, the token will be invalidated" (10062 Unknown
//   interaction on the callback), and "Interaction tokens are valid for 15 minutes" (then 50027 Invalid
//   Webhook Token on the webhook routes; codes from topics/opcodes-and-status-codes#json-json-error-codes);
// - #interaction-object: `channel` is the partial channel the interaction came from (its type and, for
//   a thread, `thread_metadata`), and `app_permissions` what the app may do there.

let fake: FakeDiscord | undefined;
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.socket.terminate();
  await fake?.stop();
  fake = undefined;
});

async function start(): Promise<FakeDiscord> {
  fake = await FakeDiscord.start();
  return fake;
}

const call = async (f: FakeDiscord, method: string, path: string, body?: unknown, auth = false) => {
  const res = await fetch(`${f.apiBase}/v10${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bot ${f.botToken}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as { code?: number; id?: string }) : undefined };
};
const defer = (f: FakeDiscord, i: { id: string; token: string }) => call(f, 'POST', `/interactions/${i.id}/${i.token}/callback`, { type: 5 });
const followUp = (f: FakeDiscord, i: { token: string }) => call(f, 'POST', `/webhooks/${f.appId}/${i.token}?wait=true`, { content: 'later' });
const editOriginal = (f: FakeDiscord, i: { token: string }) => call(f, 'PATCH', `/webhooks/${f.appId}/${i.token}/messages/@original`, { content: 'edited' });

describe('fake interaction deadlines', () => {
  it('accepts the initial response within 3 s, and refuses it after with 10062 Unknown interaction', async () => {
    const f = await start();
    const inTime = f.sendCommand({ name: 'video' });
    f.advanceTime(2_000);
    expect((await defer(f, inTime)).status).toBe(204);
    const late = f.sendCommand({ name: 'video' });
    f.advanceTime(3_001);
    expect(await defer(f, late)).toEqual({ status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    // the token died with the deadline
    expect((await followUp(f, late)).body?.code).toBe(50027);
  });

  it('keeps an answered interaction\'s token working for 15 minutes, then answers 50027 Invalid Webhook Token', async () => {
    const f = await start();
    const interaction = f.sendCommand({ name: 'video' });
    expect((await defer(f, interaction)).status).toBe(204);
    f.advanceTime(14 * 60_000);
    expect((await editOriginal(f, interaction)).status).toBe(200);
    expect((await followUp(f, interaction)).status).toBe(200);
    f.advanceTime(60_001);
    expect(await editOriginal(f, interaction)).toEqual({ status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
    expect((await followUp(f, interaction)).body?.code).toBe(50027);
  });
});

describe('fake component interactions', () => {
  it('carry the thread a button or modal comes from, with its metadata, and the bot\'s permissions computed there', async () => {
    const f = await start();
    const gateway = identify(f);
    connections.push(gateway);
    await f.waitFor(() => gateway.dispatches.some((e) => e.t === 'GUILD_CREATE'));
    // In the parent channel the bot may not attach files; the thread inherits that overwrite.
    const parent = f.addChannel({ overwrites: [{ id: f.botRoleId, type: 0, allow: '0', deny: String(P.AttachFiles) }] });
    const thread = f.addChannel({ type: ChannelKind.publicThread, parentId: parent.id, members: [f.botUserId] });
    const posted = await call(f, 'POST', `/channels/${thread.id}/messages`, {
      content: 'pick', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }] }],
    }, true);
    const click = f.clickButton(posted.body?.id ?? '', 'go', '1500000000000000002');
    await f.waitFor(() => gateway.dispatches.some((e) => e.t === 'INTERACTION_CREATE'));
    const payload = gateway.dispatches.find((e) => e.t === 'INTERACTION_CREATE')?.d as unknown as {
      id: string; guild_id: string; channel: { id: string; type: number; parent_id: string; thread_metadata: { archived: boolean; locked: boolean } }; app_permissions: string;
    };
    expect(payload.id).toBe(click.id);
    expect(payload.guild_id).toBe(f.guildId);
    expect(payload.channel).toMatchObject({ id: thread.id, type: ChannelKind.publicThread, parent_id: parent.id, thread_metadata: { archived: false, locked: false } });
    expect(BigInt(payload.app_permissions)).toBe(f.botPermissions(thread.id));
    expect(BigInt(payload.app_permissions) & P.AttachFiles).toBe(0n);
    expect(BigInt(payload.app_permissions) & P.SendMessagesInThreads).toBe(P.SendMessagesInThreads);

    // The click is answered with a modal; its submission comes from the same thread.
    const modal = { custom_id: 'ask', title: 'Ask', components: [{ type: 1, components: [{ type: 4, custom_id: 'prompt', style: 1, label: 'Prompt' }] }] };
    expect((await call(f, 'POST', `/interactions/${click.id}/${click.token}/callback`, { type: 9, data: modal })).status).toBe(204);
    const submit = f.submitModal(click.id, { prompt: 'a fox' });
    await f.waitFor(() => gateway.dispatches.filter((e) => e.t === 'INTERACTION_CREATE').length === 2);
    const submitted = gateway.dispatches.filter((e) => e.t === 'INTERACTION_CREATE')[1]?.d as unknown as typeof payload & { type: number };
    expect(submitted).toMatchObject({ id: submit.id, type: 5, guild_id: f.guildId, channel: { id: thread.id, type: ChannelKind.publicThread, thread_metadata: { locked: false } } });
    expect(BigInt(submitted.app_permissions)).toBe(f.botPermissions(thread.id));
  });
});
