import type { Config } from '../../config.ts';

/**
 * One unsafe state, logged at start as `config_warning`: `problem` names it (for alerts and `jq`), `fix`
 * says which setting ends it.
 */
export type ConfigWarning =
  | { problem: 'no_bot_daily_budget'; fix: string }
  | { problem: 'any_server_may_use_bot'; botPublic: boolean | 'unknown'; fix: string };

/** What Discord says about the application (GET /applications/@me); null when it could not be read. */
export interface ApplicationFacts {
  botPublic: boolean | null;
}

/**
 * Settings under which people the operator does not know can spend the apimart balance. The bot still
 * starts: a public bot in many servers is a legitimate choice, but it should be a conscious one.
 */
export function unsafeSettings(config: Pick<Config, 'botDailyBudgetMicros' | 'allowedGuildIds'>, application: ApplicationFacts): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (config.botDailyBudgetMicros === 0) {
    warnings.push({ problem: 'no_bot_daily_budget', fix: 'set BOT_DAILY_BUDGET_USD to the most the bot may cost you in a day (0 = no limit)' });
  }
  // Unknown counts as public: an outage of GET /applications/@me must not hide the warning.
  if (config.allowedGuildIds.length === 0 && application.botPublic !== false) {
    warnings.push({
      problem: 'any_server_may_use_bot',
      botPublic: application.botPublic ?? 'unknown',
      fix: 'turn Public Bot off (Developer Portal > your application > Bot), or set ALLOWED_GUILD_IDS to your servers',
    });
  }
  return warnings;
}
