import type { REST, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import type { CommandDirectory } from './commandDirectory.ts';
import { registeredCommands, syncCommands } from './commandSync.ts';

export interface CommandSyncDeps {
  rest: REST;
  clock: Clock;
  logger: Logger;
  directory: CommandDirectory;
  applicationId: string;
  guildId: string | undefined;
  /** The commands as they should be now (the `model` option follows the models the key can call). */
  commands: () => RESTPostAPIChatInputApplicationCommandsJSONBody[];
  /** The process that runs shard 0 writes the commands; the others only read their ids. */
  writes: boolean;
  /** First wait before trying again; it doubles up to `maxRetryMs`. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

const defaultFirstRetryMs = 30_000;
const defaultMaxRetryMs = 30 * 60_000;

/**
 * The slash-command sync at start. A failure (Discord's REST down for a minute) is logged and tried
 * again later with a growing wait; the bot serves meanwhile with the commands Discord already has,
 * named as plain code until the sync succeeds.
 */
export function createCommandSync(deps: CommandSyncDeps) {
  const firstRetryMs = deps.firstRetryMs ?? defaultFirstRetryMs;
  const maxRetryMs = deps.maxRetryMs ?? defaultMaxRetryMs;
  let retry: TimerHandle | undefined;
  let stopped = false;

  async function attempt(): Promise<'unchanged' | 'updated' | 'left to shard 0'> {
    const sync = deps.writes
      ? await syncCommands(deps.rest, deps.applicationId, deps.guildId, deps.commands())
      : { outcome: 'left to shard 0' as const, registered: await registeredCommands(deps.rest, deps.applicationId, deps.guildId) };
    deps.directory.remember(sync.registered);
    return sync.outcome;
  }

  async function run(waitMs: number): Promise<string> {
    if (stopped) return 'stopped';
    try {
      return await attempt();
    } catch (err) {
      if (stopped) return 'stopped';
      deps.logger.error('command_sync_failed', { err, retryInMs: waitMs });
      retry = deps.clock.setTimeout(() => {
        void run(Math.min(maxRetryMs, waitMs * 2)).then((outcome) => {
          if (outcome !== 'failed' && outcome !== 'stopped') deps.logger.info('command_sync_recovered', { commands: outcome });
        });
      }, waitMs);
      return 'failed';
    }
  }

  return {
    /** Syncs once; on failure schedules the retries and answers 'failed' rather than throwing. */
    start: () => run(firstRetryMs),
    /** Writes the commands again after what they list changed; a failure keeps Discord's copy until the next change. */
    async resync(reason: string): Promise<void> {
      if (stopped || !deps.writes) return;
      try {
        deps.logger.info('commands_synced', { outcome: await attempt(), reason });
      } catch (err) {
        deps.logger.warn('command_sync_failed', { err, action: 'the model option keeps its choices until the next change or restart; /video still refuses a model no longer offered' });
      }
    },
    stop(): void {
      stopped = true;
      if (retry) deps.clock.clearTimeout(retry);
    },
  };
}

export type CommandSync = ReturnType<typeof createCommandSync>;
