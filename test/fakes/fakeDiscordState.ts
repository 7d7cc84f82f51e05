import { randomBytes } from 'node:crypto';
import { newChannel, type FakeChannel } from './fakeDiscordChannels.ts';
import { FakeGuilds } from './fakeDiscordGuilds.ts';
import { FakeCdn } from './fakeDiscordCdn.ts';
import { IdentifyLimits } from './fakeDiscordIdentify.ts';
import { FakeRateLimits } from './fakeDiscordRateLimits.ts';
import type {
  FakeDiscordOptions, FakeInteraction, FakeMessage, FakeRole, FakeUser, RecordedRequest, StoredFile, FakeAttachment,
} from './fakeDiscordTypes.ts';

export type {
  FakeAttachment, FakeDiscordOptions, FakeInteraction, FakeMessage, FakeRole, FakeUser, RecordedFile, RecordedRequest, StoredFile,
} from './fakeDiscordTypes.ts';

/** Default permissions Discord reports for a member or the app in a normal guild. */
export const DEFAULT_PERMISSIONS = '2248473465835073';
export const DEFAULT_ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;
/** Message flags the fake interprets. */
export const EPHEMERAL = 64;
export const LOADING = 128;

const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * Discord's time, as the fake measures the deadlines it enforces (an interaction's 3 s and 15 minutes,
 * the identify windows, the rate-limit windows): the wall clock, plus whatever a test moved it on by.
 */
