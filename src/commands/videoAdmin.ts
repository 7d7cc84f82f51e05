import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { messagesFor, type Messages } from '../i18n/messages.ts';
import type { BalanceFailure } from '../i18n/spendMessages.ts';
import type { Logger } from '../logger.ts';
import { usdToMicros } from '../money.ts';
import type { ApimartClient } from '../services/apimart/client.ts';
import { ApimartError, ApimartHttpError, ApimartNetworkError, ApimartTimeoutError } from '../services/apimart/errors.ts';
import { isInteractionAdmin } from '../services/discord/memberAccess.ts';
import { memberDisplayNames } from '../services/discord/memberNames.ts';
import { maxChartedMembers } from '../services/spend/chartData.ts';
import { reportPeriods, type ReportPeriod } from '../services/spend/usageSummary.ts';
import { renderReport } from '../services/spend/usageText.ts';
import type { BudgetOverride } from '../services/spend/usageReports.ts';
import { noMentions, replyEphemeral } from './replies.ts';
import { attachChart } from './chartReplies.ts';
import type { SpendCommandDeps } from './usage.ts';
import { ceilingExceeded, overrideCeilings } from '../services/spend/budgetCeilings.ts';
import type { ModelHealth } from '../services/apimart/modelHealth.ts';
import type { JobScheduler } from '../services/jobs/jobScheduler.ts';
import { resolveJob, showStatus, type AdminOpsDeps } from './videoAdminOps.ts';

export interface VideoAdminDeps extends SpendCommandDeps, AdminOpsDeps {
  apimart: ApimartClient;
  logger: Logger;
  /** The application's owner or team, or OWNER_USER_IDS: they alone may set limits above the ceilings. */
  isOwner(userId: string): Promise<boolean>;
  models: ModelHealth;
  /** `resume` lets the server's queued jobs go on at once. */
  scheduler: Pick<JobScheduler, 'kickQueue'>;
}

export type BudgetChange =
  | { kind: 'show' }
  | { kind: 'clear' }
  | { kind: 'set'; dailyMicros: number | null; monthlyMicros: number | null }
  | { kind: 'invalid'; message: (m: Messages) => string };

/** `budget`'s options as one intent; an amount left out is null (keep what is set). */
export function parseBudgetChange(o: { dailyUsd: number | null; monthlyUsd: number | null; clear: boolean | null }): BudgetChange {
  const amounts = { daily_usd: o.dailyUsd, monthly_usd: o.monthlyUsd };
  const given = Object.entries(amounts).filter(([, usd]) => usd !== null) as [string, number][];
  if (o.clear) return given.length > 0 ? { kind: 'invalid', message: (m) => m.admin.clearWithAmounts } : { kind: 'clear' };
  if (given.length === 0) return { kind: 'show' };
  const micros: Record<string, number> = {};
  for (const [option, usd] of given) {
    try {
      micros[option] = usdToMicros(usd);
    } catch {
      return { kind: 'invalid', message: (m) => m.admin.invalidAmount(option) };
    }
  }
  return { kind: 'set', dailyMicros: micros.daily_usd ?? null, monthlyMicros: micros.monthly_usd ?? null };
}

export function balanceFailure(err: unknown): BalanceFailure | undefined {
  if (err instanceof ApimartHttpError) return { kind: 'refused', status: err.status, detail: err.providerMessage ?? null };
  if (err instanceof ApimartTimeoutError || err instanceof ApimartNetworkError) return { kind: 'unreachable' };
  if (err instanceof ApimartError) return { kind: 'unexpected' };
  return undefined;
}

interface AdminContext { interaction: ChatInputCommandInteraction; deps: VideoAdminDeps; m: Messages; guildId: string; actorId: string }

function audit(c: AdminContext, action: string, extra: { targetUserId?: string; detail?: unknown } = {}): Promise<void> {
  return c.deps.store.spend.audit({
    guildId: c.guildId, actorId: c.actorId, action, targetUserId: extra.targetUserId ?? null,
    detail: extra.detail === undefined ? null : JSON.stringify(extra.detail), now: c.deps.clock.now(),
  });
}

