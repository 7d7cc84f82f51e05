import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

const sub = ApplicationCommandOptionType.Subcommand;

/**
 * `/video-admin`. `default_member_permissions` only hides it from non-admins by default; servers can
 * override that, so execution checks again.
 */
export const videoAdminCommandData = {
  name: 'video-admin',
  type: ApplicationCommandType.ChatInput,
  description: 'Admin: budgets, pause or resume, spend report, balance, resolve jobs, bot status',
  description_localizations: { ja: '管理者用: 予算、一時停止・再開、利用レポート、残高、ジョブの解決、ボットの状態' },
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [
    {
      type: sub, name: 'budget',
      description: "Set or clear a member's daily and monthly limits (no amounts: show them)",
      name_localizations: { ja: '予算' },
      description_localizations: { ja: 'メンバーの1日・月間の上限を設定または解除（金額なしで表示）' },
      options: [
        {
          type: ApplicationCommandOptionType.User, name: 'user', required: true,
          description: 'The member', name_localizations: { ja: 'ユーザー' }, description_localizations: { ja: '対象のメンバー' },
        },
        {
          type: ApplicationCommandOptionType.Number, name: 'daily_usd', required: false, min_value: 0,
          description: 'Daily limit in USD for this member (0 stops their videos)',
          name_localizations: { ja: '1日の上限ドル' }, description_localizations: { ja: 'このメンバーの1日の上限（ドル、0 で作成不可）' },
        },
        {
          type: ApplicationCommandOptionType.Number, name: 'monthly_usd', required: false, min_value: 0,
          description: 'Monthly limit in USD for this member (0 stops their videos)',
          name_localizations: { ja: '月間の上限ドル' }, description_localizations: { ja: 'このメンバーの月間の上限（ドル、0 で作成不可）' },
        },
        {
          type: ApplicationCommandOptionType.Boolean, name: 'clear', required: false,
          description: 'Remove the override: back to the default limits',
          name_localizations: { ja: '解除' }, description_localizations: { ja: '個別設定を消して既定の上限に戻す' },
        },
      ],
    },
    {
      type: sub, name: 'pause', description: 'Refuse new /video requests in this server; running jobs finish',
      name_localizations: { ja: '一時停止' }, description_localizations: { ja: 'このサーバーで新しい /video を停止（実行中のジョブは完了します）' },
    },
    {
      type: sub, name: 'resume', description: 'Allow /video again in this server',
      name_localizations: { ja: '再開' }, description_localizations: { ja: 'このサーバーで /video を再開' },
    },
    {
      type: sub, name: 'report', description: "This server's spend by member, and jobs to reconcile with the provider",
      name_localizations: { ja: 'レポート' }, description_localizations: { ja: 'このサーバーのメンバー別利用額と、プロバイダーとの照合が必要なジョブ' },
      options: [{
        type: ApplicationCommandOptionType.String, name: 'period', required: false,
        description: 'Period, in UTC (default: this month)',
        name_localizations: { ja: '期間' }, description_localizations: { ja: '期間（UTC、既定は今月）' },
        choices: [
          { name: 'today', name_localizations: { ja: '今日' }, value: 'today' },
          { name: 'this month', name_localizations: { ja: '今月' }, value: 'month' },
          { name: 'all time', name_localizations: { ja: '全期間' }, value: 'all' },
        ],
      }],
    },
    {
      type: sub, name: 'balance', description: "The provider account's balance (apimart)",
      name_localizations: { ja: '残高' }, description_localizations: { ja: 'プロバイダー（apimart）の残高' },
    },
    {
      type: sub, name: 'resolve', description: 'Settle or release a job whose submit outcome is unknown, or that timed out',
      name_localizations: { ja: '解決' }, description_localizations: { ja: '送信結果不明またはタイムアウトのジョブを計上または解放' },
      options: [
        {
          type: ApplicationCommandOptionType.Integer, name: 'job', required: true, min_value: 1,
          description: 'The job number (#) from /video-admin report',
          name_localizations: { ja: 'ジョブ' }, description_localizations: { ja: 'ジョブ番号（/video-admin report の #）' },
        },
        {
          type: ApplicationCommandOptionType.String, name: 'outcome', required: true,
          description: "What the provider's bill says about this job",
          name_localizations: { ja: '結果' }, description_localizations: { ja: 'プロバイダーの請求でのこのジョブの扱い' },
          choices: [
            { name: 'billed: charge its estimate', name_localizations: { ja: '請求あり: 見積額を計上' }, value: 'billed' },
            { name: 'not billed: release it', name_localizations: { ja: '請求なし: 予約を解放' }, value: 'not_billed' },
          ],
        },
      ],
    },
    {
      type: sub, name: 'status', description: 'Queue, provider health, models turned off, jobs awaiting resolution, version',
      name_localizations: { ja: '状態' }, description_localizations: { ja: 'キュー、プロバイダーの状態、停止中のモデル、解決待ちのジョブ、バージョン' },
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
