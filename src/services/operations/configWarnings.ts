import type { Config } from '../../config.ts';

/** One unsafe state, logged at start as `config_warning`: what is wrong, and the setting that fixes it. */
export interface ConfigWarning {
  problem: string;
  fix: string;
}

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
    warnings.push({
      problem: 'no bot-wide daily cap: BOT_DAILY_BUDGET_USD is 0, so all servers together may spend without limit',
      fix: 'set BOT_DAILY_BUDGET_USD to the most the bot may cost you in a day',
    });
  }
  if (config.allowedGuildIds.length === 0 && application.botPublic !== false) {
    warnings.push({
      problem: application.botPublic
        ? 'any server may use the bot: the application is public and ALLOWED_GUILD_IDS is unset'
        : 'any server may use the bot if the application is public (Discord did not say) and ALLOWED_GUILD_IDS is unset',
      fix: 'turn Public Bot off (Developer Portal > your application > Bot), or set ALLOWED_GUILD_IDS to your servers',
    });
  }
  return warnings;
}
