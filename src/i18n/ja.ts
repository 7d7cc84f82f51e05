import { channelMention, time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { jaOptionNames } from './commandNames.ts';
import type { Messages } from './messages.ts';
import { placeJa } from './placeMessages.ts';
import { opsJa } from './opsJa.ts';
import { spendJa } from './spendJa.ts';
import { deliveryJa } from './deliveryJa.ts';
import { modelJa } from './modelJa.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);

export const ja: Messages = {
  ...spendJa,
  ...deliveryJa,
  ...placeJa,
  ...opsJa,
  guildOnly: 'このコマンドはサーバー内でのみ使えます。',
  promptEmpty: 'プロンプトが空です。作りたい動画を説明してください（例: `雪の中を走るキツネ`）。',
  promptTooLong: (max, actual) => `プロンプトが${actual}文字あります。上限は${max}文字です。短くしてもう一度お試しください。`,
  imageType: (name) => `\`${name}\` は JPEG・PNG・WebP 画像ではありません。これらの形式の画像を添付してください（GIF は使えません）。`,
  imageTooLarge: (name, sizeMb, maxMb) => `\`${name}\` は ${sizeMb} MB です。画像は ${maxMb} MB までです。小さい画像を添付してください。`,
  paused: 'このサーバーでは管理者が動画生成を一時停止しています。しばらくしてからお試しください。',
  channelNotAllowed: (channelIds) => `動画は ${channelIds.map(channelMention).join('、')} でのみ作れます。`,
  missingPermissions: (permissions) => `このチャンネルで次の権限が必要です: ${permissions.join('、')}。管理者に付与を依頼してください。`,
  providerUnavailable: '動画サービスが現在利用できません。料金はかかっていません。管理者に通知しました。しばらくしてからお試しください。',
  tooManyActive: (max, jobIds) =>
    `実行中のジョブがすでに${jobIds.length}件あります（${jobIds.map((id) => `#${id}`).join('、')}）。上限は${max}件です。終わるまでお待ちください。`,
  budgetExceeded: (scope, estimateMicros, remainingMicros, resetsAt) => {
    const what = { user_daily: 'あなたの1日の予算', user_monthly: 'あなたの月間予算', guild_daily: 'このサーバーの1日の予算', bot_daily: 'ボット全体の1日の予算（全サーバー合計）' }[scope];
    return `この動画は ${formatUsd(estimateMicros)} かかりますが、${what}の残りは ${formatUsd(remainingMicros)} です。${ts(resetsAt)}にリセットされます。短い動画や別のモデルなら収まるかもしれません。`;
  },
  orientation: { landscape: '横長', portrait: '縦長', square: '正方形' },
  internalError: (ref) => `こちら側でエラーが起きました（参照 \`${ref}\`）。料金はかかっていません。もう一度お試しください。`,

  statusTitle: (jobId) => `🎬 **動画ジョブ #${jobId}**`,
  status: {
    awaiting_confirmation: (deadline) => `⏸️ 依頼者が「開始」を押すのを待っています（${ts(deadline)}に期限切れ）。`,
    queued: (position) => position > 1 ? `⏳ 順番待ち（${position}番目）。` : '⏳ 順番待ち、まもなく開始します。',
    submitting: '📤 動画サービスに送信中…',
    submitted: '🛠️ 生成中…',
    completed: '📥 完成しました。動画を投稿しています…',
    delivered: (cost) => `✅ 完了。費用 ${formatUsd(cost)}。`,
    failed: (reason) => `❌ 失敗: ${reason}料金はかかっていません。`,
    cancelled: '🚫 キャンセルしました。料金はかかっていません。',
    expired: '⌛ 時間内に確認されなかったため開始しませんでした。料金はかかっていません。',
    timed_out: (minutes, until) =>
      `⌛ ${minutes}分たっても結果がありません。${ts(until, TimestampStyles.ShortDateTime)}まで確認を続け、届いたら動画を投稿します。`,
    timed_out_stopped: (minutes, stoppedAt) =>
      `⌛ ${minutes}分たっても結果がなく、${ts(stoppedAt, TimestampStyles.ShortDateTime)}までにも届かなかったため、確認をやめました。課金されたかどうかは管理者が動画サービスに確認します。それまで費用は予約されたままです。`,
    submit_unknown: '動画サービスから応答がなく、開始されたか分かりません。再送信はしません（二重に課金されることはありません）。管理者が確認します。',
    video_expired: '投稿する前に動画のリンクの期限が切れました。',
  },
  failureReasons: {
    provider_failed: '動画サービスがこの動画を作れませんでした。',
    moderation: '動画サービスがこのプロンプトまたは画像を拒否しました（コンテンツ規約）。',
    provider_rejected: '動画サービスがリクエストを拒否しました。',
    provider_unavailable: '動画サービスが現在利用できません。',
    no_video: '動画サービスが動画なしで終了しました。',
    image_unreadable: '参照画像を読み込めませんでした。',
    interaction_expired: 'Discord が時間内に応答を受け付けませんでした。',
    model_retired: '動画サービスがこのモデルを提供しなくなりました。',
    resolved_not_billed: '動画サービスで作成されませんでした（管理者が確認）。',
    guild_not_allowed: 'このサーバーではボットが動画を作らなくなりました。',
    channel_not_allowed: 'このチャンネルではボットが動画を作らなくなりました。',
  },
  resultLink: (url, expiresAt) => `動画が大きすぎてここにアップロードできません: ${url}${expiresAt ? `\nリンクの期限: ${ts(expiresAt)}` : ''}`,
  resultExpired: (userId, jobId) => `${userMention(userId)} ジョブ #${jobId} の動画はできましたが、投稿前にリンクの期限が切れました。`,
  submitUnknownNotice: (userId, jobId) => `${userMention(userId)} ジョブ #${jobId}: 動画サービスから応答がなく、開始されたか分かりません。再送信はしません。二重に課金されることはありません。`,
  reactions: {
    cannotCancelSubmitted: (jobId) => `ジョブ #${jobId} はすでに動画サービスに送信済みのため、キャンセルできません。結果は投稿されます。`,
    dmClosed: 'DM を送れませんでした。サーバーメンバーからの DM が閉じられています。プライバシー設定で開いてから、もう一度 📩 を押してください。',
    dmCopy: (jobId) => `ジョブ #${jobId} の動画のコピーです。`,
    unavailableHint: (command) => `（ここではリアクションを追加できないため、下のボタンを使うか、同じプロンプトで ${command('video')} をもう一度実行してください。）`,
    videoGone: (jobId) => `ジョブ #${jobId} の動画はもう入手できません。動画サービスのリンクは期限切れで、結果のメッセージにも残っていません。`,
  },
  unusableLinkStatus: '⚠️ 動画サービスが開けないリンクを返したため、動画を投稿できません。動画サービスの料金は発生しています。管理者に通知済みです。',
  resultUnusableLink: (userId, jobId) => `${userMention(userId)} ジョブ #${jobId}: 動画サービスが使えないリンクを返したため、動画を投稿できません。料金は発生しています。管理者のレポートにこのジョブが表示されます。`,
  failedNotice: (userId, jobId, reason) => `${userMention(userId)} ジョブ #${jobId} は失敗しました: ${reason}料金はかかっていません。`,
  card: {
    model: 'モデル',
    duration: '長さ',
    orientation: '向き',
    orientationFromImage: (shown, chosen) => `${shown}（\`${jaOptionNames.aspect_ratio}: ${chosen}\` ではなく参照画像で決まります）`,
    resolution: '解像度',
    image: '参照画像',
    estimate: '見積もり',
    cost: '費用',
    progress: '進行状況',
    eta: '完成予定',
    takingLonger: '見積もりより時間がかかっています',
    footer: (jobId) => `ジョブ #${jobId}`,
    remakeOf: '作り直し元',
    remakeOfValue: (parentJobId) => `ジョブ #${parentJobId}`,
    remakeLine: (parentJobId, userId) => `🔁 ジョブ #${parentJobId} の作り直しです。依頼したのは ${userMention(userId)} で、費用も負担します。`,
    doneLine: (url) => `✅ 完了: ${url}`,
  },
  controls: {
    start: '開始',
    cancel: 'キャンセル',
    again: 'もう一度',
    editRetry: '編集して再実行',
    dmMe: 'DM で受け取る',
    delete: '削除',
    modalTitle: (jobId) => `ジョブ #${jobId} を編集して再実行`,
    modalPrompt: 'プロンプト',
    onlyRequesterStart: (jobId) => `ジョブ #${jobId} を開始できるのは依頼した本人だけです。`,
    onlyRequesterOrAdmin: (jobId) => `ジョブ #${jobId} に対してこの操作ができるのは依頼した本人か管理者だけです。`,
    started: (jobId) => `ジョブ #${jobId} を開始します。`,
    alreadyStarted: (jobId) => `ジョブ #${jobId} はもう確認待ちではありません。`,
    confirmExpired: (jobId) => `ジョブ #${jobId} は時間内に確認されなかったため開始しませんでした。料金はかかっていません。`,
    cancelled: (jobId) => `ジョブ #${jobId} をキャンセルしました。料金はかかっていません。`,
    notCancellable: (jobId) => `ジョブ #${jobId} はもうキャンセルできません。`,
    newJob: (jobId) => `新しいジョブ #${jobId} を受け付けました。費用はあなたの負担です。`,
    duplicate: 'その新しいジョブはついさっき依頼済みです。',
    dmSent: 'DM に送りました。',
    dmLater: 'Discord が数分間、私からの新しい DM を止めているため、何も送っていません。少し経ってからもう一度頼んでください。',
    dmLimited: (jobId, againAt) => `ジョブ #${jobId} の動画とリンクはこの1時間以内に送信済みのため、今回は何も送っていません。${ts(againAt)}からもう一度頼めます。`,
    deleted: '結果のメッセージを削除しました。',
    notThisMessage: 'このボタンはこのメッセージのものではないため、何もしませんでした。',
  },
  models: modelJa,
};
