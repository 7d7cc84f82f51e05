import type { Logger } from '../../logger.ts';
import type { Clock } from '../../clock.ts';
import { DiscordCode, discordErrorCode, type DiscordMessenger } from '../discord/discordMessenger.ts';

export interface ReactionWrite { channelId: string; messageId: string; emoji: string; add: boolean; jobId: number }

/** After the bot was refused reactions in a channel, it does not try there again for this long. */
const refusedForMs = 10 * 60_000;
/**
 * Discord's reaction routes allow one write per 250 ms per channel. The first answer on a route tells
 * discord.js its bucket, and the next request goes to a fresh queue that does not know the first one
 * used it: without a pause it lands inside the window and draws a 429. The reset, and some slack.
 */
const firstBucketResetMs = 350;
/** discord.js forgets a bucket after a day unused; an hour keeps the memory small, and relearning costs one pause. */
const bucketKnownForMs = 60 * 60_000;
const refusingCodes: readonly number[] = [DiscordCode.missingPermissions, DiscordCode.missingAccess];
const channelGoneCodes: readonly number[] = [DiscordCode.unknownChannel];
/** The most refusing channels, and deleted messages, remembered; beyond it the oldest is forgotten (one more try). */
const rememberedAtMost = 10_000;

/**
 * Discord allows about four reaction writes a second per channel. Each channel gets its own queue, run
 * outside the delivery and status-edit slots and awaited by neither, so a busy channel delays only its
 * own reactions. A channel that refused a reaction (no permission, a private thread the bot is not in,
 * gone) gets no more attempts for a while, and a deleted message none at all.
 */
export function createReactionQueue(deps: { messenger: DiscordMessenger; logger: Logger; clock: Clock }) {
  const { messenger, logger, clock } = deps;
  const tails = new Map<string, Promise<void>>();
  const refusedUntil = new Map<string, number>();
  const deletedMessages = new Set<string>();
  const refuseIn = (channelId: string, until: number) => {
    refusedUntil.delete(channelId);
    refusedUntil.set(channelId, until);
    if (refusedUntil.size > rememberedAtMost) refusedUntil.delete(refusedUntil.keys().next().value as string);
  };
  const deleted = (messageId: string) => {
    deletedMessages.add(messageId);
    if (deletedMessages.size > rememberedAtMost) deletedMessages.delete(deletedMessages.values().next().value as string);
  };
  /**
   * Per route and channel, in order of last use: when the first write's answer came (the next write waits
   * out that bucket) and when the route was last written (discord.js may forget a bucket unused long).
   */
  const buckets = new Map<string, { firstAnswerAt: number; lastUsedAt: number }>();
  const knownBucket = (route: string) => {
    const known = buckets.get(route);
    return known && clock.now() - known.lastUsedAt < bucketKnownForMs ? known : undefined;
  };
  function written(route: string): void {
    const now = clock.now();
    const known = knownBucket(route);
    buckets.delete(route);
    buckets.set(route, { firstAnswerAt: known?.firstAnswerAt ?? now, lastUsedAt: now });
    for (const [oldRoute, { lastUsedAt }] of buckets) {
      if (now - lastUsedAt < bucketKnownForMs) break;
      buckets.delete(oldRoute);
    }
  }

  const refuses = (channelId: string) => (refusedUntil.get(channelId) ?? 0) > clock.now();

  /** Waits, before the second write on a route in a channel, until the bucket the first one used has reset. */
  async function pastFirstBucket(route: string): Promise<void> {
    const known = knownBucket(route);
    const waitMs = known ? known.firstAnswerAt + firstBucketResetMs - clock.now() : 0;
    if (waitMs > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, waitMs));
  }

  async function run(write: ReactionWrite, onRefused?: (code: number) => Promise<void>): Promise<void> {
    if (refuses(write.channelId) || deletedMessages.has(write.messageId)) return;
    const route = `${write.add ? 'add' : 'remove'} ${write.channelId}`;
    try {
      await pastFirstBucket(route);
      if (write.add) await messenger.react(write.channelId, write.messageId, write.emoji);
      else await messenger.unreact(write.channelId, write.messageId, write.emoji);
      written(route);
    } catch (err) {
      const code = discordErrorCode(err);
      logger.info('reaction_controls_unavailable', { jobId: write.jobId, code });
      if (code === DiscordCode.unknownMessage) deleted(write.messageId);
      else if (code !== undefined && channelGoneCodes.includes(code)) refuseIn(write.channelId, Number.POSITIVE_INFINITY);
      else if (code !== undefined && refusingCodes.includes(code)) {
        refuseIn(write.channelId, clock.now() + refusedForMs);
        await onRefused?.(code);
      }
    }
  }

  function enqueue(channelId: string, step: () => Promise<void>): void {
    const next = (tails.get(channelId) ?? Promise.resolve()).then(step).catch((err: unknown) => logger.warn('reaction_queue_failed', { err }));
    tails.set(channelId, next);
    void next.then(() => {
      if (tails.get(channelId) === next) tails.delete(channelId);
    });
  }

  return {
    /** Queues the writes for one message in order; `onRefused` runs once if the channel refuses them. */
    push(writes: readonly ReactionWrite[], onRefused?: (code: number) => Promise<void>): void {
      if (writes.length === 0) return;
      const first = writes[0] as ReactionWrite;
      if (refuses(first.channelId)) {
        if (onRefused) enqueue(first.channelId, () => onRefused(DiscordCode.missingPermissions));
        return;
      }
      let refused = false;
      for (const write of writes) {
        enqueue(write.channelId, () => run(write, async (code) => {
          if (refused) return;
          refused = true;
          await onRefused?.(code);
        }));
      }
    },
    /** Whether reactions are known not to work in this channel right now. */
    refuses,
    /** The channel is gone (deleted, or the bot left its server): drop what is queued there and add nothing more. */
    channelGone(channelId: string): void {
      refuseIn(channelId, Number.POSITIVE_INFINITY);
    },
    /** Resolves once every queued write has been tried (tests, shutdown). */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.allSettled([...tails.values()]);
    },
  };
}

export type ReactionQueue = ReturnType<typeof createReactionQueue>;
