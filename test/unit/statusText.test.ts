import { describe, expect, it } from 'vitest';
import { jobStatuses, type Job, type JobStatus } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import type { Messages } from '../../src/i18n/messages.ts';
import { renderStatus, type StatusContext } from '../../src/services/status/statusText.ts';

const createdAt = Date.UTC(2025, 5, 15, 12);
const ctx: StatusContext = { queuePosition: 3, jobTimeoutMinutes: 45, predictedFinishMs: createdAt + 300_000 };

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 42, originKey: 'interaction-1', parentJobId: null, guildId: 'g', channelId: 'c', userId: 'u', locale: 'en-US',
    applicationId: 'app', interactionToken: null, interactionAt: createdAt, attachmentSizeLimit: 10 * 1024 * 1024,
    status: 'queued',
    request: { model: 'sora-2-pro-preview', prompt: 'a fox in the snow', duration: 8, aspect_ratio: 'portrait', resolution: 'high' },
    imageName: 'fox.png', estimateMicros: 4_000_000, costMicros: null, taskId: null, progress: 0, estimatedTimeSec: null,
    pollErrors: 0, submitAttempts: 0, nextAttemptAt: null, confirmDeadlineAt: null, videoUrl: null, videoExpiresAt: null,
    statusMessageId: null, statusChannelId: null, resultMessageId: null, resultPostStartedAt: null, failureCode: null, failureDetail: null, idempotencyKey: 'key-42',
    deliveryAttempts: 0, deliveryProblem: null, imageOrientation: null, statusDeletedAt: null, placeGone: null,
    createdAt, updatedAt: createdAt, submittedAt: null, completedAt: null, finishedAt: null,
    ...overrides,
  };
}

const lastLine = (text: string) => text.split('\n').at(-1);

const cases: { status: JobStatus; job?: Partial<Job>; line: (m: Messages) => string; en: string; ja: string }[] = [
  { status: 'awaiting_confirmation', job: { confirmDeadlineAt: createdAt + 120_000 },
    line: (m) => m.status.awaiting_confirmation(createdAt + 120_000), en: `<t:${(createdAt + 120_000) / 1000}:R>`, ja: '確認待ち' },
  { status: 'queued', line: (m) => m.status.queued(3), en: 'position 3', ja: '3番目' },
  { status: 'submitting', line: (m) => m.status.submitting, en: 'Sending', ja: '送信' },
  { status: 'submitted', job: { progress: 40 }, line: (m) => m.status.submitted(40, ctx.predictedFinishMs), en: '40%', ja: '40%' },
  { status: 'completed', line: (m) => m.status.completed, en: 'Finished', ja: '完成' },
  { status: 'delivered', job: { costMicros: 3_500_000 }, line: (m) => m.status.delivered(3_500_000), en: '$3.50', ja: '$3.50' },
  { status: 'failed', job: { failureCode: 'moderation' }, line: (m) => m.status.failed(m.failureReasons.moderation), en: 'content rules', ja: 'コンテンツ規約' },
  { status: 'cancelled', line: (m) => m.status.cancelled, en: 'Cancelled', ja: '取り消し' },
  { status: 'expired', line: (m) => m.status.expired, en: 'Not confirmed in time', ja: '確認されなかった' },
  { status: 'timed_out', line: (m) => m.status.timed_out(45), en: '45 minutes', ja: '45分' },
  { status: 'submit_unknown', line: (m) => m.status.submit_unknown, en: 'will not be sent again', ja: '再送信はしません' },
];

