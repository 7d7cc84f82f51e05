import { Client, DefaultRestOptions, GatewayIntentBits, Partials, REST, type ClientOptions, type RESTOptions } from 'discord.js';
import type { Config } from './config.ts';
import { createEditPace } from './services/status/editPace.ts';
import { boundedCache, boundedCacheSweepers } from './sharding/clientCache.ts';
import { initialShardPlan } from './sharding/resolveShards.ts';
import { Agent } from 'undici';

/** discord.js warns after every this many invalid requests in its 10-minute window (logged as discord_invalid_requests). */
const invalidRequestWarningEvery = 500;
/** Not a limit Discord sets: the interaction routes' own pace is the status edits' (editPace.ts). */
const interactionRoutesPerSecond = 1_000_000;
/**
 * Kept-alive connections for the interaction client, for first answers and for edits each. Without a
 * cap, a burst of a thousand deferrals opens a thousand connections (TLS handshakes, against Discord),
 * and in the bench the connecting cost a fifth of the CPU per acknowledged command; 64 at Discord's
 * usual 50–100 ms still carry 600+ a second. First answers have their own: behind a crowd's cards
 * they would wait past Discord's 3 s.
 */
const interactionConnections = 64;
const isInteractionCallback = (url: string) => url.endsWith('/callback') || url.includes('/callback?');
/** Discord's global limit for a bot token, whatever the number of processes and hosts using it. */
const globalRequestsPerSecondPerToken = 50;

/** Each process's share of the token's global limit: every process of every host counts against the same one. */
export const globalShareOf = (config: Pick<Config, 'shardProcesses' | 'hostCount'>) =>
  Math.max(1, Math.floor(globalRequestsPerSecondPerToken / (config.shardProcesses * config.hostCount)));

/**
 * The gateway client (with the bot token's REST client), and a REST client of its own for what goes
 * through an interaction's token: Discord limits those routes per token and exempts them from the
 * global 50 a second, which @discordjs/rest would otherwise count them against. That client carries no
 * bot token; each of its 429s halves the status edits' pace, and a shared one holds them. The 429s are
 * read from the answers themselves: @discordjs/rest's RateLimited event only tells of its own waits
 * before a request, never of a 429 Discord sent.
 */
export function createDiscordClients(config: Config, now: () => number, clientOptions?: Partial<ClientOptions>) {
  const shardPlan = initialShardPlan(config);
  const client = new Client({
    shards: [...shardPlan.shardIds],
    shardCount: shardPlan.shardCount,
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    makeCache: boundedCache(),
    sweepers: boundedCacheSweepers(),
    // Channel: an interaction from a channel the bot does not cache (a private thread it is not in)
    // still tells what kind of channel it is, which decides the permissions that count there.
    // Reactions are read from the gateway's payload (app.ts), so discord.js builds no partial messages for them.
    partials: [Partials.User, Partials.Channel],
    ...clientOptions,
    rest: {
      api: config.discordApiUrl, invalidRequestWarningInterval: invalidRequestWarningEvery, globalRequestsPerSecond: globalShareOf(config),
      ...clientOptions?.rest,
    },
  });
  const editPace = createEditPace(now);
  const send = clientOptions?.rest?.makeRequest ?? DefaultRestOptions.makeRequest;
  const firstAnswers = new Agent({ connections: interactionConnections });
  const edits = new Agent({ connections: interactionConnections });
  const makeRequest: RESTOptions['makeRequest'] = async (url, init) => {
    const answer = await send(url, { ...init, dispatcher: isInteractionCallback(url) ? firstAnswers : edits });
    if (answer.status === 429) {
      const retryAfterSec = Number(answer.headers.get('Retry-After') ?? answer.headers.get('X-RateLimit-Reset-After') ?? 1);
      editPace.limited({ retryAfterMs: (Number.isFinite(retryAfterSec) ? retryAfterSec : 1) * 1000, scope: answer.headers.get('X-RateLimit-Scope') ?? 'user' });
    }
    return answer;
  };
  const interactionRest = new REST({
    invalidRequestWarningInterval: invalidRequestWarningEvery, ...clientOptions?.rest,
    api: config.discordApiUrl, globalRequestsPerSecond: interactionRoutesPerSecond, makeRequest,
  });
  return { client, interactionRest, editPace };
}
