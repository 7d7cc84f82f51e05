import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/money.ts';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { adminId, adminPermissions, answerTo, auditActions } from './spendHelpers.ts';

let h: Harness;
const otherUserId = '1500000000000000002';
const prompts = ['@everyone look: a *fox* in <@&1234> snow', 'a slow river', 'a failing prompt'];

/** A job delivered last month, written as the bot would have: reserve + settle, period_at = created_at. */
function insertLastMonthJob(atMs: number, costMicros: number): void {
  const id = Number(h.db.prepare(
    `INSERT INTO jobs (origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at, attachment_size_limit,
       status, prompt, model, model_label, duration_sec, aspect_ratio, resolution, request_json, estimate_micros, cost_micros, created_at, updated_at)
     VALUES ('past', ?, ?, ?, 'en-US', '1', ?, 10485760, 'delivered', 'an old video', 'veo3.1-fast', 'Veo 3.1 Fast', 8, 'portrait', '720p', ?, ?, ?, ?, ?)`,
  ).run(h.discord.guildId, h.discord.channelId, DEFAULT_USER_ID, atMs,
    JSON.stringify({ model: 'veo3.1-fast', prompt: 'an old video', duration: 8, aspect_ratio: '9:16', resolution: '720p' }),
    costMicros, costMicros, atMs, atMs).lastInsertRowid);
  const ledger = h.db.prepare('INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  ledger.run(id, DEFAULT_USER_ID, h.discord.guildId, 'reserve', costMicros, atMs, atMs);
  ledger.run(id, DEFAULT_USER_ID, h.discord.guildId, 'settle', 0, atMs, atMs);
}

/** Sum and held part of a user's ledger rows with period_at in [from, to), straight from the table. */
function ledgerSums(fromMs: number, toMs: number): { total: number; held: number } {
  const rows = h.db.prepare('SELECT job_id, kind, amount_micros, period_at FROM ledger WHERE user_id = ?').all(DEFAULT_USER_ID) as
    { job_id: number; kind: string; amount_micros: number; period_at: number }[];
  const inPeriod = rows.filter((r) => r.period_at >= fromMs && r.period_at < toMs);
  const closed = new Set(rows.filter((r) => r.kind !== 'reserve').map((r) => r.job_id));
  const sum = (list: typeof rows) => list.reduce((total, r) => total + r.amount_micros, 0);
  return { total: sum(inPeriod), held: sum(inPeriod.filter((r) => !closed.has(r.job_id))) };
}

const ask = (name: 'usage' | 'videos', extra: { userId?: string; memberPermissions?: string; options?: unknown[]; locale?: string } = {}) =>
  answerTo(h, h.discord.sendCommand({ name, ...extra }));

beforeAll(async () => {
  h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '5', USER_MONTHLY_BUDGET_USD: '50', GUILD_DAILY_BUDGET_USD: '20', USER_MAX_ACTIVE_JOBS: '10' } });
  insertLastMonthJob(utcPeriods(Date.now()).monthStart - 86_400_000, 1_000_000);
  const plans = [{ cost: 0.35 }, { outcome: 'never' as const }, { outcome: 'failed' as const }];
  const settled = ['delivered', 'submitted', 'failed'];
  for (const [i, plan] of plans.entries()) {
    h.apimart.setTaskPlan('next', plan);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: prompts[i], duration: 4 }) });
    await h.discord.waitFor(() => jobRows(h.db)[i + 1]?.status === settled[i], 10_000);
  }
});
afterAll(async () => {
  await h.stop();
});

