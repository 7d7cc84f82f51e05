import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID, type FakeAttachment, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isCallback, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const roleId = '1600000000000000009';
const otherUserId = '1500000000000000002';
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
const cardTextOf = (r: RecordedRequest) => String((r.body as { embeds?: { description?: string }[] } | undefined)?.embeds?.[0]?.description ?? '');
const statusEdits = (hh: Harness) => hh.discord.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
const channelPosts = (hh: Harness) => hh.discord.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
const waitJob = (hh: Harness, index: number, statuses: string[]) =>
  hh.discord.waitFor(() => statuses.includes(jobRows(hh.db)[index]?.status ?? ''), 10_000);

interface MessageBody { content?: string; allowed_mentions?: { parse?: string[]; roles?: string[]; users?: string[] } }

/** The message part of a request that creates or edits one (an interaction callback carries it in `data`). */
function messageOf(r: RecordedRequest): MessageBody | undefined {
  const body = r.body as (MessageBody & { type?: number; data?: MessageBody }) | undefined;
  if (!body) return undefined;
  if (r.path.endsWith('/callback')) return body.data;
  const isMessage = /\/messages(\/[^/]+)?$/.test(r.path) || /^\/webhooks\/\d+\/[^/]+$/.test(r.path);
  return isMessage ? body : undefined;
}

/** Every message with text must be unable to ping @everyone, @here or a role, and may ping only the requester. */
function mentionProblems(requests: readonly RecordedRequest[], requesterId: string): string[] {
  return requests.flatMap((r) => {
    const message = messageOf(r);
    if (!message?.content) return [];
    const where = `${r.method} ${r.path}`;
    const allowed = message.allowed_mentions;
    if (!allowed) return [`${where}: no allowed_mentions (Discord would parse every mention)`];
    const problems: string[] = [];
    if (!Array.isArray(allowed.parse) || allowed.parse.length > 0) problems.push(`${where}: parse ${JSON.stringify(allowed.parse)}`);
    if ((allowed.roles ?? []).length > 0) problems.push(`${where}: roles ${JSON.stringify(allowed.roles)}`);
    if ((allowed.users ?? []).some((u) => u !== requesterId)) problems.push(`${where}: users ${JSON.stringify(allowed.users)}`);
    return problems;
  });
}

describe('prompts that try to ping', () => {
  it('runs jobs whose prompts hold @everyone, @here, role and user mentions, echoes them verbatim and never lets them ping', async () => {
    h = await startHarness({ env: { USER_MAX_ACTIVE_JOBS: '10' } });
    const mentions = `@everyone @here look: <@&${roleId}> and <@${otherUserId}> dance in the rain`;
    const longest = [...'@everyone 🎬 <@&1600000000000000009> '.repeat(80)].slice(0, 2000).join('');
    const hidden = `<@!${otherUserId}> meets <@${DEFAULT_USER_ID}> and @\u200Beveryone`;
    const runs = [
      { prompt: mentions, outcome: 'completed' as const },
      { prompt: longest, outcome: 'completed' as const },
      { prompt: hidden, outcome: 'failed' as const },
    ];
    for (const [index, run] of runs.entries()) {
      h.apimart.setTaskPlan('next', { outcome: run.outcome });
      h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: run.prompt }) });
      await waitJob(h, index, ['delivered', 'failed']);
    }
    // A rejection answers too (a prompt far over the limit), and it must not ping either.
    const rejected = h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: '@everyone '.repeat(700) }) });
    await h.discord.waitForRequest(isCallback(rejected.id));

    expect(jobRows(h.db).map((j) => j.status)).toEqual(['delivered', 'delivered', 'failed']);
    const sentPrompts = h.apimart.submits().map((r) => (r.body as { prompt: string }).prompt);
    expect(sentPrompts).toEqual([mentions, longest, hidden.replace('\u200B', '')]);
    // The card shows the prompt as its embed's text, verbatim (nothing in it is markdown), and embeds never ping.
    const shown = (text: string) => statusEdits(h!).some((r) => cardTextOf(r) === text);
    expect(shown(mentions)).toBe(true);
    expect(shown(hidden.replace('\u200B', ''))).toBe(true);
    expect(statusEdits(h).every((r) => contentOf(r).length <= 2000 && !contentOf(r).includes('@everyone'))).toBe(true);
    expect(statusEdits(h).some((r) => cardTextOf(r).startsWith(longest.slice(0, 200)))).toBe(true);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(2);
    await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('job #3 failed'));

    expect(mentionProblems(h.discord.requests, DEFAULT_USER_ID)).toEqual([]);
    expect(h.discord.requests.filter((r) => messageOf(r)?.content).length).toBeGreaterThanOrEqual(10);
  });

  it('rejects prompts that render as nothing (Hangul fillers, braille blanks, soft hyphens, bidi marks) before reserving', async () => {
    h = await startHarness();
    const invisible = ['\u3164', '\u2800\u2800\u2800', '\u00AD\u200E\u200F\u202E', '\uFE0F\u034F', ' \u115F\u3164\u1160 ', '\u{E0020}\u{E0041}'];
    for (const prompt of invisible) {
      const interaction = h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt }) });
      const body = (await h.discord.waitForRequest(isCallback(interaction.id))).body as { type: number; data: { content: string; flags: number } };
      expect(body.type, JSON.stringify(prompt)).toBe(4);
      expect(body.data.flags & 64).toBe(64);
      expect(body.data.content).toContain('The prompt is empty');
    }
    expect(ledgerRows(h.db)).toEqual([]);
    expect(h.apimart.submits()).toEqual([]);
    expect(mentionProblems(h.discord.requests, DEFAULT_USER_ID)).toEqual([]);
  });
});

