import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../../clock.ts';
import type { OperationsQueries } from '../../db/operationsQueries.ts';
import type { ProviderHealth } from '../apimart/providerHealth.ts';
import { utcPeriods } from '../spend/budgetPeriods.ts';

export type ProviderCallOutcome = 'ok' | 'rate_limited' | 'server_error' | 'client_error' | 'timeout' | 'network' | 'bad_answer' | 'other';

const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

/**
 * The bot's Prometheus metrics. Gauges are read from the database at scrape time (indexed questions about
 * unfinished jobs only), so they are right after a restart; counters and histograms count this process's events.
 */
export function createMetrics(deps: { queries: OperationsQueries; health: ProviderHealth; clock: Clock }) {
  const { queries, health, clock } = deps;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'videobot_' });

  new Gauge({
    name: 'videobot_jobs', help: 'Unfinished jobs by state', labelNames: ['state'] as const, registers,
    async collect() {
      const counts = await queries.unfinishedJobCounts();
      for (const state of queries.unfinishedStatuses) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  new Gauge({
    name: 'videobot_queue_length', help: 'Jobs waiting for a submission slot', registers,
    async collect() { this.set((await queries.unfinishedJobCounts()).get('queued') ?? 0); },
  });
  new Gauge({
    name: 'videobot_running_jobs', help: 'Jobs submitted to the provider and not yet finished', registers,
    async collect() {
      const counts = await queries.unfinishedJobCounts();
      this.set((counts.get('submitting') ?? 0) + (counts.get('submitted') ?? 0) + (counts.get('completed') ?? 0));
    },
  });
  new Gauge({
    name: 'videobot_oldest_active_job_age_seconds', help: 'Age of the oldest queued or running job (0 when none)', registers,
    async collect() {
      const createdAt = await queries.oldestActiveJobCreatedAt();
      this.set(createdAt === null ? 0 : Math.max(0, (clock.now() - createdAt) / 1000));
    },
  });
  new Gauge({
    name: 'videobot_provider_available', help: '1 while the provider account breaker is closed, 0 while it is open', registers,
    collect() { this.set(health.isAvailable() ? 1 : 0); },
  });
  new Gauge({
    name: 'videobot_spend_today_usd', help: 'Ledger total of the current UTC day, every server (reserved + settled)', registers,
    async collect() {
      const { dayStart, dayEnd } = utcPeriods(clock.now());
      this.set(await queries.spendMicrosBetween(dayStart, dayEnd) / 1_000_000);
    },
  });

  const submitSeconds = new Histogram({
    name: 'videobot_provider_submit_seconds', help: 'POST /v1/videos/generations latency by outcome',
    labelNames: ['outcome'] as const, buckets: latencyBuckets, registers,
  });
  const pollSeconds = new Histogram({
    name: 'videobot_provider_poll_seconds', help: 'GET /v1/tasks/{id} latency by outcome',
    labelNames: ['outcome'] as const, buckets: latencyBuckets, registers,
  });
  const ackSeconds = new Histogram({
    name: 'videobot_interaction_ack_seconds', help: 'From receiving an interaction to Discord accepting its first answer',
    buckets: latencyBuckets, registers,
  });
  const deliveries = new Counter({
    name: 'videobot_deliveries_total', help: 'Result deliveries by outcome', labelNames: ['outcome'] as const, registers,
  });
  const discordRateLimits = new Counter({
    name: 'videobot_discord_429_total', help: 'Discord 429 answers seen, by scope', labelNames: ['scope'] as const, registers,
  });
  const discordInvalidRequests = new Counter({
    name: 'videobot_discord_invalid_requests_total',
    help: 'Discord answers that count towards its invalid-request limit (401, 403, and 429 not of shared scope): 10,000 in 10 minutes bans the IP for about an hour',
    labelNames: ['status'] as const, registers,
  });
  const providerRateLimits = new Counter({
    name: 'videobot_provider_429_total', help: 'apimart 429 answers seen', registers,
  });
  const logEvents = new Counter({
    name: 'videobot_log_events_total', help: 'Log events by name and level (warn and error are worth alerting on)',
    labelNames: ['event', 'level'] as const, registers,
  });

  return {
    registry,
    observeSubmit(seconds: number, outcome: ProviderCallOutcome) {
      submitSeconds.observe({ outcome }, seconds);
      if (outcome === 'rate_limited') providerRateLimits.inc();
    },
    observePoll(seconds: number, outcome: ProviderCallOutcome) {
      pollSeconds.observe({ outcome }, seconds);
      if (outcome === 'rate_limited') providerRateLimits.inc();
    },
    observeAck: (seconds: number) => ackSeconds.observe(seconds),
    countDelivery: (outcome: string) => deliveries.inc({ outcome }),
    countDiscord429: (scope: string) => discordRateLimits.inc({ scope }),
    countDiscordInvalid: (status: number) => discordInvalidRequests.inc({ status: String(status) }),
    countLogEvent: (event: string, level: string) => logEvents.inc({ event, level }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