async function budget(c: AdminContext): Promise<void> {
  const { config, store, clock } = c.deps;
  const o = c.interaction.options;
  const userId = String(o.get('user', true).value);
  const change = parseBudgetChange({ dailyUsd: o.getNumber('daily_usd'), monthlyUsd: o.getNumber('monthly_usd'), clear: o.getBoolean('clear') });
  const defaults = [config.userDailyBudgetMicros, config.userMonthlyBudgetMicros] as const;
  if (change.kind === 'invalid') return replyEphemeral(c.interaction, change.message(c.m));
  const current = await store.spend.budgetOverride(c.guildId, userId);
  if (change.kind === 'show') {
    await audit(c, 'budget_view', { targetUserId: userId });
    return replyEphemeral(c.interaction, c.m.admin.budgetShow(userId, current, ...defaults));
  }
  if (change.kind === 'clear') {
    const existed = await store.spend.clearBudgetOverride(c.guildId, userId);
    await audit(c, 'budget_clear', { targetUserId: userId, detail: { before: current ?? null } });
    return replyEphemeral(c.interaction, c.m.admin.budgetCleared(userId, existed));
  }
  const next: BudgetOverride = {
    dailyMicros: change.dailyMicros ?? current?.dailyMicros ?? null,
    monthlyMicros: change.monthlyMicros ?? current?.monthlyMicros ?? null,
  };
  // Anyone who adds the bot to a server is its admin: only the bot's owners may lift a member past the operator's ceilings.
  const above = ceilingExceeded(change, overrideCeilings(config));
  if (above && !(await c.deps.isOwner(c.actorId))) {
    c.deps.logger.warn('budget_above_ceiling_refused', { ref: c.interaction.id, actorId: c.actorId, targetUserId: userId, option: above.option, ceilingMicros: above.ceilingMicros });
    return replyEphemeral(c.interaction, c.m.ops.aboveCeiling(above.option, above.ceilingMicros));
  }
  await store.spend.setBudgetOverride({ guildId: c.guildId, userId, ...next, actorId: c.actorId, now: clock.now() });
  await audit(c, 'budget_set', { targetUserId: userId, detail: { before: current ?? null, after: next, ...(above ? { aboveCeiling: true } : {}) } });
  await replyEphemeral(c.interaction, c.m.admin.budgetSet(userId, next, ...defaults, c.deps.mention));
}

async function setPaused(c: AdminContext, paused: boolean): Promise<void> {
  await c.deps.store.spend.setPaused(c.guildId, paused, c.actorId, c.deps.clock.now());
  await audit(c, paused ? 'pause' : 'resume');
  if (paused) return replyEphemeral(c.interaction, c.m.admin.paused(c.deps.mention));
  // The server's queued jobs waited while it was paused (the claim skips them): they go on now.
  c.deps.scheduler.kickQueue();
  // Models turned off after the provider said they do not exist come back with resume (bot-wide).
  const models = c.deps.models.turnOnAll();
  if (models.length > 0) {
    c.deps.logger.info('model_turned_on', { models, actorId: c.actorId, guildId: c.guildId });
    await audit(c, 'models_turned_on', { detail: { models } });
  }
  await replyEphemeral(c.interaction, [c.m.admin.resumed(c.deps.mention), ...(models.length > 0 ? [c.m.ops.modelsTurnedBackOn(models)] : [])].join('\n'));
}

async function report(c: AdminContext): Promise<void> {
  const chosen = c.interaction.options.getString('period');
  const period: ReportPeriod = reportPeriods.find((p) => p === chosen) ?? 'month';
  await audit(c, 'report', { detail: { period } });
  const r = await c.deps.reports.report(c.guildId, period);
  await replyEphemeral(c.interaction, renderReport(c.m, r, c.deps.mention));
  await attachChart(c.deps, c.interaction, async () => {
    if (r.users.length === 0) return undefined;
    const names = await memberDisplayNames(c.interaction.client.rest, c.guildId, r.users.slice(0, maxChartedMembers).map((u) => u.userId));
    return c.deps.charts.report(r, names, c.interaction.locale);
  });
}

async function balance(c: AdminContext): Promise<void> {
  // The provider may take seconds to answer; Discord wants an acknowledgement within three.
  await c.interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let content: string;
  try {
    content = c.m.admin.balance(await c.deps.apimart.getBalance());
    await audit(c, 'balance', { detail: { ok: true } });
  } catch (err) {
    const failure = balanceFailure(err);
    if (!failure) throw err;
    c.deps.logger.warn('balance_failed', { ref: c.interaction.id, err });
    await audit(c, 'balance', { detail: { ok: false, failure: failure.kind } });
    content = c.m.admin.balanceFailed(failure);
  }
  await c.interaction.editReply({ content, allowedMentions: noMentions });
}

export async function executeVideoAdmin(interaction: ChatInputCommandInteraction, deps: VideoAdminDeps): Promise<void> {
  const m = messagesFor(interaction.locale);
  if (!interaction.inGuild()) return replyEphemeral(interaction, m.guildOnly);
  const subcommand = interaction.options.getSubcommand();
  if (!isInteractionAdmin(interaction, deps.config.adminRoleIds)) {
    deps.logger.warn('admin_command_refused', { ref: interaction.id, userId: interaction.user.id, subcommand });
    return replyEphemeral(interaction, m.admin.notAdmin(deps.mention));
  }
  const c: AdminContext = { interaction, deps, m, guildId: interaction.guildId, actorId: interaction.user.id };
  switch (subcommand) {
    case 'budget': return budget(c);
    case 'pause': return setPaused(c, true);
    case 'resume': return setPaused(c, false);
    case 'report': return report(c);
    case 'balance': return balance(c);
    case 'resolve': return resolveJob(c, deps);
    case 'status':
      await audit(c, 'status');
      return showStatus(c, deps);
    default: throw new Error(`unknown /video-admin subcommand ${subcommand}`);
  }
}
