import { time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { chartsJa } from './chartTexts.ts';
import { jaOptionNames } from './commandNames.ts';
import { formatProviderUsd } from '../services/spend/usageSummary.ts';
import { opsJa } from './opsJa.ts';
import type { SpendMessages } from './spendMessages.ts';
import { settingsSummary } from '../models/describeSettings.ts';
import { modelJa } from './modelJa.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);
/** Options are named as the command data registers them in Japanese, which is what a member types. */
const option = (name: string) => `\`${jaOptionNames[name as keyof typeof jaOptionNames] ?? name}\``;
const configured = (micros: number) => (micros > 0 ? formatUsd(micros) : '上限なし');
const limitOf = (override: number | null | undefined, fallback: number) =>
  override === null || override === undefined ? `${configured(fallback)}（既定）` : `${formatUsd(override)}（個別設定）`;

export const spendJa: SpendMessages = {
  usage: {
    title: (userId, self) => (self ? '📊 **あなたの利用状況**' : `📊 **${userMention(userId)} の利用状況**`),
    spend: (period, total, held) => {
      const label = { today: '今日（UTC）', month: '今月（UTC）', total: '合計' }[period];
      return `${label}: **${formatUsd(total)}**${held > 0 ? `（うち ${formatUsd(held)} は未完了のジョブの予約分）` : ''}`;
    },
    budgetsTitle: '**予算**',
    budget: (line) => {
      const name = { user_daily: '1日', user_monthly: '月間', guild_daily: 'このサーバーの1日', bot_daily: 'ボット全体の1日（全サーバー）' }[line.scope];
      if (line.limitMicros === null || line.remainingMicros === null) return `${name}: 上限なし`;
      return `${name}: ${formatUsd(line.limitMicros)} のうち残り ${formatUsd(line.remainingMicros)}${line.overridden ? '（管理者が設定）' : ''}、${ts(line.resetsAt)}にリセット`;
    },
    activeTitle: (count) => `**実行中のジョブ（${count}件）**`,
    noActiveJobs: '実行中のジョブはありません。',
    noRecentSpend: '過去30日の利用はありません。',
    othersOnlyForAdmins: `他のメンバーの情報を見られるのは管理者（サーバー管理権限または管理者ロール）だけです。自分の情報は ${option('user')} なしで実行してください。`,
  },
  history: {
    title: (userId, self) => (self ? '🎞️ **このサーバーでのあなたの最近の動画**' : `🎞️ **このサーバーでの ${userMention(userId)} の最近の動画**`),
    empty: (self, command) => (self ? `このサーバーではまだ動画を作っていません。${command('video')} を試してください。` : 'このメンバーはこのサーバーでまだ動画を作っていません。'),
    status: {
      awaiting_confirmation: '✅ 待ち', queued: '順番待ち', submitting: '送信中', submitted: '生成中',
      completed: '投稿中', delivered: '完了', failed: '失敗', cancelled: 'キャンセル', expired: '期限切れ',
      timed_out: 'タイムアウト', submit_unknown: '結果不明',
    },
    line: (e) => {
      const cost = e.cost.kind === 'charged' ? formatUsd(e.cost.micros)
        : e.cost.kind === 'reserved' ? `${formatUsd(e.cost.micros)} 予約中` : '請求なし';
      const label = e.link && { video: '動画', result: '結果', status: 'メッセージ' }[e.link.kind];
      return `\`#${e.jobId}\` ${ts(e.createdAt)} · ${spendJa.history.status[e.status]} · ${settingsSummary(e.settings, modelJa)} · ${cost} · ${e.erased ? '（プロンプトは消去済み）' : `「${e.prompt}」`}${e.link ? ` · [${label}](${e.link.url})` : ''}`;
    },
    more: (count) => `…ほか${count}件は省略しました。`,
  },
  admin: {
    notAdmin: (command) => `${command('video-admin')} を使えるのは管理者だけです（サーバー管理権限または管理者ロールが必要です）。`,
    invalidAmount: (name) => `${option(name)} には0以上、小数点以下6桁までのドル金額を指定してください（0 にするとこのメンバーは動画を作れません）。`,
    clearWithAmounts: `${option('clear')} と金額は同時に指定できません。どちらか一方を指定してください。`,
    budgetShow: (userId, o, dailyDefault, monthlyDefault) =>
      `${userMention(userId)} の上限: 1日 ${limitOf(o?.dailyMicros, dailyDefault)}、月間 ${limitOf(o?.monthlyMicros, monthlyDefault)}。変更するには ${option('daily_usd')}・${option('monthly_usd')}・${option('clear')} を指定してください。`,
    budgetSet: (userId, o, dailyDefault, monthlyDefault, command) =>
      `${userMention(userId)} の上限を変更しました: 1日 ${limitOf(o.dailyMicros, dailyDefault)}、月間 ${limitOf(o.monthlyMicros, monthlyDefault)}。次の ${command('video')} から適用されます。`,
    budgetCleared: (userId, existed) => (existed
      ? `${userMention(userId)} の上限を既定値に戻しました。`
      : `${userMention(userId)} には個別設定がありません。既定の上限が適用されています。`),
    paused: (command) => `⏸️ 一時停止しました: このサーバーでの新しい ${command('video')} と確認（✅）は受け付けず、待機中のジョブは待ちます。開始済みのジョブは最後まで実行されます。${command('video-admin', 'resume')} で再開できます。`,
    resumed: (command) => `▶️ 再開しました: このサーバーで ${command('video')} が再び使えます。`,
    reportTitle: (period) => `📒 **このサーバーの利用額（${{ today: '今日・UTC', month: '今月・UTC', all: '全期間' }[period]}）**`,
    reportUser: (s) =>
      `${userMention(s.userId)}: 利用 ${formatUsd(s.spentMicros)}${s.heldMicros > 0 ? `、予約 ${formatUsd(s.heldMicros)}` : ''} · ${s.jobs}件`,
    reportTotal: (spent, held) => `合計: 利用 **${formatUsd(spent)}**、予約 ${formatUsd(held)}`,
    reportEmpty: 'この期間の利用はありません。',
    attentionTitle: (count) =>
      `**プロバイダーの請求と照合が必要なジョブ（${count}件）**: 送信の応答がなかった、またはタイムアウトしたため、予約が残っています。`,
    attentionJob: (j, command) => {
      const what = j.status === 'submit_unknown' ? '送信結果不明' : 'タイムアウト';
      const task = j.taskId ? `タスク \`${j.taskId}\`` : 'タスクIDなし（送信に応答なし）';
      if (j.status === 'unusable_link') {
        return `\`#${j.jobId}\` ${userMention(j.userId)} · 提供元が使えない動画リンクを返した：精算済み・未投稿 · ${task} · ${ts(j.createdAt, TimestampStyles.ShortDateTime)}`;
      }
      return `\`#${j.jobId}\` ${userMention(j.userId)} · ${what} · 予約 ${formatUsd(j.reservedMicros)} · ${task} · ${ts(j.createdAt, TimestampStyles.ShortDateTime)}\n  → ${opsJa.ops.resolveHint(j.jobId, j.resolvableAt, command)}`;
    },
    attentionNone: '結果不明やタイムアウトのジョブはありません。照合の必要はありません。',
    more: (count) => `…ほか${count}件は省略しました。`,
    balance: (b) => {
      const used = b.usedUsd !== null ? `、使用済み ${formatProviderUsd(b.usedUsd)}` : '';
      if (b.unlimited) return `💳 プロバイダーの残高: 無制限${used}。`;
      return `💳 プロバイダーの残高: 残り **${b.remainingUsd !== null ? formatProviderUsd(b.remainingUsd) : '不明'}**${used}。`;
    },
    balanceFailed: (f) => {
      if (f.kind === 'refused') {
        return `プロバイダーの残高を取得できませんでした: apimart がリクエストを拒否しました${f.status >= 300 ? `（HTTP ${f.status}）` : ''}${f.detail ? `: 「${f.detail}」` : ''}。\`APIMART_API_KEY\` と apimart のアカウントを確認してください。`;
      }
      if (f.kind === 'unreachable') return 'プロバイダーの残高を取得できませんでした: apimart から応答がありません。少ししてからもう一度お試しください。';
      return 'プロバイダーの残高を取得できませんでした: apimart の応答の形式が想定外です。詳細はボットのログにあります。';
    },
  },
  charts: chartsJa,
};
