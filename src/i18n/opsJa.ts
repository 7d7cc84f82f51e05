import { time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { jaOptionNames, jaOutcomeNames, type CommandMention } from './commandNames.ts';
import type { BotStatusView, OpsMessages } from './opsMessages.ts';
import { signedPercent } from './percent.ts';


const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);
/** The resolve subcommand as a clickable mention, with its options named as a Japanese member types them. */
const resolve = (jobId: number, outcome: 'billed' | 'not_billed', command: CommandMention) =>
  `${command('video-admin', 'resolve')} \`${jaOptionNames.job}:${jobId}\` \`${jaOptionNames.outcome}:${jaOutcomeNames[outcome]}\``;

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}分`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}時間${minutes % 60}分` : `${Math.floor(hours / 24)}日${hours % 24}時間`;
}

const maxAwaitingShown = 10;

function status(s: BotStatusView, command: CommandMention): string {
  const awaiting = s.awaiting.length === 0 ? ['解決待ちのジョブ: なし。'] : [
    `**このサーバーで解決待ちのジョブ（${s.awaiting.length}件）**`,
    ...s.awaiting.slice(0, maxAwaitingShown).map((j) => `\`#${j.jobId}\` ${j.status === 'submit_unknown' ? '送信結果不明' : 'タイムアウト'} · ${opsJa.ops.resolveHint(j.jobId, j.resolvableAt, command)}`),
    ...(s.awaiting.length > maxAwaitingShown ? [`…ほか${s.awaiting.length - maxAwaitingShown}件: ${command('video-admin', 'report')} にすべて表示されます。`] : []),
  ];
  return [
    '🩺 **ボットの状態**',
    `キュー: 待機 ${s.queued}件 · プロバイダーで処理中 ${s.running}件 · 最も古いジョブ ${s.oldestJobCreatedAt === null ? 'なし' : `${duration(s.now - s.oldestJobCreatedAt)}前`}`,
    s.providerDownReason === null ? 'プロバイダー: 利用可能。' : `プロバイダー: **停止中と判定**（${s.providerDownReason}）。残高の確認が成功するまで新しい送信は待機します。`,
    s.modelsOff.length === 0 ? '停止中のモデル: なし。'
      : `停止中のモデル（プロバイダーが存在しないと回答）: ${s.modelsOff.map((m) => `\`${m.model}\`（${ts(m.since)}から）`).join('、')}。${command('video-admin', 'resume')} で再び有効にできます。`,
    ...(s.modelsNotOffered?.length ? [`提供されていないモデル（動画サービスがこのボットのキーに一覧していません）: ${s.modelsNotOffered.map((m) => `\`${m}\``).join('、')}。`] : []),
    ...awaiting,
    `バージョン ${s.version} · 稼働時間 ${duration(s.now - s.startedAt)}`,
  ].join('\n');
}

export const opsJa: OpsMessages = {
  ops: {
    guildNotAllowed: 'このボットはこのサーバーでは利用できません。',
    thisServerOnly: (userId, command) => `_このサーバーでの利用額とジョブのみです。上限は ${command('video-admin', 'budget')} \`${jaOptionNames.user}:\` ${userMention(userId)} で確認できます。_`,
    aboveCeiling: (option, ceiling) =>
      `\`${jaOptionNames[option]}\` の上限は ${formatUsd(ceiling)} です。ボットの運営者が設定した上限で、これを超えられるのはボットのオーナーだけです。何も変更していません。`,
    modelTurnedOff: (model, command) =>
      `モデル \`${model}\` は停止中です。動画サービスが続けて「存在しない」と回答しました。別のモデルを選んでください。管理者は ${command('video-admin', 'resume')} で再び有効にできます。`,
    modelNotOffered: (model) =>
      `モデル \`${model}\` は使えません。動画サービスが現在このボットに提供していないためです。別のモデルを選んでください。料金はかかっていません。`,
    referenceImageGone: (jobId, command) =>
      `ジョブ #${jobId} の参照画像はもう使えません。Discord のリンクの期限が切れており、このボットが画像を保存し始める前に送られた画像のため、コピーもありません。${command('video')} で画像をもう一度添付してください。料金はかかっていません。`,
    pricesLookStale: (drifts) => [
      '⚠️ **料金表が古くなっているようです**: 動画サービスの請求額が見積もりと異なります。',
      ...drifts.map((d) => `\`${d.model}\`: 直近 ${d.jobs} 件で見積もり ${formatUsd(d.estimateMicros)} に対し請求 ${formatUsd(d.costMicros)}${Number.isFinite(d.ratio) ? `（${signedPercent(d.ratio)}）` : ''}。`),
      'ボットの運営者は料金設定を確認してください（MODELS_FILE、またはボットの新しいバージョン）。',
    ].join('\n'),
    modelsTurnedBackOn: (models) => `再び有効にしたモデル: ${models.map((m) => `\`${m}\``).join('、')}。`,
    resolveCommand: resolve,
    resolveHint: (jobId, resolvableAt, command) => {
      const commands = `${resolve(jobId, 'billed', command)} または ${resolve(jobId, 'not_billed', command)}`;
      return resolvableAt === null ? `解決: ${commands}` : `遅れて届く結果を確認中。${ts(resolvableAt)}から解決できます: ${commands}`;
    },
    resolveNotFound: (jobId) => `このサーバーにジョブ #${jobId} はありません。`,
    resolveNotAwaiting: (jobId, state) =>
      `ジョブ #${jobId} は「${state}」です。解決できるのは送信結果が不明なジョブか、タイムアウトしたジョブだけです。何も変更していません。`,
    resolveStillPolling: (jobId, at) =>
      `ジョブ #${jobId} はタイムアウトしましたが、${ts(at, TimestampStyles.ShortDateTime)}（${ts(at)}）まで遅れて届く結果を確認しています。その後に解決してください。何も変更していません。`,
    resolved: (jobId, userId, outcome, micros) => outcome === 'billed'
      ? `${userMention(userId)} のジョブ #${jobId} を「請求あり」で解決しました: ${formatUsd(micros)} を計上しました。依頼者に通知しました。`
      : `${userMention(userId)} のジョブ #${jobId} を「請求なし」で解決しました: 予約していた ${formatUsd(micros)} を解放しました。依頼者に通知しました。`,
    requesterBilled: (userId, jobId, cost) =>
      `${userMention(userId)} ジョブ #${jobId}: 管理者が動画サービスに確認したところ、動画は届きませんでしたが請求されていました。${formatUsd(cost)} を計上しました。`,
    requesterNotBilled: (userId, jobId) =>
      `${userMention(userId)} ジョブ #${jobId}: 管理者が動画サービスに確認したところ、請求されていませんでした。予約を解放しました。料金はかかりません。`,
    statusResolvedBilled: (cost) => `❌ 動画なし: 動画サービスが請求したことを管理者が確認しました。費用 ${formatUsd(cost)}。`,
    status,
    jobErased: (jobId, command) =>
      `ジョブ #${jobId} は保存期間を過ぎたため、プロンプトと動画が消去されました。再生成も送信もできません。${command('video')} で新しく作成してください。`,
  },
};