describe('/usage and /videos', () => {
  it('reports today, this month and the total exactly as the ledger sums them', async () => {
    const answer = await ask('usage');
    expect(answer).toMatchObject({ type: 4, allowedMentions: { parse: [] } });
    expect(answer.flags & 64).toBe(64);
    const p = utcPeriods(Date.now());
    const today = ledgerSums(p.dayStart, p.dayEnd);
    const month = ledgerSums(p.monthStart, p.monthEnd);
    const total = ledgerSums(0, Number.MAX_SAFE_INTEGER);
    expect([today.total, today.held, total.total]).toEqual([692_400, 342_400, 1_692_400]);
    const reserved = (held: number) => ` (${formatUsd(held)} of it reserved for unfinished jobs)`;
    expect(answer.content).toContain(`Today (UTC): **${formatUsd(today.total)}**${reserved(today.held)}`);
    expect(answer.content).toContain(`This month (UTC): **${formatUsd(month.total)}**${reserved(month.held)}`);
    expect(answer.content).toContain(`In total: **${formatUsd(total.total)}**${reserved(total.held)}`);
    const t = (ms: number) => `<t:${Math.floor(ms / 1000)}:R>`;
    expect(answer.content).toContain(`Daily: ${formatUsd(5_000_000 - today.total)} left of $5.00, resets ${t(p.dayEnd)}`);
    expect(answer.content).toContain(`Monthly: ${formatUsd(50_000_000 - month.total)} left of $50.00, resets ${t(p.monthEnd)}`);
    expect(answer.content).toContain(`This server's daily: ${formatUsd(20_000_000 - today.total)} left of $20.00`);
    expect(answer.content).toContain('**Active jobs (1)**');
    expect(answer.content).toMatch(/`#3` <t:\d+:R> · generating · Seedance 2\.0 Fast · 4 s · landscape · 720p · with sound · \$0\.3424 reserved · “a slow river”/);
  });

  it('lists the latest jobs with status, cost and a link, never pinging what a prompt mentions', async () => {
    const answer = await ask('videos');
    expect(answer.flags).toBe(64 | 4);
    expect(answer.allowedMentions).toEqual({ parse: [] });
    const [, delivered] = jobRows(h.db);
    const videoUrl = h.db.prepare('SELECT video_url FROM jobs WHERE id = ?').pluck().get(delivered!.id) as string;
    const lines = answer.content.split('\n');
    expect(lines[0]).toContain('Your latest videos');
    expect(lines.slice(1).map((l) => l.slice(0, 4))).toEqual(['`#4`', '`#3`', '`#2`', '`#1`']);
    expect(lines[1]).toContain('· failed · Seedance 2.0 Fast · 4 s · landscape · 720p · with sound · not charged · “a failing prompt”');
    expect(lines[4]).toContain('· done · Veo 3.1 Fast · 8 s · portrait · 720p · $1.00 · “an old video”');
    expect(lines[3]).toContain(`· done · Seedance 2.0 Fast · 4 s · landscape · 720p · with sound · $0.35 · “@everyone look: a \\*fox\\* in <@&1234> snow” · [video](${videoUrl})`);
  });

  it('links the result message once the video link has expired', async () => {
    const [, delivered] = jobRows(h.db);
    h.db.prepare('UPDATE jobs SET video_expires_at = ? WHERE id = ?').run(Date.now() - 1000, delivered!.id);
    const channel = h.db.prepare('SELECT status_channel_id FROM jobs WHERE id = ?').pluck().get(delivered!.id) as string;
    const answer = await ask('videos');
    const url = `https://discord.com/channels/${h.discord.guildId}/${channel}/${delivered!.result_message_id}`;
    expect(answer.content).toContain(`· with sound · $0.35 · “@everyone look: a \\*fox\\* in <@&1234> snow” · [result](${url})`);
  });

  it("refuses a non-admin who asks for someone else's usage or videos, and audits an admin who does", async () => {
    for (const name of ['usage', 'videos'] as const) {
      const refused = await ask(name, { userId: otherUserId, options: [{ name: 'user', type: 6, value: DEFAULT_USER_ID }] });
      expect(refused.type).toBe(4);
      expect(refused.content).toContain('Only admins');
    }
    expect(auditActions(h)).toEqual([]);

    const usage = await ask('usage', { userId: adminId, memberPermissions: adminPermissions, options: [{ name: 'user', type: 6, value: DEFAULT_USER_ID }] });
    expect(usage.content).toContain(`Usage of <@${DEFAULT_USER_ID}>`);
    expect(usage.content).toContain('In total: **$1.6924**');
    const videos = await ask('videos', { userId: adminId, memberPermissions: adminPermissions, options: [{ name: 'user', type: 6, value: DEFAULT_USER_ID }] });
    expect(videos.content).toContain(`Latest videos of <@${DEFAULT_USER_ID}>`);
    const rows = h.db.prepare('SELECT actor_id, action, target_user_id FROM audit_log ORDER BY id').all();
    expect(rows).toEqual([
      { actor_id: adminId, action: 'usage_view', target_user_id: DEFAULT_USER_ID },
      { actor_id: adminId, action: 'videos_view', target_user_id: DEFAULT_USER_ID },
    ]);
  });

  it('answers in Japanese for a Japanese locale, and shows an empty history kindly', async () => {
    expect((await ask('usage', { locale: 'ja' })).content).toContain('今日（UTC）');
    expect((await ask('videos', { userId: otherUserId })).content).toContain('not made any videos in this server yet');
  });

  it('kept the ledger untouched by reading it and sent only spec-valid bodies', () => {
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle', 'reserve', 'settle', 'reserve', 'reserve', 'release']);
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });
});
