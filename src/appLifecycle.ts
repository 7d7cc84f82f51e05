import { hostname } from 'node:os';
import { Events, Routes, type Client, type REST } from 'discord.js';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { InstanceLease } from './db/instanceLease.ts';
import type { Stores } from './db/openStores.ts';
import type { Logger } from './logger.ts';
import { warnAboutCatalogPrices } from './models/catalogWarnings.ts';
import { isProcessRunning, processStartTime } from './processLiveness.ts';
import { commandDefinitions, type CommandModule } from './commands/index.ts';
import type { CommandDirectory } from './services/discord/commandDirectory.ts';
import type { DirectMessages } from './services/discord/directMessages.ts';
import type { ModelAvailability } from './services/apimart/modelAvailability.ts';
import { createCommandSync, type CommandSync } from './services/discord/commandSyncRetry.ts';
import { placeLookup, watchStartupChannels } from './services/discord/placeLookup.ts';
import { retryAtStartup } from './services/discord/startupRetry.ts';
import type { OwnerCheck } from './services/discord/ownerCheck.ts';
import type { GonePlaces } from './services/jobs/gonePlaces.ts';
import type { JobScheduler } from './services/jobs/jobScheduler.ts';
import type { TaskPush } from './services/jobs/taskPush.ts';
import type { SharedProviderStateSync } from './services/apimart/sharedProviderState.ts';
import { startProviderCallbacks, type ProviderCallbacks } from './appCallbacks.ts';
import type { Operations } from './services/operations/operations.ts';
import { resolveShardPlan } from './sharding/resolveShards.ts';
import { unsafeSettings } from './services/operations/configWarnings.ts';
import { inviteUrl } from './services/discord/invitePermissions.ts';

export interface AppLifecycleParts {
  config: Config;
  stores: Stores;
  clock: Clock;
  logger: Logger;
  client: Client;
  /** The REST client of interaction-token routes (discordClients.ts), observed beside the gateway client's. */
  interactionRest: REST;
  scheduler: JobScheduler;
  operations: Operations;
  owners: OwnerCheck;
  places: GonePlaces;
  commands: readonly CommandModule[];
  commandDirectory: CommandDirectory;
  push: TaskPush | undefined;
  /** Several hosts: the provider's state they share, refreshed from the database. */
  sharedProviderState: SharedProviderStateSync | undefined;
  dms: DirectMessages;
  /** The provider's model list, read at start (before the gateway connects) and hourly. */
  availability: ModelAvailability;
  /** Ends the process; called with 1 when another instance took the lease (tests observe it instead). */
  exit: (code: number) => void;
  leaseHeartbeatMs: number | undefined;
  /** First wait before a failed command sync is tried again (tests shorten it). */
  commandSyncRetryMs: number | undefined;
  /** Other processes (shard processes, other hosts) free provider slots this one must notice. */
  sharesQueue: boolean;
  /** The bot's own user id, known before the gateway connects (resumed deliveries need it). */
  onBotUserId: (id: string) => void;
}

const leaseStaleMs = 60_000;
/** With several processes, a slot freed by another one is noticed this often. */
const sharedQueueCheckMs = 2_000;
/** With several hosts, a 429 hold, an account refusal or a model turned off elsewhere is noticed this often. */
const sharedStateRefreshMs = 1_000;

