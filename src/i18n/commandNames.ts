/**
 * The Japanese names of options, subcommands and choices, as the command data registers them
 * (`name_localizations`). Japanese texts quote these, so a member reads the names they type;
 * test/unit/wording.test.ts checks them against the registered command data.
 */
export const jaOptionNames = {
  prompt: 'プロンプト', duration: '長さ', aspect_ratio: '縦横比', model: 'モデル', resolution: '解像度', image: '画像', audio: '音声',
  user: 'ユーザー', daily_usd: '1日の上限ドル', monthly_usd: '月間の上限ドル', clear: '解除', period: '期間',
  job: 'ジョブ', outcome: '結果',
} as const;

export const jaSubcommandNames = {
  budget: '予算', pause: '一時停止', resume: '再開', report: 'レポート', balance: '残高', resolve: '解決', status: '状態',
} as const;

/** `/video-admin resolve`'s outcomes, as their registered Japanese choice names begin. */
export const jaOutcomeNames = { billed: '請求あり', not_billed: '請求なし' } as const;

export const jaChoiceNames: Record<'landscape' | 'portrait' | 'square' | 'standard' | 'high', string> = {
  landscape: '横長', portrait: '縦長', square: '正方形', standard: '標準画質', high: '高画質',
};

export type CommandName = 'video' | 'usage' | 'videos' | 'video-admin';
/** Names a slash command (and subcommand) for a text: a clickable mention once its id is known. */
export type CommandMention = (command: CommandName, subcommand?: string) => string;
