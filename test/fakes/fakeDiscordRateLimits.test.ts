import { REST, Routes } from 'discord.js';

// Discord's rate limits as https://discord.com/developers/docs/topics/rate-limits describes them:
// per-route buckets announced in X-RateLimit-* headers, a global 50 requests per second for the bot
// token (interaction endpoints exempt), 429 answers with `retry_after` a float in the body and
// `Retry-After` in the header (whole seconds), X-RateLimit-Scope on 429s (`user`, `global`, `shared`),
// and the invalid-request limit: 401, 403 and 429 answers count, except 429s of scope `shared`.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fakeDiscord.ts';
import { FakeRateLimits } from './fakeDiscordRateLimits.ts';
import type { RecordedRequest } from './fakeDiscordState.ts';

const request = (method: string, path: string) => ({ method, path }) as RecordedRequest;

describe('FakeRateLimits', () => {
  it('counts each channel apart and announces the bucket, then refuses the sixth message in five seconds', () => {
    let now = 1_000_000;
    const limits = new FakeRateLimits({}, () => now);
    const post = (channel: string) => limits.check(request('POST', `/channels/${channel}/messages`));
    const answers = Array.from({ length: 5 }, () => post('1'));
    expect(answers.map((a) => ('headers' in a ? a.headers['X-RateLimit-Remaining'] : 'limited'))).toEqual(['4', '3', '2', '1', '0']);
    expect('headers' in answers[0]! && answers[0].headers).toMatchObject({ 'X-RateLimit-Limit': '5', 'X-RateLimit-Reset-After': '5.000' });
    expect('headers' in post('2')).toBe(true);
    now += 1_000;
    const refused = post('1');
    expect(refused).toMatchObject({
      limited: { status: 429, body: { message: 'You are being rate limited.', retry_after: 4, global: false }, headers: { 'Retry-After': '4', 'X-RateLimit-Remaining': '0' } },
    });
    now += 4_000;
    expect('headers' in post('1')).toBe(true);
    expect(limits.provoked).toEqual({ route: 1, global: 0 });
  });

  it('answers a 429 with retry_after as a float in the body, whole seconds in Retry-After, and its scope', () => {
    let now = 0;
    const limits = new FakeRateLimits({}, () => now);
    for (let i = 0; i < 5; i++) limits.check(request('PATCH', '/channels/1/messages/2'));
    now += 1_430;
    const route = limits.check(request('PATCH', '/channels/1/messages/2'));
    expect(route).toMatchObject({ limited: { body: { retry_after: 3.57, global: false }, headers: { 'Retry-After': '4', 'X-RateLimit-Scope': 'user' } } });
    const global = new FakeRateLimits({ globalPerSecond: 1 }, () => 10_250);
    global.check(request('GET', '/channels/1/messages/2'));
    expect(global.check(request('GET', '/channels/3/messages/4'))).toMatchObject({
      limited: { body: { retry_after: 1, global: true }, headers: { 'Retry-After': '1', 'X-RateLimit-Scope': 'global', 'X-RateLimit-Global': 'true' } },
    });
  });

  it('allows one reaction per channel every 250 ms', () => {
    let now = 0;
    const limits = new FakeRateLimits({}, () => now);
    const react = () => limits.check(request('PUT', '/channels/1/messages/2/reactions/%E2%9D%8C/@me'));
    expect('headers' in react()).toBe(true);
    expect('limited' in react()).toBe(true);
    now += 250;
    expect('headers' in react()).toBe(true);
  });

  it('shares 50 requests per second among bot-token routes, but not with interaction callbacks and tokens', () => {
    const limits = new FakeRateLimits({}, () => 5_000);
    for (let i = 0; i < 50; i++) expect('headers' in limits.check(request('GET', `/channels/${i}/messages/1`))).toBe(true);
    expect(limits.check(request('GET', '/channels/99/messages/1'))).toMatchObject({ limited: { status: 429, body: { global: true }, headers: { 'X-RateLimit-Global': 'true' } } });
    expect('headers' in limits.check(request('POST', '/interactions/5/tok/callback'))).toBe(true);
    expect('headers' in limits.check(request('PATCH', '/webhooks/1/tok/messages/@original'))).toBe(true);
    expect(limits.provoked.global).toBe(1);
  });
});

