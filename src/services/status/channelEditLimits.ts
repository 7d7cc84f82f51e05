/**
 * After 14 minutes a job's interaction token is no longer trusted, and its status is edited with the
 * bot token on the channel's message route, whose bucket Discord announces as five edits per five
 * seconds per channel. Each channel's edits are held within it here, so a busy channel's late cards
 * wait in the bot's queue of job ids (each shows the latest state when its turn comes) rather than as
 * stale requests inside the REST client. Keyed by route in a channel: a new card (a message post) has a
 * bucket of its own, and does not wait behind the channel's edits.
 */
export function createChannelEditLimits(now: () => number, opts: { perWindow?: number; windowMs?: number } = {}) {
  const perWindow = opts.perWindow ?? 5;
  const windowMs = opts.windowMs ?? 5_000;
  const recent = new Map<string, number[]>();

  const live = (channelId: string, t: number): number[] => {
    const times = (recent.get(channelId) ?? []).filter((at) => t - at < windowMs);
    if (times.length === 0) recent.delete(channelId);
    else recent.set(channelId, times);
    return times;
  };

  return {
    /** How long until this channel takes another edit; 0 when it does now. */
    waitMs(channelId: string): number {
      const t = now();
      const times = live(channelId, t);
      return times.length < perWindow ? 0 : (times[0] as number) + windowMs - t;
    },
    take(channelId: string): void {
      const t = now();
      recent.set(channelId, [...live(channelId, t), t]);
    },
  };
}

export type ChannelEditLimits = ReturnType<typeof createChannelEditLimits>;
