/** Texts about where the bot works: threads, private threads, servers and channels that disappear. */
export interface PlaceMessages {
  notInServer: string;
  threadClosed: string;
  privateThreadNeedsMember: string;
  placeGoneCancelled: (jobId: number, why: 'guild_removed' | 'channel_deleted') => string;
  /** The operator's allow-lists (ALLOWED_GUILD_IDS, ALLOWED_CHANNEL_IDS) no longer admit the job's place. */
  placeNotAllowedCancelled: (jobId: number, why: 'guild_not_allowed' | 'channel_not_allowed') => string;
}

export const placeEn: PlaceMessages = {
  notInServer: 'I am not a member of this server, so I cannot work here. An admin can add me with the invite link.',
  threadClosed: 'This thread is locked or archived, so I could not post here. Use `/video` in an open channel or thread. Nothing was charged.',
  privateThreadNeedsMember:
    'I am not a member of this private thread, so I would never see your ✅ for this job (its cost needs a confirmation). ' +
    'Add me to the thread (mention me here), or make a shorter video that needs no ✅. Nothing was charged.',
  placeGoneCancelled: (jobId, why) => `Your video job #${jobId} was cancelled before it started, because ${
    why === 'guild_removed' ? 'I was removed from its server' : 'its channel was deleted'}. Nothing was charged.`,
  placeNotAllowedCancelled: (jobId, why) => `Your video job #${jobId} was cancelled before it started, because ${
    why === 'guild_not_allowed' ? 'its server' : 'its channel'} is no longer one where I make videos. Nothing was charged.`,
};

export const placeJa: PlaceMessages = {
  notInServer: '私はこのサーバーのメンバーではないため、ここでは動作できません。管理者が招待リンクから追加できます。',
  threadClosed: 'このスレッドはロックまたはアーカイブされているため投稿できません。開いているチャンネルかスレッドで `/video` を使ってください。料金はかかっていません。',
  privateThreadNeedsMember:
    '私はこのプライベートスレッドのメンバーではないため、このジョブ（確認が必要な金額です）の ✅ を見ることができません。' +
    'スレッドに私を追加する（ここで私をメンションする）か、✅ が不要な短い動画にしてください。料金はかかっていません。',
  placeGoneCancelled: (jobId, why) => `動画ジョブ #${jobId} は開始前にキャンセルされました。${
    why === 'guild_removed' ? '私がサーバーから削除された' : 'チャンネルが削除された'}ためです。料金はかかっていません。`,
  placeNotAllowedCancelled: (jobId, why) => `動画ジョブ #${jobId} は開始前にキャンセルされました。${
    why === 'guild_not_allowed' ? 'このサーバー' : 'このチャンネル'}では私が動画を作らなくなったためです。料金はかかっていません。`,
};
