import { DEFAULT_PERMISSIONS, type FakeRole } from './fakeDiscordState.ts';

export interface FakeGuild {
  id: string;
  name: string;
  channelIds: string[];
  roles: FakeRole[];
  /** The bot's own managed role in this server. */
  botRoleId: string;
}

export interface AddGuildOptions {
  /** A snowflake; its bits 22+ decide the shard (`(id >> 22) % shard_count`). Default: the next id. */
  id?: string;
  name?: string;
  /** Text channels (default 1). */
  channels?: number;
  /** Roles besides @everyone and the bot's own (default 0). */
  roles?: number;
}

/**
 * The servers the bot is in. The first is the fake's original one (its channels and roles are the
 * state's own arrays); more can be added for sharding tests and the scale bench.
 */
export class FakeGuilds {
  private readonly byId = new Map<string, FakeGuild>();
  private readonly channelOwner = new Map<string, FakeGuild>();

  constructor(readonly primary: FakeGuild, private readonly nextId: () => string) {
    this.byId.set(primary.id, primary);
  }

  add(opts: AddGuildOptions = {}): FakeGuild {
    const id = opts.id ?? this.nextId();
    if (this.byId.has(id)) throw new Error(`guild ${id} exists`);
    const botRoleId = this.nextId();
    const guild: FakeGuild = {
      id,
      name: opts.name ?? `Server ${this.byId.size + 1}`,
      channelIds: Array.from({ length: opts.channels ?? 1 }, () => this.nextId()),
      roles: [
        { id, name: '@everyone', permissions: '0', managed: false },
        { id: botRoleId, name: 'videobot', permissions: DEFAULT_PERMISSIONS, managed: true },
        ...Array.from({ length: opts.roles ?? 0 }, (_, i) => ({ id: this.nextId(), name: `role-${i + 1}`, permissions: '0', managed: false })),
      ],
      botRoleId,
    };
    this.byId.set(id, guild);
    for (const channelId of guild.channelIds) this.channelOwner.set(channelId, guild);
    return guild;
  }

  get(id: string | undefined): FakeGuild | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  all(): FakeGuild[] {
    return [...this.byId.values()];
  }

  /** The server a channel belongs to; undefined for DMs and unknown channels. */
  ofChannel(channelId: string): FakeGuild | undefined {
    if (this.primary.channelIds.includes(channelId)) return this.primary;
    return this.channelOwner.get(channelId);
  }
}

/** Discord's routing rule, as the real gateway applies it. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A snowflake that Discord's rule routes to `shard` of `shardCount` (a real-looking timestamp part). */
export function guildIdOnShard(shard: number, shardCount: number, serial = 0): string {
  const base = BigInt(Date.UTC(2024, 0, 1) - 1_420_070_400_000) + BigInt(serial * shardCount);
  const ms = base - (base % BigInt(shardCount)) + BigInt(shard);
  return ((ms << 22n) | BigInt(serial & 0xfff)).toString();
}
