import type { REST } from 'discord.js';
import type { Job } from '../../src/db/job.ts';
import type { DaySpend } from '../../src/db/spendStore.ts';
import { createCommandDirectory } from '../../src/services/discord/commandDirectory.ts';
import { createDiscordMessenger, type OutgoingMessage } from '../../src/services/discord/discordMessenger.ts';
import { createResultPoster } from '../../src/services/jobs/resultPoster.ts';
import { hasSpend } from '../../src/services/spend/chartData.ts';
import { createChartRenderer } from '../../src/services/spend/chartRenderer.ts';
import { createSpendCharts } from '../../src/services/spend/spendCharts.ts';
import type { GuildReport, UsageSummary } from '../../src/services/spend/usageReports.ts';
import { renderReport, renderUsage } from '../../src/services/spend/usageText.ts';
import { renderStatusCard } from '../../src/services/status/statusCard.ts';
import type { StatusContext } from '../../src/services/status/statusText.ts';
import { outgoing } from '../../src/services/status/cardReader.ts';
import { messagesFor } from '../../src/i18n/messages.ts';
import { builtInCatalog, defaultModelId } from '../../src/models/builtIn/index.ts';
import { jobRequest } from '../../src/models/jobRequest.ts';

/** One message as the bot sends it: the JSON body Discord receives, and the files beside it. */
export interface MessageExample { title: string; body: Record<string, unknown>; files: { name: string; bytes: number }[] }

const dayMs = 86_400_000;
export const exampleNow = Date.UTC(2026, 9, 2, 12, 0);
const guildId = '1100000000000000001';
const channelId = '1100000000000000002';
const requesterId = '1100000000000000003';
const otherMemberId = '1100000000000000004';

const exampleBuilt = jobRequest(builtInCatalog(), {
  model: defaultModelId, prompt: 'a red fox running through fresh snow at dawn, slow motion',
  durationSec: 8, aspectRatio: 'landscape', resolution: null, audio: null, imageUrl: null,
});
if (!exampleBuilt.ok) throw new Error('the default model refuses the examples\' settings');
const exampleRequest = { request: exampleBuilt.request, settings: exampleBuilt.settings };

/** A job of the examples: an 8-second landscape video of the default model, its card posted, nothing else yet. */
export function exampleJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 42, originKey: 'interaction-1', idempotencyKey: 'k', parentJobId: null, guildId, channelId, userId: requesterId, locale: 'en-US',
    applicationId: '1100000000000000009', interactionToken: null, interactionAt: exampleNow, attachmentSizeLimit: 10 * 1024 * 1024, status: 'queued',
    ...exampleRequest,
    imageName: null, estimateMicros: 800_000, costMicros: null, taskId: null, progress: 0, estimatedTimeSec: null,
    pollErrors: 0, submitAttempts: 0, nextAttemptAt: null, confirmDeadlineAt: exampleNow + 120_000, videoUrl: null, videoExpiresAt: null,
    statusMessageId: '1100000000000000010', statusChannelId: channelId, resultMessageId: null, resultPostStartedAt: null,
    failureCode: null, failureDetail: null, createdAt: exampleNow, updatedAt: exampleNow, submittedAt: null, completedAt: null, finishedAt: null,
    deliveryAttempts: 0, deliveryProblem: null, imageOrientation: null, statusDeletedAt: null, placeGone: null,
    ...overrides,
  };
}

/** A REST client that answers every write with a message id and keeps what was sent. */
function capturingMessenger() {
  const sent: { body: Record<string, unknown>; files: { name: string; data: Buffer }[] }[] = [];
  const write = async (_route: string, options: { body: unknown; files?: { name: string; data: Buffer }[] }) => {
    sent.push({ body: options.body as Record<string, unknown>, files: options.files ?? [] });
    return { id: '1100000000000000011', channel_id: channelId };
  };
  const messenger = createDiscordMessenger({ post: write, patch: write } as unknown as REST);
  return { messenger, sent };
}

/** What app.ts's `contextFor` gives the card: a 45-minute timeout, then a day of late polls. */
const ctx = (job: Job): StatusContext => ({
  queuePosition: 2, jobTimeoutMinutes: 45, predictedFinishMs: exampleNow + 150_000,
  latePollingEndsAtMs: job.status === 'timed_out' ? (job.submittedAt ?? 0) + 45 * 60_000 + dayMs : null,
});

