import { ConfigError, loadConfigFromEnvironment } from './config.ts';
import { createApp } from './app.ts';
import { openDatabase } from './db/openDatabase.ts';
import { createLogger } from './logger.ts';

let config;
try {
  config = loadConfigFromEnvironment();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\nCopy .env.example to .env and fill it in; README.md explains every setting.\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.apimartApiKey] });
const db = openDatabase(config.databasePath);
const app = createApp({ config, db, logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('bot_stopping', { signal });
  await app.stop().catch((err) => logger.error('stop_failed', { err }));
  db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('unhandledRejection', (err) => logger.error('unhandled_rejection', { err }));

app.start().catch((err) => {
  logger.error('start_failed', { err });
  db.close();
  process.exit(1);
});
