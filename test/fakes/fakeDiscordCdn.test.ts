import { afterEach, expect, it } from 'vitest';
import { FakeDiscord } from './fakeDiscord.ts';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const dayMs = 24 * 3600_000;

it('signs attachment links with ex, is and hm, as Discord does, ex a day after is in hex Unix seconds', async () => {
  fake = await FakeDiscord.start();
  const before = Math.floor(Date.now() / 1000);
  const { url } = fake.addAttachment({ filename: 'ref.png', bytes: Buffer.from('png') });
  const query = new URL(url).searchParams;
  expect(query.get('ex')).toMatch(/^[0-9a-f]{8}$/);
  expect(query.get('hm')).toMatch(/^[0-9a-f]{64}$/);
  const issued = parseInt(query.get('is') ?? '', 16);
  expect(issued).toBeGreaterThanOrEqual(before);
  expect(parseInt(query.get('ex') ?? '', 16) - issued).toBe(dayMs / 1000);
});

it('serves a link until its ex, and answers 404 after it once the CDN clock moves a day on', async () => {
  fake = await FakeDiscord.start();
  const bytes = Buffer.from('89504e470d0a1a0a00', 'hex');
  const { url } = fake.addAttachment({ filename: 'ref.png', bytes });
  const fresh = await fetch(url);
  expect(fresh.status).toBe(200);
  expect(Buffer.from(await fresh.arrayBuffer()).equals(bytes)).toBe(true);
  fake.cdn.advance(dayMs + 1000);
  const late = await fetch(url);
  expect(late.status).toBe(404);
  expect(await late.text()).toBe('This content is no longer available.');
});

it('answers 404 for a link whose signature was removed or changed', async () => {
  fake = await FakeDiscord.start();
  const { url } = fake.addAttachment({ filename: 'ref.png', bytes: Buffer.from('png') });
  const unsigned = new URL(url);
  unsigned.search = '';
  expect((await fetch(unsigned)).status).toBe(404);
  const extended = new URL(url);
  extended.searchParams.set('ex', 'ffffffff');
  expect((await fetch(extended)).status).toBe(404);
});
