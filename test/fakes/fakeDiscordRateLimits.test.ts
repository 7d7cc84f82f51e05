import { REST, Routes } from 'discord.js';
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
    fake = await FakeDiscord.start({ rateLimits: true });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post(fake, i));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0]!.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(await answers[5]!.json()).toMatchObject({ global: false, message: 'You are being rate limited.' });
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect([...fake.messages.values()].filter((m) => m.content.startsWith('m'))).toHaveLength(5);
  });

  it('is off unless asked for', async () => {
    fake = await FakeDiscord.start();
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(fake, i)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('is a limit discord.js can follow from the headers alone: no 429 while it paces itself', async () => {
    fake = await FakeDiscord.start({ rateLimits: true });
    const rest = new REST({ api: fake.apiBase }).setToken(fake.botToken);
    const channelId = fake.channelId;
    await Promise.all(Array.from({ length: 7 }, (_, i) => rest.post(Routes.channelMessages(channelId), { body: { content: `paced ${i}` } })));
    const posts = fake.requests.filter((r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(posts[6]!.at - posts[0]!.at).toBeGreaterThanOrEqual(4_000);
  }, 20_000);
});
