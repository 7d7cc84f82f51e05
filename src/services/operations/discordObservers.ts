import { Events, RESTEvents, type Client, type REST } from 'discord.js';
import type { Logger } from '../../logger.ts';
import type { Metrics } from './metrics.ts';

const INTERACTION_CALLBACK = /\/interactions\/(\d+)\/[^/]+\/callback/;
// Discord drops an interaction that is not answered within 3 s; older arrivals are forgotten.
const forgetAfterMs = 15_000;

/**
 * Discord bans the IP of a bot that makes 10,000 invalid requests in 10 minutes: every 401 and 403, and
 * every 429 but those of `shared` scope (topics/rate-limits#invalid-request-limit-aka-cloudflare-bans).
 * Counted per answer from the REST client's own `response` event, for every REST client the bot uses;
 * discord.js's `invalidRequestWarning` (every `invalidRequestWarningInterval` of them) is logged.
 */
export function countInvalidRequests(rest: REST, metrics: Metrics, logger: Logger): void {
  rest.on(RESTEvents.Response, (_request, response) => {
    const { status } = response;
    const shared = status === 429 && response.headers.get('x-ratelimit-scope') === 'shared';
    if ((status === 401 || status === 403 || status === 429) && !shared) metrics.countDiscordInvalid(status);
  });
  rest.on(RESTEvents.InvalidRequestWarning, ({ count, remainingTime }) => {
    logger.warn('discord_invalid_requests', { count, windowEndsInMs: remainingTime, limit: '10,000 in 10 minutes bans the IP' });
  });
}

/**
 * Feeds the metrics from discord.js's own events: when each interaction arrived and when Discord accepted
 * its first answer (the acknowledgement latency members feel), and every 429 Discord answered. Also follows
 * each shard's gateway connection, since client.ws.status does not leave Ready when a shard drops.
 * `rests`: every REST client the bot answers through (a `/video`'s card goes through the interaction client).
 */
export function observeDiscord(client: Client, metrics: Metrics, nowMs: () => number = Date.now, rests: readonly REST[] = [client.rest]) {
  const shardUp = new Map<number, boolean>();
  client.on(Events.ShardReady, (shardId) => shardUp.set(shardId, true));
  client.on(Events.ShardResume, (shardId) => shardUp.set(shardId, true));
  client.on(Events.ShardDisconnect, (_event, shardId) => shardUp.set(shardId, false));
  client.on(Events.ShardReconnecting, (shardId) => shardUp.set(shardId, false));
  client.on(Events.ShardError, (_error, shardId) => shardUp.set(shardId, false));

  const arrivedAt = new Map<string, number>();
  client.on(Events.InteractionCreate, (interaction) => {
    const now = nowMs();
    arrivedAt.set(interaction.id, now);
    if (arrivedAt.size > 1_000) {
      // Oldest first (insertion order): stop at the first one still remembered, or a burst of thousands
      // walks the whole map on every command.
      for (const [id, at] of arrivedAt) {
        if (now - at <= forgetAfterMs) break;
        arrivedAt.delete(id);
      }
    }
  });
  const observeAnswer = (request: { path: string }, response: { status: number; headers: { get(name: string): string | null } }) => {
    if (response.status === 429) {
      metrics.countDiscord429(response.headers.get('x-ratelimit-global') === 'true' ? 'global' : 'route');
    }
    const interactionId = INTERACTION_CALLBACK.exec(request.path)?.[1];
    if (interactionId === undefined) return;
    const at = arrivedAt.get(interactionId);
    if (at === undefined) return;
    arrivedAt.delete(interactionId);
    if (response.status < 300) metrics.observeAck((nowMs() - at) / 1000);
  };
  for (const rest of rests) rest.on(RESTEvents.Response, observeAnswer);
  return {
    isGatewayConnected: () => shardUp.size > 0 && [...shardUp.values()].every(Boolean),
  };
}
