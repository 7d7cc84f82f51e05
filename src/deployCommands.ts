import { REST } from 'discord.js';
import { commandDefinitions } from './commands/index.ts';
import { ConfigError, loadConfigFromEnvironment } from './config.ts';
import { syncCommands } from './services/discord/commandSync.ts';

/** `npm run deploy-commands`: the same sync the bot runs on start, without starting the bot. */
try {
  const config = loadConfigFromEnvironment();
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const app = (await rest.get('/oauth2/applications/@me')) as { id: string };
  const result = await syncCommands(rest, app.id, config.discordGuildId, commandDefinitions(config));
  process.stdout.write(`Commands ${result.outcome} ${config.discordGuildId ? `in guild ${config.discordGuildId}` : 'globally'}.\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Command sync failed: ${(err as Error).message}`}\n`);
  process.exit(1);
}
