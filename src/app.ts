import { Events, GatewayDispatchEvents, type ClientOptions, type GatewayMessageReactionAddDispatchData } from 'discord.js';
import { createDiscordClients } from './discordClients.ts';
import { createAppLifecycle } from './appLifecycle.ts';
import { createCommands } from './commands/index.ts';
import type { Config } from './config.ts';
import type { Stores } from './db/openStores.ts';
import type { Logger } from './logger.ts';
import { createAdminCheck } from './services/discord/adminCheck.ts';
import { createApimartClient, type ApimartClient } from './services/apimart/client.ts';
import { systemClock, type Clock } from './clock.ts';
import { createCommandDirectory } from './services/discord/commandDirectory.ts';
import { createBotPermissions, permissionsOverRest } from './services/discord/botPermissions.ts';
import { createDirectMessages } from './services/discord/directMessages.ts';
import { createDiscordMessenger } from './services/discord/discordMessenger.ts';
import { createInteractionRouter } from './commands/interactionRouter.ts';
import { createJobControls } from './commands/jobControls.ts';
import { createAckPolicy } from './commands/ackPolicy.ts';
import { deferralAnswers } from './commands/deferralAnswers.ts';
import { createFirstAnswer } from './services/jobs/firstAnswer.ts';
import { createButtonHandler } from './services/controls/buttonHandler.ts';
import { createJobActions } from './services/controls/jobActions.ts';
import { createJobIntake } from './services/jobs/jobIntake.ts';
import { createJobScheduler } from './services/jobs/jobScheduler.ts';
import { createGuardedVideoFetch } from './services/jobs/videoLinkGuard.ts';
import { createTaskPush } from './services/jobs/taskPush.ts';
import { referenceImageOrigins } from './services/jobs/referenceImage.ts';
import { createGonePlaces } from './services/jobs/gonePlaces.ts';
import { predictedFinishMs } from './services/jobs/pollSchedule.ts';
import { createReactionHandler } from './services/controls/reactionHandler.ts';
import { createStatusUpdater } from './services/status/statusUpdater.ts';
import { createUsageReports } from './services/spend/usageReports.ts';
import { createChartRenderer } from './services/spend/chartRenderer.ts';
import { createSpendCharts } from './services/spend/spendCharts.ts';
import { defaultLatePollWindowMs, latePollingEndsAt } from './services/spend/resolvable.ts';
import { readBotVersion } from './botVersion.ts';
import { hostWideState } from './appHosts.ts';
import { createModelAvailability } from './services/apimart/modelAvailability.ts';
import { createOwnerCheck } from './services/discord/ownerCheck.ts';
import { createJobResolution } from './services/jobs/jobResolution.ts';
import { createBotStatus } from './services/spend/botStatus.ts';
import { watchAllowedGuilds } from './services/discord/allowedGuilds.ts';
import { countInvalidRequests } from './services/operations/discordObservers.ts';
import { createOperations } from './services/operations/operations.ts';
import { processShardScope } from './sharding/resolveShards.ts';

export interface AppDeps {
  config: Config;
  stores: Stores;
  logger: Logger;
  apimart?: ApimartClient;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Extra discord.js options (tests use a no-op identify throttler). */
  clientOptions?: Partial<ClientOptions>;
  statusEditIntervalMs?: number;
  healthProbeIntervalMs?: number;
  /** How often the provider's model list is read again (an hour). */
  modelListRefreshMs?: number;
  confirmationWindowMs?: number;
  /** How long a channel notice about a reaction (when the reactor's DMs are closed) stays up. */
  reactionNoticeLifetimeMs?: number;
  leaseHeartbeatMs?: number;
  /** First wait before a failed slash-command sync is tried again. */
  commandSyncRetryMs?: number;
  /** Ends the process; called with 1 when another instance took the lease (tests observe it instead). */
  exit?: (code: number) => void;
}

