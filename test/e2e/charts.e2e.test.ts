import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartsEn, chartsJa } from '../../src/i18n/chartTexts.ts';
import { en } from '../../src/i18n/en.ts';
import { chartPixelRatio } from '../../src/services/spend/chartRenderer.ts';
import { chartWidthPx } from '../../src/services/spend/chartSpecs.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { decodePng } from '../support/pngImage.ts';
import { checkAndStop, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { answerTo, runAdmin } from './spendHelpers.ts';

let h: Harness;
const otherUser = '1500000000000000042';
const colors = { background: '#313338ff', spent: '#5865f2ff', budget: '#f0b232ff' };

beforeAll(async () => {
  h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '5', USER_MAX_ACTIVE_JOBS: '10' } });
  h.apimart.setTaskPlan('next', { cost: 0.35 });
  h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
  await h.discord.waitFor(() => jobRows(h.db)[0]?.status === 'delivered', 10_000);
  h.discord.sendCommand({ name: 'video', userId: otherUser, username: 'bob', options: videoOptions({ duration: 8 }) });
  await h.discord.waitFor(() => jobRows(h.db)[1]?.status === 'delivered', 10_000);
});
afterAll(async () => {
  await checkAndStop(h);
});

/** The edit that adds the chart to the ephemeral answer. */
async function chartEdit(interaction: { token: string }): Promise<{ request: RecordedRequest; attachment: { filename: string; description?: string } }> {
  const request = await h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path === `/webhooks/${h.discord.appId}/${interaction.token}/messages/@original` && r.files.length > 0, 20_000);
  const body = request.body as { content?: string; attachments?: { filename: string; description?: string }[] };
  expect(body.content).toBeUndefined();
  expect(request.files).toHaveLength(1);
  expect(body.attachments).toHaveLength(1);
  return { request, attachment: body.attachments![0]! };
}

describe('charts', () => {
  it('/usage answers with the numbers and a PNG of the daily spend with the daily budget line', async () => {
    const interaction = h.discord.sendCommand({ name: 'usage' });
    const answer = await answerTo(h, interaction);
    // The numbers come at once; the chart follows in an edit.
    expect(answer).toMatchObject({ type: 4 });
    expect(answer.flags & 64).toBe(64);
    const spentToday = ledgerRows(h.db).filter((r) => r.user_id === DEFAULT_USER_ID).reduce((sum, r) => sum + r.amount_micros, 0);
    expect(spentToday).toBe(350_000);
    expect(answer.content).toContain('Today (UTC): **$0.35**');

    const { request, attachment } = await chartEdit(interaction);
    // The alt text carries the numbers the picture shows.
    const today = new Date().toISOString().slice(0, 10);
    expect(attachment).toEqual({ id: '0', description: chartsEn.usageAlt([{ label: today, spentMicros: 350_000, reservedMicros: 0 }], 5_000_000, 0) });
    expect(attachment.description).toContain(`${today}: $0.35`);
    expect(request.files[0]).toMatchObject({ filename: 'daily-spend.png', contentType: 'image/png' });
    const image = decodePng(request.files[0]!.bytes);
    expect(image.width).toBe(chartWidthPx * chartPixelRatio);
    expect(image.colors).toContain(colors.background);
    expect(image.colors).toContain(colors.spent);
    expect(image.colors).toContain(colors.budget);
  });

  it('/usage in Japanese carries the chart too, labelled in Japanese with the bundled font', async () => {
    const interaction = h.discord.sendCommand({ name: 'usage', locale: 'ja' });
    expect((await answerTo(h, interaction)).content).toContain('今日（UTC）');
    const { request, attachment } = await chartEdit(interaction);
    expect(request.files[0]?.filename).toBe('daily-spend.png');
    expect(attachment.description).toBe(chartsJa.usageAlt([{ label: new Date().toISOString().slice(0, 10), spentMicros: 350_000, reservedMicros: 0 }], 5_000_000, 0));
    expect(decodePng(request.files[0]!.bytes).colors).toContain(colors.spent);
  });

  it('/video-admin report attaches the spend per member, named by their display names', async () => {
    const before = h.discord.requests.length;
    const answer = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'month' }]);
    expect(answer.type).toBe(4);
    expect(answer.content).toContain(`<@${DEFAULT_USER_ID}>: $0.35 spent`);
    expect(answer.content).toContain(`<@${otherUser}>: $0.6848 spent`);
    const edit = await h.discord.waitForRequest((r) => h.discord.requests.indexOf(r) >= before && r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.files.length > 0, 20_000);
    // The edit only adds the picture: the text stays as it was sent.
    const alt = chartsEn.reportAlt('month', [{ label: 'bob', spentMicros: 684_800, reservedMicros: 0 }, { label: 'Alice', spentMicros: 350_000, reservedMicros: 0 }], 0);
    expect(edit.body).toMatchObject({ allowed_mentions: { parse: [] }, attachments: [{ id: '0', description: alt }] });
    expect((edit.body as { content?: string }).content).toBeUndefined();
    expect(edit.files[0]).toMatchObject({ filename: 'spend-by-member.png', contentType: 'image/png' });
    const image = decodePng(edit.files[0]!.bytes);
    expect(image.colors).toContain(colors.background);
    expect(image.colors).toContain(colors.spent);
    expect(alt).toContain('bob: $0.6848');
    const memberLookups = h.discord.requests.filter((r) => r.method === 'GET' && /^\/guilds\/\d+\/members\/\d+$/.test(r.path)).map((r) => r.path.split('/').at(-1));
    expect(memberLookups.sort()).toEqual([DEFAULT_USER_ID, otherUser].sort());
  });

  it('/usage answers a member with no spend with a sentence, and no chart of empty days', async () => {
    const newcomer = '1500000000000000077';
    const interaction = h.discord.sendCommand({ name: 'usage', userId: newcomer, username: 'newcomer' });
    const answer = await answerTo(h, interaction);
    expect(answer.content).toContain(en.usage.noRecentSpend);
    // The answer is complete as sent: no edit follows with a picture.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.discord.requests.filter((r) => r.method === 'PATCH' && r.path === `/webhooks/${h.discord.appId}/${interaction.token}/messages/@original`)).toEqual([]);
    const spender = await answerTo(h, h.discord.sendCommand({ name: 'usage' }));
    expect(spender.content).not.toContain(en.usage.noRecentSpend);
  });
});