/** The card in each state a member meets, the result post, and `/usage`, in one language. */
export async function messageExamples(
  locale: string, options: { drawChart?: boolean; chartBytes?: (name: string, data: Buffer) => void } = {},
): Promise<MessageExample[]> {
  const { messenger, sent } = capturingMessenger();
  const examples: MessageExample[] = [];
  const take = (title: string) => {
    const last = sent.at(-1);
    if (!last) throw new Error(`nothing was sent for ${title}`);
    examples.push({ title, body: last.body, files: last.files.map((f) => ({ name: f.name, bytes: f.data.length })) });
  };
  const card = async (title: string, job: Job) => {
    await messenger.edit(channelId, job.statusMessageId as string, outgoing(renderStatusCard(job, ctx(job), exampleNow)));
    take(title);
  };
  const base = { locale };
  const submitted = { submittedAt: exampleNow - 60_000, taskId: 'task-1' };
  await card('card: waiting for ✅', exampleJob({ ...base, status: 'awaiting_confirmation', estimateMicros: 1_200_000, request: { ...exampleJob().request, duration: 12 } }));
  await card('card: queued', exampleJob({ ...base, status: 'queued' }));
  await card('card: running', exampleJob({ ...base, status: 'submitted', progress: 40, ...submitted }));
  await card('card: failed', exampleJob({ ...base, status: 'failed', failureCode: 'moderation', ...submitted }));
  await card('card: timed out', exampleJob({ ...base, status: 'timed_out', progress: 90, ...submitted, submittedAt: exampleNow - 46 * 60_000 }));
  await card('card: timed out, a day later', exampleJob({ ...base, status: 'timed_out', progress: 90, ...submitted, submittedAt: exampleNow - 25 * 3_600_000 }));
  await card('card: reference image decides the orientation', exampleJob({
    ...base, status: 'queued', imageName: 'tall-fox.png', imageOrientation: 'portrait',
  }));
  await card('card: Again by another member', exampleJob({ ...base, id: 43, parentJobId: 42, userId: otherMemberId, status: 'queued', originKey: 'reroll:42:x:1' }));

  const finished = exampleJob({
    ...base, status: 'completed', ...submitted, costMicros: 800_000, videoUrl: 'https://files.apimart.example/v/task-1.mp4',
    videoExpiresAt: exampleNow + dayMs, completedAt: exampleNow,
  });
  await createResultPoster(messenger).inChannel(finished, { kind: 'file', bytes: Buffer.alloc(2_000_000) });
  take('result message (the bot then adds the reactions 🔁 📩 ❌)');
  await card('card: done', { ...finished, status: 'delivered', resultMessageId: '1100000000000000011', finishedAt: exampleNow });

  for (const [title, days] of [['/usage (ephemeral; the chart follows in an edit)', exampleDailySpend()], ['/usage of a member with no spend', []]] as const) {
    const charts = createSpendCharts({
      store: { spend: { userDailySpend: () => days } } as never,
      clock: { now: () => exampleNow } as never,
      renderer: options.drawChart ? createChartRenderer() : { render: async () => Buffer.alloc(0), canDrawJapanese: async () => true },
    });
    const data = await charts.usageData({ userId: requesterId }, 5_000_000);
    const summary = days.length === 0 ? emptyUsage() : exampleUsage();
    const text = renderUsage(messagesFor(locale), requesterId, true, summary, createCommandDirectory().mention, hasSpend(data.days));
    const chart = await charts.usage(data, locale);
    if (chart) options.chartBytes?.(chart.name, chart.data);
    examples.push({
      title,
      body: { content: text, flags: 64, attachments: chart ? [{ id: '0', filename: chart.name, description: chart.description }] : [] },
      files: chart ? [{ name: chart.name, bytes: chart.data.length }] : [],
    });
  }
  const report = exampleReport();
  const reportCharts = createSpendCharts({
    store: {} as never, clock: { now: () => exampleNow } as never,
    renderer: options.drawChart ? createChartRenderer() : { render: async () => Buffer.alloc(0), canDrawJapanese: async () => true },
  });
  const reportChart = await reportCharts.report(report, exampleMemberNames(report), locale);
  if (reportChart) options.chartBytes?.(reportChart.name, reportChart.data);
  examples.push({
    title: '/video-admin report (ephemeral; the chart follows in an edit)',
    body: {
      content: renderReport(messagesFor(locale), report, createCommandDirectory().mention), flags: 64,
      attachments: reportChart ? [{ id: '0', filename: reportChart.name, description: reportChart.description }] : [],
    },
    files: reportChart ? [{ name: reportChart.name, bytes: reportChart.data.length }] : [],
  });
  return examples;
}

/** Eleven members this month, so the chart folds the smallest spenders into one bar. */
function exampleReport(): GuildReport {
  const users = Array.from({ length: 11 }, (_, i) => ({
    userId: String(1100000000000000100n + BigInt(i)), spentMicros: (11 - i) * 700_000, heldMicros: i === 1 ? 800_000 : 0, jobs: 11 - i,
  }));
  return { period: 'month', users, attention: [], deliveryProblems: [] };
}

function exampleMemberNames(report: GuildReport): Map<string, string> {
  const names = ['Alice', 'Bob the Builder', 'ケンタ', 'Dmitri Ivanovich Mendeleev', 'Eve', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory'];
  return new Map(report.users.map((u, i) => [u.userId, names[i] ?? u.userId]));
}

function emptyUsage(): UsageSummary {
  const nothing = { totalMicros: 0, heldMicros: 0 };
  const usage = exampleUsage();
  return { ...usage, today: nothing, month: nothing, total: nothing, activeJobs: [], budgets: usage.budgets.map((b) => ({ ...b, usedMicros: 0, remainingMicros: b.limitMicros })) };
}

/** Three days of spend this month, one job still running. */
function exampleDailySpend(): DaySpend[] {
  return [{ day: 29, totalMicros: 1_600_000, heldMicros: 800_000 }, { day: 27, totalMicros: 2_400_000, heldMicros: 0 }, { day: 12, totalMicros: 1_200_000, heldMicros: 0 }];
}

function exampleUsage(): UsageSummary {
  return {
    today: { totalMicros: 1_600_000, heldMicros: 800_000 },
    month: { totalMicros: 4_000_000, heldMicros: 800_000 },
    total: { totalMicros: 5_200_000, heldMicros: 800_000 },
    budgets: [
      { scope: 'user_daily', limitMicros: 5_000_000, usedMicros: 1_600_000, remainingMicros: 3_400_000, resetsAt: exampleNow + 12 * 3_600_000, overridden: false },
      { scope: 'user_monthly', limitMicros: 50_000_000, usedMicros: 4_000_000, remainingMicros: 46_000_000, resetsAt: Date.UTC(2026, 10, 1), overridden: false },
    ],
    activeJobs: [{ jobId: 44, createdAt: exampleNow - 60_000, prompt: 'a paper boat on a rainy street', settings: exampleRequest.settings, status: 'submitted', cost: { kind: 'reserved', micros: 800_000 }, link: null }],
    thisServerOnly: false,
  } as UsageSummary;
}

export type { OutgoingMessage };