/** Start and stop: the instance lease, resuming jobs, the gateway, command sync; and the reverse. */
export function createAppLifecycle(parts: AppLifecycleParts) {
  const { config, clock, logger, client, scheduler, operations } = parts;
  let leaseLost = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let queueCheck: NodeJS.Timeout | undefined;
  let stateRefresh: NodeJS.Timeout | undefined;
  let lease: InstanceLease | undefined;
  let callbacks: ProviderCallbacks | undefined;
  let commandSync: CommandSync | undefined;

  async function refreshSharedState(shared: SharedProviderStateSync): Promise<void> {
    try {
      // Another host's probe found the provider serving the account again: the queue may move.
      if (await shared.refresh()) scheduler.kickQueue();
    } catch (err) {
      logger.warn('shared_provider_state_read_failed', { err });
    }
  }

  /**
   * After a stall longer than the stale time (SIGSTOP, a suspended VM) another process may have taken
   * one of this process's shards over. Working on would poll and deliver those jobs twice, so this one
   * stops at once.
   */
  async function renewLease(held: InstanceLease): Promise<void> {
    if (leaseLost) return;
    let renewed: boolean;
    try {
      renewed = await held.heartbeat(clock.now());
    } catch (err) {
      logger.warn('instance_lease_heartbeat_failed', { err });
      return;
    }
    if (renewed) return scheduler.adoptLateTaskIds();
    // Another renewal may have found the lease gone while this one waited for its answer.
    if (leaseLost) return;
    leaseLost = true;
    logger.error('instance_lease_lost', { action: 'another instance took over this database; stopping and exiting with code 1' });
    clearInterval(heartbeat);
    clearInterval(queueCheck);
    clearInterval(stateRefresh);
    await scheduler.stop().catch((err) => logger.error('stop_failed', { err }));
    await client.destroy().catch(() => undefined);
    parts.exit(1);
  }

  return {
    async start(): Promise<void> {
      client.rest.setToken(config.discordToken);
      const retried = <T>(step: string, run: () => Promise<T>) => retryAtStartup(step, run, { logger });
      // Read while the rest starts up; awaited before the gateway connects, so the first command is already gated.
      const modelsListed = parts.availability.start();
      const plan = await retried('shard_plan', () => resolveShardPlan(config, client.rest));
      client.options.shards = [...plan.shardIds];
      client.options.shardCount = plan.shardCount;
      const held = parts.stores.instanceLease({ host: hostname(), pid: process.pid, started: processStartTime(process.pid) },
        { staleMs: leaseStaleMs, isAlive: isProcessRunning, shardIds: plan.shardIds, shardCount: plan.shardCount });
      await held.acquire(clock.now());
      lease = held;
      heartbeat = setInterval(() => void renewLease(held), parts.leaseHeartbeatMs ?? 10_000);
      heartbeat.unref();
      if (parts.sharesQueue) {
        queueCheck = setInterval(() => scheduler.kickQueue(), sharedQueueCheckMs);
        queueCheck.unref();
      }
      const shared = parts.sharedProviderState;
      if (shared) {
        await refreshSharedState(shared);
        stateRefresh = setInterval(() => void refreshSharedState(shared), sharedStateRefreshMs);
        stateRefresh.unref();
      }
      // Jobs resume before the gateway connects, so no reaction or command can act on a job that a
      // crash left half-submitted before it is marked as such. Callbacks are heard before jobs resume,
      // so a callback for a job submitted from here on finds its listener.
      callbacks = await startProviderCallbacks({ config, logger, scheduler, push: parts.push, hosts: parts.stores.hosts });
      // Resumed deliveries may need to recognise the bot's own earlier posts before the gateway is up.
      parts.onBotUserId(((await retried('bot_user', () => client.rest.get(Routes.user()))) as { id: string }).id);
      scheduler.holdSubmissions();
      const { resumed, quarantined, withdrawn } = await scheduler.resume();
      await operations.start(client, [client.rest, parts.interactionRest]);
      await modelsListed;
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      const startupChannels = watchStartupChannels(client);
      await retried('login', () => client.login(config.discordToken));
      await ready;
      await parts.owners.refresh();
      // Servers the bot left and channels deleted while it was down: nothing is spent on their jobs.
      const placeGoneJobs = await parts.places.checkUnfinished(placeLookup(client, startupChannels)).finally(() => startupChannels.stop());
      scheduler.releaseSubmissions();
      // Commands belong to the application, not to a shard: the process running shard 0 syncs them.
      const applicationId = client.application?.id ?? client.user?.id ?? '';
      const syncsCommands = plan.shardIds.includes(0);
      const sync = createCommandSync({
        rest: client.rest, clock, logger, directory: parts.commandDirectory, applicationId, guildId: config.discordGuildId,
        commands: () => commandDefinitions(config, parts.availability.isOffered), writes: syncsCommands, firstRetryMs: parts.commandSyncRetryMs,
      });
      commandSync = sync;
      // The `model` option lists the models the key can call: when the hourly list changes them, so does
      // the command (written only where it differs from what Discord holds). Heard before the first sync,
      // so a list that arrives while it runs is written after it.
      parts.availability.onChange(() => void sync.resync('the models the key can call changed'));
      const commands = await sync.start();
      // Settings are the bot's, not a shard's: one process tells the operator. botPublic came with the
      // owner check's GET /applications/@me above.
      if (syncsCommands) {
        for (const warning of unsafeSettings(config, { botPublic: client.application?.botPublic ?? null })) logger.warn('config_warning', { ...warning });
        warnAboutCatalogPrices(config.models, logger, clock.now());
      }
      logger.info('bot_ready', {
        user: client.user?.tag, servers: client.guilds.cache.size, inviteUrl: inviteUrl(applicationId),
        commands, resumedJobs: resumed, submitUnknownJobs: quarantined.length,
        placeGoneJobs, notAllowedJobs: withdrawn, shards: plan.shardIds, shardCount: plan.shardCount, pid: process.pid,
      });
    },
    async stop(): Promise<void> {
      commandSync?.stop();
      clearInterval(heartbeat);
      clearInterval(queueCheck);
      clearInterval(stateRefresh);
      parts.availability.stop();
      await scheduler.stop();
      parts.dms.stop();
      await callbacks?.close();
      await client.destroy();
      await operations.stop();
      if (!leaseLost) await lease?.release();
    },
  };
}