describe('FakeDiscord with rate limits', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  const post = (f: FakeDiscord, i: number) => fetch(`${f.apiBase}/v10/channels/${f.channelId}/messages`, {
    method: 'POST', headers: { authorization: `Bot ${f.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ content: `m${i}` }),
  });

  it('answers the request over the limit with 429, and no message is created for it', async () => {
    fake = await FakeDiscord.start();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post(fake, i));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0]!.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(await answers[5]!.json()).toMatchObject({ global: false, message: 'You are being rate limited.' });
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect([...fake.messages.values()].filter((m) => m.content.startsWith('m'))).toHaveLength(5);
  });

  it('is on by default, and off only for a test that turns it off', async () => {
    fake = await FakeDiscord.start();
    const limited = [];
    for (let i = 0; i < 6; i++) limited.push((await post(fake, i)).status);
    expect(limited).toEqual([200, 200, 200, 200, 200, 429]);
    await fake.stop();
    fake = await FakeDiscord.start({ rateLimits: false });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(fake, i)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('is a limit discord.js can follow from the headers alone: no 429 while it paces itself', async () => {
    fake = await FakeDiscord.start();
    const rest = new REST({ api: fake.apiBase }).setToken(fake.botToken);
    const channelId = fake.channelId;
    await Promise.all(Array.from({ length: 7 }, (_, i) => rest.post(Routes.channelMessages(channelId), { body: { content: `paced ${i}` } })));
    const posts = fake.requests.filter((r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(posts[6]!.at - posts[0]!.at).toBeGreaterThanOrEqual(4_000);
  }, 20_000);

  it('limits the bot\'s reactions to one per 250 ms in each channel, and says when to come back', async () => {
    fake = await FakeDiscord.start();
    const f = fake;
    const quiet = f.addChannel();
    const message = async (channelId: string) => ((await (await fetch(`${f.apiBase}/v10/channels/${channelId}/messages`, {
      method: 'POST', headers: { authorization: `Bot ${f.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ content: 'react here' }),
    })).json()) as { id: string }).id;
    const [busyMessage, quietMessage] = [await message(f.channelId), await message(quiet.id)];
    const react = (channelId: string, messageId: string, emoji: string) =>
      fetch(`${f.apiBase}/v10/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`, { method: 'PUT', headers: { authorization: `Bot ${f.botToken}` } });
    const first = await react(f.channelId, busyMessage, '1️⃣');
    const second = await react(f.channelId, busyMessage, '2️⃣');
    expect([first.status, second.status]).toEqual([204, 429]);
    expect(first.headers.get('x-ratelimit-limit')).toBe('1');
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.headers.get('x-ratelimit-scope')).toBe('user');
    const body = (await second.json()) as { retry_after: number };
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(0.25);
    expect((await react(quiet.id, quietMessage, '1️⃣')).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, body.retry_after * 1000 + 20));
    expect((await react(f.channelId, busyMessage, '2️⃣')).status).toBe(204);
  });

  it('counts 401, 403 and 429 answers as invalid requests, but not a 429 of scope shared', async () => {
    fake = await FakeDiscord.start();
    const f = fake;
    const get = (token: string) => fetch(`${f.apiBase}/v10/channels/${f.channelId}`, { headers: { authorization: `Bot ${token}` } });
    expect((await get('not-the-token')).status).toBe(401);
    f.failNext({ path: /^\/channels\/\d+$/ }, { status: 403, body: { message: 'Missing Access', code: 50001 } });
    expect((await get(f.botToken)).status).toBe(403);
    f.failNext({ path: /^\/channels\/\d+$/ }, { status: 429, retryAfterSec: 0.5 });
    f.failNext({ path: /^\/channels\/\d+$/ }, { status: 429, retryAfterSec: 12.5, scope: 'shared' });
    const [user, shared] = [await get(f.botToken), await get(f.botToken)];
    expect([user.headers.get('x-ratelimit-scope'), user.headers.get('retry-after')]).toEqual(['user', '1']);
    expect([shared.headers.get('x-ratelimit-scope'), shared.headers.get('retry-after')]).toEqual(['shared', '13']);
    expect(await shared.json()).toMatchObject({ retry_after: 12.5 });
    expect((await get(f.botToken)).status).toBe(200);
    expect(f.invalidRequests.map((r) => r.status)).toEqual([401, 403, 429]);
  });
});
