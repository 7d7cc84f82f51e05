import { ConfigError, loadConfigFromEnvironment, type Config } from './config.ts';
import { createApp } from './app.ts';
import { openStores } from './db/openStores.ts';
import { createLogger } from './logger.ts';
import { runShardManager } from './sharding/shardManager.ts';

/** sysexits' EX_CONFIG: deploy/video-bot.service does not restart a bot whose settings are wrong. */
const exitConfigError = 78;

let config: Config;
try {
  config = loadConfigFromEnvironment();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\nCopy .env.example to .env and fill it in; README.md explains every setting.\n`);
  process.exit(exitConfigError);
}

const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.apimartApiKey] });
if (config.shardProcesses > 1 && !config.shardProcess) await runManager(config);
else await runBot(config);

/** SHARD_PROCESSES > 1: this process only starts and watches the shard processes (this same file). */
async function runManager(config: Config): Promise<void> {
  let manager: Awaited<ReturnType<typeof runShardManager>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shard_manager_stopping', { signal });
    await manager?.stop().catch((err) => logger.error('stop_failed', { err }));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The manager's death would take every shard process with it: nothing unforeseen may end it.
  process.on('unhandledRejection', (err) => logger.error('unhandled_rejection', { err }));
  try {
    manager = await runShardManager(config, logger);
  } catch (err) {
    logger.error('start_failed', { err });
    process.exit(1);
  }
}

async function runBot(config: Config): Promise<void> {
  // A shard process's lines name it: the manager's processes share one stdout.
  const log = config.shardProcess ? logger.child({ shardProcess: config.shardProcess.index }) : logger;
  const stores = await openStores({ databasePath: config.databasePath, databaseUrl: config.databaseUrl });
  const app = createApp({ config, stores, logger: log });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info('bot_stopping', { signal });
    await app.stop().catch((err) => log.error('stop_failed', { err }));
    await stores.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The manager is gone (killed): stop too, rather than keep shards its next run will want.
  if (config.shardProcess) process.on('disconnect', () => void shutdown('manager_gone'));
  process.on('unhandledRejection', (err) => log.error('unhandled_rejection', { err }));

  app.start().catch((err) => {
    log.error('start_failed', { err });
    void stores.close().finally(() => process.exit(1));
  });
}
