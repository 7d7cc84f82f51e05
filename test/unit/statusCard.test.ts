import { describe, expect, it } from 'vitest';
import type { Job, JobStatus } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { resultCard } from '../../src/services/jobs/resultPost.ts';
import { cardColours, cardRevisitAt, cardState, progressBar, renderStatusCard, type CardState } from '../../src/services/status/statusCard.ts';
import type { StatusContext } from '../../src/services/status/statusText.ts';

const now = Date.UTC(2025, 5, 15, 12);
const ctx: StatusContext = { queuePosition: 2, jobTimeoutMinutes: 45, predictedFinishMs: now + 90_000, latePollingEndsAtMs: null };

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 42, originKey: 'interaction-1', idempotencyKey: 'k', parentJobId: null, guildId: '900', channelId: '901', userId: '902', locale: 'en-US',
    applicationId: 'app', interactionToken: null, interactionAt: now, attachmentSizeLimit: 10 * 1024 * 1024, status: 'queued',
    request: { model: 'kling-v3', prompt: 'a fox in the snow', duration: 8, aspect_ratio: '9:16', mode: 'pro', audio: true },
    settings: { model: 'kling-v3', modelLabel: 'Kling v3', durationSec: 8, aspectRatio: 'portrait', resolution: '1080p', audio: true, imageUrl: null },
    imageName: null, estimateMicros: 1_075_200, costMicros: null, taskId: null, progress: 0, estimatedTimeSec: null,
    pollErrors: 0, submitAttempts: 0, nextAttemptAt: null, confirmDeadlineAt: now + 60_000, videoUrl: null, videoExpiresAt: null,
    statusMessageId: null, statusChannelId: null, resultMessageId: null, resultPostStartedAt: null, failureCode: null, failureDetail: null,
    createdAt: now, updatedAt: now, submittedAt: null, completedAt: null, finishedAt: null,
    deliveryAttempts: 0, deliveryProblem: null, imageOrientation: null, statusDeletedAt: null, placeGone: null,
    ...overrides,
  };
}

