import { REST } from 'discord.js';
import { systemClock } from './clock.ts';
import { commandDefinitions } from './commands/index.ts';
import { ConfigError, loadConfigFromEnvironment } from './config.ts';
import { createLogger } from './logger.ts';
import { createApimartClient } from './services/apimart/client.ts';
import { createModelAvailability } from './services/apimart/modelAvailability.ts';
import { syncCommands } from './services/discord/commandSync.ts';

/** `npm run deploy-commands`: the same sync the bot runs on start, without starting the bot. */
try {
  const config = loadConfigFromEnvironment();
  const logger = createLogger({ level: 'warn', secrets: [config.discordToken, config.apimartApiKey], write: (line) => process.stderr.write(`${line}\n`) });
  // As the bot does: the `model` option lists only the models the key can call (all of them if the list cannot be read).
  const availability = createModelAvailability({
    apimart: createApimartClient({ baseUrl: config.apimartBaseUrl, apiKey: config.apimartApiKey }),
    clock: systemClock, logger, catalogModelIds: () => config.models.ids(), defaultModel: config.defaultModel,
  });
  await availability.start();
  availability.stop();
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const app = (await rest.get('/oauth2/applications/@me')) as { id: string };
  const result = await syncCommands(rest, app.id, config.discordGuildId, commandDefinitions(config, availability.isOffered));
  process.stdout.write(`Commands ${result.outcome} ${config.discordGuildId ? `in guild ${config.discordGuildId}` : 'globally'}.\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Command sync failed: ${(err as Error).message}`}\n`);
  process.exit(1);
}