export class FakeClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A 401, 403 or 429 answer: Discord bans an IP that makes 10,000 of them in 10 minutes (topics/rate-limits#invalid-request-limit-aka-cloudflare-bans). */
export interface InvalidRequest { at: number; method: string; path: string; status: number }

/** A Discord API error the fake answers with: `{ message, code }`. */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

/** Everything the fake knows; shared by the REST and gateway halves. */
export class FakeDiscordState {
  /** Replaced when the day's session starts run out: the old one then fails everywhere. */
  botToken: string;
  readonly clock = new FakeClock();
  readonly now = () => this.clock.now();
  readonly identifyLimits: IdentifyLimits;
  /** 401, 403 and 429 answers, except 429s of scope `shared`, which Discord does not count. */
  readonly invalidRequests: InvalidRequest[] = [];
  readonly appId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelIds: string[];
  readonly ownerId: string;
  applicationOwnerId: string;
  team: { id: string; memberIds: string[] } | null;
  readonly botPublic: boolean;
  readonly botRoleId: string;
  readonly roles: FakeRole[];
  /** Every server the bot is in; the first is the one above. */
  readonly guilds: FakeGuilds;
  readonly recommendedShards: number;
  readonly maxConcurrency: number;
  origin = '';
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly commands: { global: unknown[]; guild: Map<string, unknown[]> } = { global: [], guild: new Map() };
  readonly interactions = new Map<string, FakeInteraction>();
  readonly users = new Map<string, FakeUser>();
  /** DM channel id -> recipient user id */
  readonly dmChannels = new Map<string, string>();
  readonly dmFails = new Set<string>();
  readonly files = new Map<string, StoredFile>();
  /** Signs attachment links and says when they expire; its clock is the tests' to move. */
  readonly cdn = new FakeCdn();
  /** `${channelId}:${nonce}` -> message id, for enforce_nonce */
  readonly nonces = new Map<string, string>();
  /** Discord's rate limits; `undefined` only when a test turned them off. */
  readonly rateLimits: FakeRateLimits | undefined;
  /** Every guild channel and thread, the first `channelIds` as text channels. */
  readonly channels = new Map<string, FakeChannel>();
  /** The bot was removed from the guild (GUILD_DELETE without `unavailable`). */
  guildRemoved = false;
  /** The guild's AutoMod keyword rule (block message): matching messages answer 200000. */
  readonly automodKeywords = new Set<string>();
  private lastIdMs = 0n;
  private idCounter = 0n;

  constructor(opts: FakeDiscordOptions = {}) {
    this.botToken = opts.botToken ?? `fake-bot-token.${randomBytes(12).toString('hex')}`;
    const rateLimits = opts.rateLimits ?? true;
    this.rateLimits = rateLimits === false ? undefined : new FakeRateLimits(rateLimits === true ? {} : rateLimits, this.now);
    this.appId = opts.appId ?? '1100000000000000001';
    this.botUserId = this.appId;
    this.guildId = opts.guildId ?? '1200000000000000001';
    this.channelIds = opts.channelIds?.length ? [...opts.channelIds] : ['1300000000000000001'];
    this.ownerId = opts.ownerId ?? '1400000000000000001';
    this.applicationOwnerId = opts.applicationOwnerId ?? this.ownerId;
    this.team = opts.team ?? null;
    this.botPublic = opts.botPublic ?? true;
    this.botRoleId = this.nextId();
    this.roles = [
      { id: this.guildId, name: '@everyone', permissions: '0', managed: false },
      { id: this.botRoleId, name: 'videobot', permissions: DEFAULT_PERMISSIONS, managed: true },
      ...(opts.roles ?? []).map((r, i) => ({ id: r.id, name: `role-${i + 1}`, permissions: r.permissions, managed: false })),
    ];
    this.guilds = new FakeGuilds({ id: this.guildId, name: 'Fake Guild', channelIds: this.channelIds, roles: this.roles, botRoleId: this.botRoleId }, () => this.nextId());
    this.recommendedShards = opts.shards ?? 1;
    this.maxConcurrency = opts.maxConcurrency ?? 1;
    this.identifyLimits = new IdentifyLimits(this.maxConcurrency, opts.sessionStartLimit ?? {}, this.now);
    this.users.set(this.botUserId, { id: this.botUserId, username: 'videobot', globalName: null, bot: true, roles: [this.botRoleId] });
    this.users.set(this.ownerId, { id: this.ownerId, username: 'owner', globalName: 'Owner', bot: false, roles: [] });
    this.channelIds.forEach((id, i) => this.channels.set(id, newChannel(id, { name: i === 0 ? 'general' : `channel-${i + 1}` })));
  }

  /** Real-looking, increasing snowflakes (discord.js derives timestamps from them). */
  nextId(): string {
    const ms = BigInt(Date.now()) - DISCORD_EPOCH_MS;
    if (ms > this.lastIdMs) {
      this.lastIdMs = ms;
      this.idCounter = 0n;
    } else {
      this.idCounter += 1n;
    }
    return ((this.lastIdMs << 22n) | (this.idCounter & 0xfffn)).toString();
  }

  newToken(): string {
    return `fake-interaction-token-${randomBytes(24).toString('base64url')}`;
  }

  /** Remembers a user (and their roles) so member and user routes can answer for them. */
  rememberUser(id: string, patch: { username?: string; globalName?: string | null; roles?: string[] } = {}): FakeUser {
    const known = this.users.get(id);
    const user: FakeUser = {
      id,
      username: patch.username ?? known?.username ?? `user${id.slice(-4)}`,
      globalName: patch.globalName !== undefined ? patch.globalName : (known?.globalName ?? null),
      bot: known?.bot ?? false,
      roles: patch.roles ?? known?.roles ?? [],
    };
    this.users.set(id, user);
    return user;
  }

  isGuildChannel(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  /** The server of a guild channel or thread (the first server for unknown ids, as before servers were many). */
  guildIdOf(channelId: string): string {
    const channel = this.channels.get(channelId);
    const id = channel?.parentId && !this.guilds.ofChannel(channelId) ? channel.parentId : channelId;
    return this.guilds.ofChannel(id)?.id ?? this.guildId;
  }

  /** Whether the bot was removed from the server of this channel (only the first server can be removed). */
  removedFrom(channelId: string): boolean {
    return this.guildRemoved && this.guildIdOf(channelId) === this.guildId;
  }

  storeFile(file: StoredFile & { width?: number; height?: number; sizeOverride?: number }): FakeAttachment {
    const id = this.nextId();
    this.files.set(id, { filename: file.filename, contentType: file.contentType, bytes: file.bytes });
    const url = this.cdn.sign(this.origin, `/attachments/${id}/${encodeURIComponent(file.filename)}`);
    const attachment: FakeAttachment = {
      id,
      filename: file.filename,
      size: file.sizeOverride ?? file.bytes.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
    };
    if (file.width !== undefined) attachment.width = file.width;
    if (file.height !== undefined) attachment.height = file.height;
    return attachment;
  }

  liveMessage(messageId: string | undefined): FakeMessage | undefined {
    const message = messageId === undefined ? undefined : this.messages.get(messageId);
    return message && !message.deleted ? message : undefined;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Discord sets content_type from the file itself; the fake approximates it from the extension. */
export function contentTypeFor(filename: string, declared: string | undefined): string {
  if (declared && declared !== 'application/octet-stream') return declared;
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? declared ?? 'application/octet-stream';
}