const fields = (card: ReturnType<typeof renderStatusCard>) => Object.fromEntries((card.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
const buttons = (card: ReturnType<typeof renderStatusCard>) => card.components.flatMap((r) => r.components.map((c) => ('custom_id' in c ? c.custom_id : undefined)));

const states: { status: JobStatus; state: CardState; progress: string | undefined; buttons: string[]; job?: Partial<Job> }[] = [
  { status: 'awaiting_confirmation', state: 'waiting', progress: undefined, buttons: ['job:42:start', 'job:42:cancel'] },
  { status: 'queued', state: 'queued', progress: progressBar(0), buttons: ['job:42:cancel'] },
  { status: 'submitting', state: 'generating', progress: progressBar(0), buttons: [] },
  { status: 'submitted', state: 'generating', progress: progressBar(40), buttons: [], job: { progress: 40 } },
  { status: 'completed', state: 'generating', progress: progressBar(100), buttons: [] },
  { status: 'failed', state: 'failed', progress: undefined, buttons: [], job: { failureCode: 'moderation' } },
  { status: 'submit_unknown', state: 'failed', progress: undefined, buttons: [] },
  { status: 'cancelled', state: 'ended', progress: undefined, buttons: [] },
  { status: 'expired', state: 'ended', progress: undefined, buttons: [] },
];

describe('the job card', () => {
  it.each(states)('shows a $status job in the $state colour, with its settings, estimate, progress and buttons', ({ status, state, progress, buttons: ids, job: extra }) => {
    const card = renderStatusCard(job({ status, ...extra }), ctx, now);
    expect(cardState(job({ status, ...extra }))).toBe(state);
    expect(card.embeds[0]!.color).toBe(cardColours[state]);
    expect(fields(card)).toMatchObject({
      Model: 'Kling v3', Duration: '8 s', Orientation: 'portrait', Resolution: '1080p', Sound: 'with sound', Estimate: '$1.0752',
    });
    expect(fields(card).Progress).toBe(progress);
    expect(buttons(card)).toEqual(ids);
    expect(card.content.startsWith(en.statusTitle(42))).toBe(true);
    expect(card.allowedMentions).toEqual({ parse: [], users: [] });
    // The title names the job: a footer would say it a second time.
    expect(card.embeds[0]!.footer).toBeUndefined();
  });

  it('has a distinct colour for each of queued, waiting, generating, done and failed', () => {
    const used = (['queued', 'waiting', 'generating', 'done', 'failed'] as const).map((s) => cardColours[s]);
    expect(new Set(used).size).toBe(5);
  });

  it('shows settings in the reader’s language', () => {
    const card = renderStatusCard(job({ locale: 'ja' }), ctx, now);
    expect(fields(card)).toMatchObject({ モデル: 'Kling v3', 長さ: '8秒', 向き: '縦長', 解像度: '1080p', 音声: '音声あり', 見積もり: '$1.0752' });
    expect(card.components[0]!.components.map((c) => (c as { label?: string }).label)).toEqual([ja.controls.cancel]);
  });

  it('shows progress and the ETA once, in the embed, and says the job is taking longer once the ETA has passed', () => {
    const running = job({ status: 'submitted', progress: 40 });
    const card = renderStatusCard(running, ctx, now);
    expect(fields(card).Ready).toBe(`<t:${(now + 90_000) / 1000}:R>`);
    expect(fields(card).Progress).toBe(progressBar(40));
    expect(card.content).toBe(`${en.statusTitle(42)} · ${en.status.submitted}`);
    expect(JSON.stringify(card).split('40%')).toHaveLength(2);
    expect(JSON.stringify(card).split(`<t:${(now + 90_000) / 1000}:R>`)).toHaveLength(2);
    const late = renderStatusCard(running, ctx, now + 91_000);
    expect(fields(late).Ready).toBe(en.card.takingLonger);
    expect(late.content).not.toContain('<t:');
    expect(cardRevisitAt(running, ctx, now)).toBe(now + 90_000);
    expect(cardRevisitAt(running, ctx, now + 91_000)).toBeNull();
  });

  it('escapes the prompt and cuts it near 300 characters, so a masked link or heading stays text', () => {
    const prompt = `# Free nitro [click here](https://evil.example) **now** ${'x'.repeat(400)}`;
    const card = renderStatusCard(job({ request: { ...job().request, prompt } }), ctx, now);
    const description = card.embeds[0]!.description!;
    expect(description.startsWith('\\# Free nitro \\[click here](https://evil.example) \\*\\*now\\*\\*')).toBe(true);
    expect(description).not.toMatch(/(^|[^\\])\[click here\]\(/);
    expect([...description.replace(/\\/g, '')].length).toBeLessThanOrEqual(300);
    expect(card.content).not.toContain('evil.example');
  });

  it('shrinks to one line linking to the result once it is posted, leaving the cost and the number to the result', () => {
    const done = renderStatusCard(job({ status: 'delivered', costMicros: 3_500_000, resultMessageId: '905', statusChannelId: '901' }), ctx, now);
    expect(done).toEqual({
      content: '✅ Done: https://discord.com/channels/900/901/905',
      embeds: [], components: [], allowedMentions: { parse: [], users: [] }, flags: 4,
    });
    expect(done.content).not.toMatch(/\$3\.50|#42/);
    const byDm = renderStatusCard(job({ status: 'delivered', costMicros: 3_500_000, resultMessageId: '905', statusChannelId: '777' }), ctx, now);
    expect(byDm.content).toContain('https://discord.com/channels/@me/777/905');
  });
});

describe('the result post', () => {
  it('shows prompt, settings and final cost in its embed beside four buttons', () => {
    const post = resultCard(job({ status: 'delivered', costMicros: 3_500_000, request: { ...job().request, prompt: 'see [this](https://x.example)' } }));
    const embed = post.embeds![0] as { description: string; color: number; fields: { name: string; value: string }[] };
    expect(embed.description).toBe('see \\[this](https://x.example)');
    expect(embed.color).toBe(cardColours.done);
    expect(Object.fromEntries(embed.fields.map((f) => [f.name, f.value]))).toMatchObject({ Model: 'Kling v3', Duration: '8 s', Cost: '$3.50' });
    const ids = (post.components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    expect(ids).toEqual(['job:42:again', 'job:42:edit', 'job:42:dm', 'job:42:delete']);
  });

  it('leaves the member’s words out of the embed when asked (a server whose AutoMod blocks them)', () => {
    const post = resultCard(job({ status: 'delivered', imageName: 'fox.png' }), { withoutPrompt: true });
    const embed = post.embeds![0] as { description?: string; fields: { name: string }[] };
    expect(embed.description).toBeUndefined();
    expect(embed.fields.map((f) => f.name)).not.toContain('Reference image');
  });
});

describe('what the card says is true', () => {
  it('shows the orientation the reference image gives the video, and why, instead of the one asked for', () => {
    const imageJob = job({ settings: { ...job().settings, aspectRatio: 'landscape' }, imageName: 'tall.png', imageOrientation: 'portrait' });
    const card = renderStatusCard(imageJob, ctx, now);
    expect(fields(card).Orientation).toBe('portrait (set by the reference image, not `aspect_ratio: landscape`)');
    expect(card.content).not.toContain('landscape');
    const ja = renderStatusCard({ ...imageJob, locale: 'ja' }, ctx, now);
    expect(fields(ja).向き).toBe('縦長（`縦横比: 横長` ではなく参照画像で決まります）');
    // An image that agrees with the choice needs no explanation.
    expect(fields(renderStatusCard(job({ imageOrientation: 'portrait' }), ctx, now)).Orientation).toBe('portrait');
  });

  it('says on a remake who asked for it (and pays) and which job it remakes, without pinging them', () => {
    const remake = job({ id: 43, parentJobId: 42, userId: '777', status: 'queued' });
    const card = renderStatusCard(remake, ctx, now);
    expect(card.content.split('\n')).toEqual([`${en.statusTitle(43)} · ${en.status.queued(2)}`, '🔁 Remake of job #42, asked for by <@777>, who pays for it.']);
    expect(card.allowedMentions).toEqual({ parse: [], users: [] });
    expect(renderStatusCard({ ...remake, locale: 'ja' }, ctx, now).content).toContain('🔁 ジョブ #42 の作り直しです。依頼したのは <@777> で、費用も負担します。');
    expect(renderStatusCard(job(), ctx, now).content).not.toContain('🔁');
  });

  it('promises to keep checking a timed-out job only until late polling stops, then says it stopped', () => {
    const endsAt = now + 3_600_000;
    const timedOut = job({ status: 'timed_out', progress: 90, submittedAt: now - 45 * 60_000 });
    const checking = renderStatusCard(timedOut, { ...ctx, latePollingEndsAtMs: endsAt }, now);
    expect(checking.content).toBe(`${en.statusTitle(42)} · ${en.status.timed_out(45, endsAt)}`);
    expect(checking.content).toContain(`until <t:${endsAt / 1000}:f>`);
    expect(checking.embeds[0]!.color).toBe(cardColours.generating);

    const stopped = renderStatusCard(timedOut, { ...ctx, latePollingEndsAtMs: endsAt }, endsAt + 1);
    expect(stopped.content).toBe(`${en.statusTitle(42)} · ${en.status.timed_out_stopped(45, endsAt)}`);
    expect(stopped.content).not.toMatch(/keep checking|will post/);
    expect(stopped.embeds[0]!.color).toBe(cardColours.ended);
    expect(fields(stopped).Progress).toBeUndefined();
    expect(renderStatusCard({ ...timedOut, locale: 'ja' }, { ...ctx, latePollingEndsAtMs: endsAt }, endsAt + 1).content).toContain('確認をやめました');
  });
});