/** Builds every service and the Discord client; main.ts and the end-to-end tests both start here. */
export function createApp(deps: AppDeps) {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  // Started by the ShardingManager, this process works only on its own servers' jobs.
  const shardScope = processShardScope(config);
  const store = deps.stores.jobStore(shardScope);
  const hosts = deps.stores.hosts;
  const { health, models, sharedProviderState, clientOptions: hostClientOptions } = hostWideState(hosts, clock, deps.logger);
  const operations = createOperations({
    config, queries: deps.stores.operationsQueries, retentionStore: deps.stores.retentionStore, logger: deps.logger, clock, health,
    // Each shard process serves its metrics on METRICS_PORT + its index.
    metricsPortOffset: config.shardProcess?.index ?? 0,
    apimart: deps.apimart ?? createApimartClient({ baseUrl: config.apimartBaseUrl, apiKey: config.apimartApiKey }),
  });
  const { logger, apimart } = operations;
  const { client, interactionRest, editPace } = createDiscordClients(config, () => clock.now(), { ...hostClientOptions, ...deps.clientOptions });
  const botPermissions = createBotPermissions({ clock, lookup: permissionsOverRest(client) });
  // From the first request on (the gateway's address, the bot's own user), before anything else runs;
  // the interaction client's answers count towards the same limit.
  countInvalidRequests(client.rest, operations.metrics, logger);
  countInvalidRequests(interactionRest, operations.metrics, logger);
  // Every DM waits out Discord's 40003 ("opening DMs too fast") instead of repeating it.
  const dms = createDirectMessages({ messenger: createDiscordMessenger(client.rest, interactionRest), clock, logger });
  const { messenger } = dms;
  const commandDirectory = createCommandDirectory();
  const availability = createModelAvailability({
    apimart, clock, logger, catalogModelIds: () => config.models.ids(), defaultModel: config.defaultModel,
    refreshEveryMs: deps.modelListRefreshMs,
  });
  const latePoll = { jobTimeoutMs: config.jobTimeoutMs, latePollWindowMs: defaultLatePollWindowMs };
  const status = createStatusUpdater({
    store, messenger, clock, logger, pace: editPace,
    minEditIntervalMs: deps.statusEditIntervalMs ?? 5_000,
    contextFor: async (job, knownQueuePosition) => ({
      queuePosition: job.status === 'queued' ? knownQueuePosition ?? await store.queuePosition(job.id) : 0,
      jobTimeoutMinutes: Math.round(config.jobTimeoutMs / 60_000),
      predictedFinishMs: job.submittedAt === null ? null : predictedFinishMs({
        nowMs: clock.now(), submittedAtMs: job.submittedAt, estimatedTimeSec: job.estimatedTimeSec,
        progress: job.progress, consecutiveErrors: 0,
      }),
      latePollingEndsAtMs: job.status === 'timed_out' ? latePollingEndsAt(job, latePoll) : null,
    }),
    onStatusWritten: (job, message) => reactions.syncStatusControls(job, message),
    botPermissions: botPermissions.known,
  });
  const push = config.publicWebhookUrl ? createTaskPush({ logger }) : undefined;
  const ackPolicy = createAckPolicy(clock);
  const scheduler = createJobScheduler({
    store, apimart, messenger, status, health, models, clock, logger, fetch: deps.fetch, push, answersPending: ackPolicy.unfinished,
    fetchVideo: deps.fetch ?? createGuardedVideoFetch({ trustedOrigin: config.apimartBaseUrl }),
    fetchAttachment: deps.fetch ?? createGuardedVideoFetch({ trustedOrigin: config.discordApiUrl }),
    imageOrigins: referenceImageOrigins(config.discordApiUrl),
    healthProbeIntervalMs: deps.healthProbeIntervalMs,
    allowLists: config, dmNotice: dms.notice,
    botUserId: () => client.user?.id ?? botUserIdBeforeLogin,
    onResultPosted: (job, message, content) => reactions.addResultControls(job, message, content),
    settings: {
      maxConcurrentJobs: config.maxConcurrentJobs,
      pollMinIntervalMs: config.pollMinIntervalMs,
      pollMaxIntervalMs: config.pollMaxIntervalMs,
      jobTimeoutMs: config.jobTimeoutMs,
      latePollWindowMs: latePoll.latePollWindowMs,
      downloadTimeoutMs: 120_000,
    },
  });
  const intake = createJobIntake({ config, store, health, models, availability, clock, confirmationWindowMs: deps.confirmationWindowMs, mention: commandDirectory.mention });
  const isAdmin = createAdminCheck(client, config.adminRoleIds, clock);
  const actions = createJobActions({ config, store, scheduler, intake, messenger, clock, logger, mention: commandDirectory.mention });
  const reactions = createReactionHandler({
    config, store, scheduler, intake, messenger, clock, logger, isAdmin, actions,
    botUserId: () => client.user?.id, botPermissions: botPermissions.ask,
    noticeLifetimeMs: deps.reactionNoticeLifetimeMs, mention: commandDirectory.mention,
  });
  const jobControls = createJobControls(createButtonHandler({ store, actions }), { adminRoleIds: config.adminRoleIds });
  const reports = createUsageReports({ config, store, clock, latePoll });
  const charts = createSpendCharts({ store, clock, renderer: createChartRenderer() });
  const owners = createOwnerCheck({ client, configuredIds: config.ownerUserIds, clock, logger });
  const resolution = createJobResolution({ store, messenger, status, clock, logger, latePoll });
  const botStatus = createBotStatus({
    store, queue: deps.stores.operationsQueries, health, models, availability, clock, latePoll, version: readBotVersion(), startedAt: clock.now(),
  });
  const commands = createCommands({
    config, store, scheduler, intake, clock, logger, apimart, reports, models, resolution, botStatus, isOwner: owners.isOwner,
    charts, mention: commandDirectory.mention, isOffered: availability.isOffered, ackPolicy, firstAnswer: createFirstAnswer({ status, messenger }),
    deferral: deferralAnswers(messenger),
  });
  const route = createInteractionRouter(commands, logger, config.allowedGuildIds, jobControls);
  watchAllowedGuilds(client, config.allowedGuildIds, logger);
  const places = createGonePlaces({ store, scheduler, clock, logger, onChannelGone: reactions.channelGone, dmNotice: dms.notice });

  client.on(Events.InteractionCreate, (interaction) => {
    botPermissions.learn(interaction.channelId, interaction.appPermissions);
    void route(interaction);
  });
  // From the gateway's payload: discord.js drops a reaction in a channel it does not cache.
  client.ws.on(GatewayDispatchEvents.MessageReactionAdd, (r: GatewayMessageReactionAddDispatchData) => void reactions.onReactionAdd(
    { message: { id: r.message_id, channelId: r.channel_id }, emoji: { name: r.emoji.name } }, { id: r.user_id },
  ));
  // discord.js emits GuildDelete only when the bot was removed; an outage is GuildUnavailable.
  client.on(Events.GuildDelete, (guild) => void places.guildRemoved(guild.id));
  // From the gateway's own events: discord.js emits its ChannelDelete and ThreadDelete only for cached
  // channels, and only threads are cached. A deleted channel takes its threads with it.
  client.ws.on(GatewayDispatchEvents.ChannelDelete, (channel: { id: string }) => {
    const threads = client.channels.cache.filter((c) => c.isThread() && c.parentId === channel.id);
    void places.channelsDeleted([channel.id, ...threads.keys()]);
  });
  client.ws.on(GatewayDispatchEvents.ThreadDelete, (thread: { id: string }) => void places.channelsDeleted([thread.id]));
  client.on(Events.Error, (err) => logger.error('discord_client_error', { err }));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn('gateway_disconnected', { shardId, code: event.code }));
  client.on(Events.ShardReconnecting, (shardId) => logger.warn('gateway_reconnecting', { shardId }));
  client.on(Events.ShardResume, (shardId) => logger.info('gateway_resumed', { shardId }));

  const lifecycle = createAppLifecycle({
    config, stores: deps.stores, clock, logger, client, interactionRest, scheduler, operations, owners, places, commands, commandDirectory, push, sharedProviderState, availability, dms,
    exit: deps.exit ?? ((code: number) => process.exit(code)),
    leaseHeartbeatMs: deps.leaseHeartbeatMs,
    commandSyncRetryMs: deps.commandSyncRetryMs,
    sharesQueue: shardScope !== undefined || hosts !== undefined,
    onBotUserId: (id) => { botUserIdBeforeLogin = id; },
  });
  let botUserIdBeforeLogin: string | undefined;

  return { client, store, scheduler, commands, operations, availability, start: lifecycle.start, stop: lifecycle.stop };
}

export type App = ReturnType<typeof createApp>;
