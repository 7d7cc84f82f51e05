import { channelMention, time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import type { DeliveryMessages, DeliveryProblem } from './deliveryMessages.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);

const problem: Record<DeliveryProblem, string> = {
  thread_locked: 'スレッドがロックされています',
  thread_archived: 'スレッドがアーカイブされロックされています',
  channel_deleted: 'チャンネルが削除されました',
  bot_removed: 'チャンネルにアクセスできなくなりました',
  missing_permissions: 'そこに投稿やアップロードをする権限がありません',
  automod: 'サーバーの AutoMod がメッセージをブロックしました',
  refused: 'Discord がメッセージを拒否しました',
  attempts_exhausted: 'Discord へのアップロードが失敗し続けました',
};

export const deliveryJa: DeliveryMessages = {
  delivery: {
    problem,
    movedToDm: (channelId, why) => `${channelMention(channelId)} に投稿できなかったため（${why}）、こちらに送ります。`,
    linkInstead: (why) => `動画をアップロードできなかったため（${why}）、代わりにリンクを送ります。`,
    link: (url, expiresAt) => `${url}${expiresAt ? `\nリンクの期限: ${ts(expiresAt)}` : ''}`,
    undeliverableStatus: '📭 動画はできましたが、ここにも DM にも投稿できませんでした。動画サービスが課金したため料金はかかります。管理者はレポートでこのジョブを確認できます。',
    statusDeleted: (jobId) => `ジョブ #${jobId} の状況メッセージが削除されたため、チャンネルには進捗を再投稿しません。動画はできしだい投稿します。`,
    dmCopyAgain: (jobId, url, expiresAt) =>
      `ジョブ #${jobId} のコピーはこの1時間以内に送信済みです。リンク: ${url}${expiresAt ? `（期限: ${ts(expiresAt)}）` : ''}`,
    reportTitle: (count) => `**チャンネルに投稿できなかった結果（${count}件）**`,
    reportJob: (j) => {
      const where = { dm: 'DM で送信', link: 'リンクで投稿', nowhere: '未配信（課金済み）' }[j.delivered];
      const why = (problem as Record<string, string>)[j.problem] ?? j.problem;
      return `\`#${j.jobId}\` ${userMention(j.userId)} ${channelMention(j.channelId)} · ${why} · ${where} · ${ts(j.finishedAt, TimestampStyles.ShortDateTime)}`;
    },
  },
};
