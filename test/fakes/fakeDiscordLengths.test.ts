import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModalValues } from './fakeDiscordComponents.ts';
import { FakeDiscord } from './fakeDiscord.ts';
import { codePoints } from './fakeDiscordMessages.ts';

// Discord counts lengths in Unicode code points ("Our API uses Python 3, so the API calculates length
// based on the number of codepoints", https://github.com/discord/discord-api-docs/issues/1315): an emoji
// outside the BMP is one character, where JavaScript's `length` counts two. Limits:
// content 2,000 (resources/message#create-message); embeds per field and 6,000 in all
// (resources/message#embed-object-embed-limits).

const fox = '🦊';

describe('fake Discord message lengths', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    // About lengths, not pacing: these raw posts do not follow the rate-limit headers.
    fake = await FakeDiscord.start({ rateLimits: false });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${fake.apiBase}/v10/channels/${fake.channelId}/messages`, {
      method: 'POST', headers: { authorization: `Bot ${fake.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { code?: number; errors?: unknown } };
  };

  it('counts an emoji outside the BMP as one character', () => {
    expect(fox.length).toBe(2);
    expect(codePoints(fox.repeat(3))).toBe(3);
  });

  it('takes 2,000 emoji as content (4,000 UTF-16 units), and refuses 2,001 characters', async () => {
    expect((await post({ content: fox.repeat(2_000) })).status).toBe(200);
    const over = await post({ content: `${fox.repeat(1_999)}ab` });
    expect(over).toMatchObject({ status: 400, body: { code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
  });

  it('holds embeds to their field limits and to 6,000 characters in all', async () => {
    expect((await post({ embeds: [{ title: fox.repeat(256), description: fox.repeat(4_096) }] })).status).toBe(200);
    expect((await post({ embeds: [{ title: fox.repeat(257) }] })).body).toMatchObject({ code: 50035, errors: { 'embeds.0.title': {} } });
    const full = { description: 'd'.repeat(4_000) };
    expect((await post({ embeds: [full, { description: 'e'.repeat(2_001) }] })).body).toMatchObject({ code: 50035, errors: { embeds: {} } });
  });

  it('checks a modal\'s text inputs in code points, as Discord\'s client does', () => {
    const input = [{ custom_id: 'prompt', max_length: 4, required: true }];
    expect(() => checkModalValues(input, { prompt: fox.repeat(4) })).not.toThrow();
    expect(() => checkModalValues(input, { prompt: fox.repeat(5) })).toThrow(/allows 4 characters/);
  });
});
