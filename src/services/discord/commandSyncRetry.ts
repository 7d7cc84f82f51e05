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

type Outcome = 'unchanged' | 'updated' | 'left to shard 0' | 'stopped';

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
  let previous: Promise<unknown> = Promise.resolve();
  let waiting: Promise<Outcome> | undefined;

  async function attempt(): Promise<Outcome> {
    const sync = deps.writes
      ? await syncCommands(deps.rest, deps.applicationId, deps.guildId, deps.commands())
      : { outcome: 'left to shard 0' as const, registered: await registeredCommands(deps.rest, deps.applicationId, deps.guildId) };
    deps.directory.remember(sync.registered);
    return sync.outcome;
  }

  /**
   * One attempt at a time: two in flight could compare against the same old copy and land in either
   * order, leaving Discord with the older commands. A call during an attempt gets one attempt after it,
   * shared with every call made before that one begins, since it reads the commands as they are then.
   */
  function attemptInTurn(): Promise<Outcome> {
    if (waiting) return waiting;
    const turn = previous.then(() => {
      waiting = undefined;
      return stopped ? 'stopped' as const : attempt();
    });
    waiting = turn;
    previous = turn.catch(() => undefined);
    return turn;
  }

  async function run(waitMs: number): Promise<Outcome | 'failed'> {
    if (stopped) return 'stopped';
    try {
      return await attemptInTurn();
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
        const outcome = await attemptInTurn();
        if (outcome !== 'stopped') deps.logger.info('commands_synced', { outcome, reason });
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