describe('renderStatus', () => {
  it('covers every job status', () => {
    expect(cases.map((c) => c.status).sort()).toEqual([...jobStatuses].sort());
  });

  it.each(cases)('shows a $status job in English and Japanese', ({ status, job: overrides, line, en: enText, ja: jaText }) => {
    const english = renderStatus(job({ status, ...overrides }), ctx);
    const japanese = renderStatus(job({ status, locale: 'ja', ...overrides }), ctx);
    expect(lastLine(english)).toBe(line(en));
    expect(lastLine(japanese)).toBe(line(ja));
    expect(lastLine(english)).toContain(enText);
    expect(lastLine(japanese)).toContain(jaText);
    expect(japanese).not.toBe(english);
  });

  it('shows the title, the quoted prompt and the parameters above the status line', () => {
    const lines = renderStatus(job(), ctx).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('#42');
    expect(lines[1]).toBe('> a fox in the snow');
    for (const part of ['sora-2-pro-preview', '8 s', 'portrait', 'high', 'fox.png', '$4.00']) expect(lines[2]).toContain(part);
    expect(renderStatus(job({ locale: 'ja' }), ctx).split('\n')[2]).toContain('8秒');
  });

  it('leaves out the resolution and image when the job has none', () => {
    const params = renderStatus(job({ request: { model: 'sora-2-preview', prompt: 'p', duration: 4, aspect_ratio: 'landscape' }, imageName: null, estimateMicros: 400_000 }), ctx).split('\n')[2];
    expect(params).toBe('`sora-2-preview` · 4 s · landscape · estimate $0.40');
  });

  it.each([
    { locale: 'ja-JP', expected: ja.status.cancelled },
    { locale: 'en-GB', expected: en.status.cancelled },
    { locale: 'fr', expected: en.status.cancelled },
  ])('picks the language from the $locale locale', ({ locale, expected }) => {
    expect(lastLine(renderStatus(job({ status: 'cancelled', locale }), ctx))).toBe(expected);
  });

  it('says the link expired, not the confirmation, for a video that expired before delivery', () => {
    expect(lastLine(renderStatus(job({ status: 'expired', failureCode: 'video_expired' }), ctx))).toBe(en.status.video_expired);
  });

  it('names the generic failure for an unknown failure code', () => {
    expect(lastLine(renderStatus(job({ status: 'failed', failureCode: 'weird_new_code' }), ctx)))
      .toBe(en.status.failed(en.failureReasons.provider_failed));
  });

  it('leaves out the ETA while there is no prediction', () => {
    const line = lastLine(renderStatus(job({ status: 'submitted', progress: 10 }), { ...ctx, predictedFinishMs: null }));
    expect(line).toBe(en.status.submitted(10, null));
    expect(line).not.toContain('<t:');
  });

  it('quotes every line of a multi-line prompt', () => {
    const text = renderStatus(job({ request: { ...job().request, prompt: 'line one\nline two' } }), ctx);
    expect(text).toContain('> line one\n> line two');
  });

  it.each([
    { name: '1500 characters in full', prompt: 'a'.repeat(1500), quoted: `> ${'a'.repeat(1500)}` },
    { name: 'past 1500 characters cut with an ellipsis', prompt: 'a'.repeat(2000), quoted: `> ${'a'.repeat(1500)}…` },
  ])('quotes a prompt of $name', ({ prompt, quoted }) => {
    const text = renderStatus(job({ request: { ...job().request, prompt } }), ctx);
    expect(text.split('\n')[1]).toBe(quoted);
  });

  it.each([
    { name: '1501 emoji', prompt: '🦊'.repeat(1501) },
    { name: '750 one-character lines', prompt: Array.from({ length: 750 }, () => 'x').join('\n') },
    { name: '2000 kanji', prompt: '雪'.repeat(2000) },
  ])('keeps the whole status message within 2000 characters for $name, cutting between code points', ({ prompt }) => {
    for (const status of ['queued', 'submitted', 'failed'] as const) {
      const text = renderStatus(job({ status, imageName: 'n'.repeat(300), request: { ...job().request, prompt } }), ctx);
      expect(text.length).toBeLessThanOrEqual(2000);
      expect(text).toContain('…');
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(text.split('\n').at(-1)).not.toBe('');
    }
  });

  it('echoes @everyone, @here and mentions verbatim (mentions are disabled at send time)', () => {
    const prompt = '@everyone @here <@&123456789012345678> <@123456789012345678> dance';
    for (const locale of ['en-US', 'ja']) {
      expect(renderStatus(job({ locale, request: { ...job().request, prompt } }), ctx).split('\n')[1]).toBe(`> ${prompt}`);
    }
  });
});
