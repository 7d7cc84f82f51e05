import { describe, expect, it } from 'vitest';
import { jobStatuses, type Job, type JobStatus } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { messagesFor, type Messages } from '../../src/i18n/messages.ts';
import { statusLine, truncate, type StatusContext } from '../../src/services/status/statusText.ts';

const createdAt = Date.UTC(2025, 5, 15, 12);
const ctx: StatusContext = { queuePosition: 3, jobTimeoutMinutes: 45, predictedFinishMs: createdAt + 300_000, latePollingEndsAtMs: createdAt + 86_400_000 };

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 42, originKey: 'interaction-1', parentJobId: null, guildId: 'g', channelId: 'c', userId: 'u', locale: 'en-US',
    applicationId: 'app', interactionToken: null, interactionAt: createdAt, attachmentSizeLimit: 10 * 1024 * 1024,
    status: 'queued',
    request: { model: 'kling-v3', prompt: 'a fox in the snow', duration: 8, aspect_ratio: '9:16', mode: 'pro', audio: true },
    settings: { model: 'kling-v3', modelLabel: 'Kling v3', durationSec: 8, aspectRatio: 'portrait', resolution: '1080p', audio: true, imageUrl: null },
    imageName: 'fox.png', estimateMicros: 1_075_200, costMicros: null, taskId: null, progress: 0, estimatedTimeSec: null,
    pollErrors: 0, submitAttempts: 0, nextAttemptAt: null, confirmDeadlineAt: null, videoUrl: null, videoExpiresAt: null,
    statusMessageId: null, statusChannelId: null, resultMessageId: null, resultPostStartedAt: null, failureCode: null, failureDetail: null, idempotencyKey: 'key-42',
    deliveryAttempts: 0, deliveryProblem: null, imageOrientation: null, statusDeletedAt: null, placeGone: null,
    createdAt, updatedAt: createdAt, submittedAt: null, completedAt: null, finishedAt: null,
    ...overrides,
  };
}

/** The status line as the card shows it, in the job's own language. */
const lineOf = (j: Job, c: StatusContext = ctx) => statusLine(j, messagesFor(j.locale), c, createdAt);

const cases: { status: JobStatus; job?: Partial<Job>; line: (m: Messages) => string; en: string; ja: string }[] = [
  { status: 'awaiting_confirmation', job: { confirmDeadlineAt: createdAt + 120_000 },
    line: (m) => m.status.awaiting_confirmation(createdAt + 120_000), en: `<t:${(createdAt + 120_000) / 1000}:R>`, ja: '「開始」を押すのを待って' },
  { status: 'queued', line: (m) => m.status.queued(3), en: 'position 3', ja: '3番目' },
  { status: 'submitting', line: (m) => m.status.submitting, en: 'Sending', ja: '送信' },
  { status: 'submitted', job: { progress: 40 }, line: (m) => m.status.submitted, en: 'Generating', ja: '生成中' },
  { status: 'completed', line: (m) => m.status.completed, en: 'Finished', ja: '完成' },
  { status: 'delivered', job: { costMicros: 3_500_000 }, line: (m) => m.status.delivered(3_500_000), en: '$3.50', ja: '$3.50' },
  { status: 'failed', job: { failureCode: 'moderation' }, line: (m) => m.status.failed(m.failureReasons.moderation), en: 'content rules', ja: 'コンテンツ規約' },
  { status: 'cancelled', line: (m) => m.status.cancelled, en: 'Cancelled', ja: 'キャンセル' },
  { status: 'expired', line: (m) => m.status.expired, en: 'Not confirmed in time', ja: '確認されなかった' },
  { status: 'timed_out', line: (m) => m.status.timed_out(45, createdAt + 86_400_000), en: '45 minutes', ja: '45分' },
  { status: 'submit_unknown', line: (m) => m.status.submit_unknown, en: 'will not be sent again', ja: '再送信はしません' },
];

describe('statusLine', () => {
  it('covers every job status', () => {
    expect(cases.map((c) => c.status).sort()).toEqual([...jobStatuses].sort());
  });

  it.each(cases)('shows a $status job in English and Japanese', ({ status, job: overrides, line, en: enText, ja: jaText }) => {
    const english = lineOf(job({ status, ...overrides }));
    const japanese = lineOf(job({ status, locale: 'ja', ...overrides }));
    expect(english).toBe(line(en));
    expect(japanese).toBe(line(ja));
    expect(english).toContain(enText);
    expect(japanese).toContain(jaText);
    expect(japanese).not.toBe(english);
  });

  it.each([
    { locale: 'ja-JP', expected: ja.status.cancelled },
    { locale: 'en-GB', expected: en.status.cancelled },
    { locale: 'fr', expected: en.status.cancelled },
  ])('picks the language from the $locale locale', ({ locale, expected }) => {
    expect(lineOf(job({ status: 'cancelled', locale }))).toBe(expected);
  });

  it('says the link expired, not the confirmation, for a video that expired before delivery', () => {
    expect(lineOf(job({ status: 'expired', failureCode: 'video_expired' }))).toBe(en.status.video_expired);
  });

  it('names the generic failure for an unknown failure code', () => {
    expect(lineOf(job({ status: 'failed', failureCode: 'weird_new_code' }))).toBe(en.status.failed(en.failureReasons.provider_failed));
  });
});

describe('truncate', () => {
  it('keeps a text that fits, whole', () => {
    expect(truncate('a fox in the snow', 17)).toBe('a fox in the snow');
  });

  it.each([
    { name: 'emoji', text: '🦊'.repeat(400) },
    { name: 'kanji', text: '雪'.repeat(400) },
    { name: 'ASCII', text: 'x'.repeat(400) },
  ])('cuts $name between code points, within the limit, ending in an ellipsis', ({ text }) => {
    for (const limit of [1, 2, 3, 100, 299]) {
      const cut = truncate(text, limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      expect(cut.endsWith('…')).toBe(true);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});
