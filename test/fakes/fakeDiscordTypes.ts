import type { SessionStartOptions } from './fakeDiscordIdentify.ts';
import type { RateLimitOptions } from './fakeDiscordRateLimits.ts';

// The shapes the fake keeps and records, shared by its REST and gateway halves and by tests.

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Percent-decoded, without the `/api/v10` prefix and without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Parsed JSON, or `payload_json` for multipart bodies. */
  body: unknown;
  files: RecordedFile[];
  at: number;
  /** Status the fake answered; 0 while a `hang` fault holds the request. */
  status: number;
  /** What the fake answered (JSON), undefined for 204 and hangs. */
  responseBody: unknown;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
  width?: number;
  height?: number;
  description?: string;
  title?: string;
  duration_secs?: number;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author_id: string;
  /** Discord message type: 0 default, 19 reply, 20 slash-command response. */
  type: number;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: FakeAttachment[];
  /** emoji (unicode, or `name:id` for custom) -> user ids */
  reactions: Map<string, Set<string>>;
  deleted: boolean;
  nonce?: string;
  flags: number;
  /** Sent through an interaction webhook (original response or followup). */
  webhook?: boolean;
  interactionId?: string;
  ephemeral: boolean;
  timestamp: string;
  edited_timestamp: string | null;
  /** Number of successful edits after creation. */
  edits: number;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string };
}

export interface FakeInteraction {
  id: string;
  token: string;
  /** When Discord sent it, on the fake's clock: the 3-second and 15-minute deadlines count from here. */
  createdAt: number;
  channelId: string;
  guildId: string;
  userId: string;
  attachmentSizeLimit: number;
  acked: boolean;
  callbackType?: number;
  originalId?: string;
  expired: boolean;
  /** 2 application command (default), 3 message component, 4 autocomplete, 5 modal submit. */
  type?: number;
  /** The choices an autocomplete interaction was answered with (callback type 8). */
  choices?: { name: string; value: string | number; name_localizations?: Record<string, string> }[];
  locale?: string;
  /** The message a component interaction came from. */
  messageId?: string;
  /** The modal this interaction was answered with (callback type 9). */
  modal?: { custom_id?: string; title?: string; components?: unknown };
}

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  roles: string[];
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: string;
  managed: boolean;
}

export interface StoredFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface FakeDiscordOptions {
  botToken?: string;
  appId?: string;
  guildId?: string;
  channelIds?: string[];
  ownerId?: string;
  /** The application's owner (default: the server owner), or its team members when `team` is set. */
  applicationOwnerId?: string;
  team?: { id: string; memberIds: string[] };
  roles?: { id: string; permissions: string }[];
  /** Discord's recommended shard count, reported by GET /gateway/bot (default 1). */
  shards?: number;
  /** `session_start_limit.max_concurrency` of GET /gateway/bot (default 1): IDENTIFY buckets per 5 s. */
  maxConcurrency?: number;
  /** The day's session starts (default 1,000 of 1,000). */
  sessionStartLimit?: SessionStartOptions;
  /** Discord's rate limits, on unless a test about something else turns them off with `false`. */
  rateLimits?: boolean | RateLimitOptions;
  /** `bot_public` of GET /applications/@me: anyone may add the bot (default true, as for a new application). */
  botPublic?: boolean;
}