describe('attachments that lie', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const cases: { name: string; attach: (hh: Harness) => FakeAttachment }[] = [
    {
      name: 'a PDF named x.png with content type image/png',
      attach: (hh) => hh.discord.addAttachment({ filename: 'x.png', contentType: 'image/png', bytes: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), width: 1280, height: 720 }),
    },
    {
      name: 'an HTML page named x.png with content type image/png',
      attach: (hh) => hh.discord.addAttachment({ filename: 'x.png', contentType: 'image/png', bytes: Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), width: 1280, height: 720 }),
    },
    {
      name: 'a PNG whose URL answers 404 by the time it is checked',
      attach: (hh) => {
        const real = hh.discord.addAttachment({ filename: 'gone.png', contentType: 'image/png', bytes: png, width: 1280, height: 720 });
        const dead = real.url.replace(`/attachments/${real.id}/`, '/attachments/1/');
        return { ...real, url: dead, proxy_url: dead };
      },
    },
  ];

  it.each(cases)('fails $name as image_unreadable without calling the provider, releasing the reservation', async ({ attach }) => {
    h = await startHarness();
    const image = attach(h);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ imageId: image.id }), attachments: [image] });
    await waitJob(h, 0, ['failed']);

    expect(jobRows(h.db)[0]!.failure_code).toBe('image_unreadable');
    expect(ledgerRows(h.db).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', 428_000], ['release', -428_000]]);
    // Nothing about the job reached the provider (the model list read at start is no job's).
    expect(h.apimart.requests.filter((r) => r.path !== '/v1/models')).toEqual([]);
    expect(h.discord.downloads).toContain(new URL(image.url).pathname);
    const notice = await h.discord.waitForRequest((r) => channelPosts(h!).includes(r) && contentOf(r).includes('the reference image could not be read'));
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    await h.discord.waitForRequest((r) => statusEdits(h!).includes(r) && contentOf(r).includes('Failed: the reference image could not be read'));
    expect(h.logLines.some((l) => l.includes('"event":"job_image_rejected"'))).toBe(true);
    expect(mentionProblems(h.discord.requests, DEFAULT_USER_ID)).toEqual([]);
  });

  it('still sends a real PNG (the check reads bytes, not names), so only liars are stopped', async () => {
    h = await startHarness();
    const image = h.discord.addAttachment({ filename: 'photo.webp', contentType: 'image/webp', bytes: png, width: 1280, height: 720 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ imageId: image.id }), attachments: [image] });
    await waitJob(h, 0, ['delivered']);
    expect(h.apimart.submits()).toHaveLength(1);
  });
});
