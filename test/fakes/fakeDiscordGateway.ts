import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { guildCreateJson, readyJson } from './fakeDiscordPayloads.ts';
import { shardOfGuild } from './fakeDiscordGuilds.ts';
import type { FakeDiscordState } from './fakeDiscordState.ts';

const HEARTBEAT_INTERVAL_MS = 41_250;
const INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10;
const INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13;

interface LoggedEvent {
  s: number;
  t: string;
  d: unknown;
  sent: boolean;
}

interface GatewayPayload {
  op: number;
  d?: unknown;
}

/** Discord closes a session whose shard would hold more servers than this (close code 4011). */
const MAX_GUILDS_PER_SHARD = 2_500;

interface Session {
  shard: [number, number];
  sessionId: string;
  seq: number;
  log: LoggedEvent[];
  live: WebSocket | null;
  intents: number;
}

/**
 * One gateway session per shard. Each server's events go to shard `(guild_id >> 22) % shard_count`
 * (DMs and events without a server to shard 0), as the real gateway routes them. Dispatches reach
 * only a socket that has identified or resumed. What is dispatched while a session is disconnected
 * stays in its log and is replayed on RESUME of that session, and only then
 * (https://discord.com/developers/docs/events/gateway#resuming): a fresh IDENTIFY starts a new
 * session from the current state, and events for a shard with no session reach nobody.
 */
export class FakeGateway {
  identifyCount = 0;
  resumeCount = 0;
  /** IDENTIFYs refused with op 9 because their bucket had identified less than 5 s before. */
  identifyRefusals = 0;
  /** Event names dropped because the session's intents do not cover them. */
  readonly droppedEvents: string[] = [];
  /** Event names no session ever delivered: dispatched with no session, or left in a session that was replaced. */
  readonly undeliveredEvents: string[] = [];
  /** Every IDENTIFY's [shard_id, shard_count]. */
  readonly identifiedShards: [number, number][] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly sessions = new Map<number, Session>();
  /** The shard count the bot identified with (Discord routes by the client's count). */
  private shardCount: number;
  private down = false;

  constructor(private readonly state: FakeDiscordState) {
    this.shardCount = state.recommendedShards;
  }

  get url(): string {
    return `${this.state.origin.replace(/^http/, 'ws')}/gateway`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  /** The shard an event goes to under the current shard count. */
  shardOf(d: unknown, t = ''): number {
    // GUILD_CREATE/UPDATE/DELETE carry the server's id as `id`; every other guild event as `guild_id`.
    const data = d as { guild_id?: unknown; id?: unknown } | null;
    const guildId = t.startsWith('GUILD_') && !t.startsWith('GUILD_MEMBER') && !t.startsWith('GUILD_ROLE') && data?.guild_id === undefined ? data?.id : data?.guild_id;
    return typeof guildId === 'string' ? shardOfGuild(guildId, this.shardCount) : 0;
  }

  dispatch(t: string, d: unknown): void {
    const session = this.sessions.get(this.shardOf(d, t));
    if (!session) {
      this.undeliveredEvents.push(t);
      return;
    }
    this.append(session, t, d);
  }

  /** The sessions can no longer be resumed (as after a long outage): the next RESUME gets op 9. */
  invalidateSession(): void {
    for (const session of this.sessions.values()) this.invalidate(session);
  }

  close(code: number): void {
    for (const session of this.sessions.values()) {
      const socket = session.live;
      session.live = null;
      socket?.close(code);
    }
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) {
      for (const session of this.sessions.values()) session.live = null;
      for (const socket of this.sockets) socket.terminate();
    }
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private append(session: Session, t: string, d: unknown): void {
    const event: LoggedEvent = { s: ++session.seq, t, d, sent: false };
    session.log.push(event);
    if (session.live) this.send(session, session.live, event);
  }

  private onConnection(ws: WebSocket): void {
    if (this.down) {
      // an outage: the TCP connection drops without a close frame (1006), which discord.js resumes from
      ws.terminate();
      return;
    }
    this.sockets.add(ws);
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      for (const session of this.sessions.values()) {
        if (session.live !== ws) continue;
        session.live = null;
        // A client closing with 1000 or 1001 ends its session (events/gateway#initiating-a-disconnect).
        if (code === 1000 || code === 1001) this.invalidate(session);
      }
    });
    ws.on('message', (raw) => this.onMessage(ws, raw.toString()));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } }));
  }

  private onMessage(ws: WebSocket, raw: string): void {
    let payload: GatewayPayload;
    try {
      payload = JSON.parse(raw) as GatewayPayload;
    } catch {
      ws.close(4002);
      return;
    }
    switch (payload.op) {
      case 1:
        ws.send(JSON.stringify({ op: 11 }));
        return;
      case 2:
        this.onIdentify(ws, payload.d as { token?: string; intents?: number; shard?: unknown });
        return;
      case 6:
        this.onResume(ws, payload.d as { token?: string; session_id?: string; seq?: number | null });
        return;
      default:
        return;
    }
  }

  private onIdentify(ws: WebSocket, d: { token?: string; intents?: number; shard?: unknown }): void {
    if (d.token !== this.state.botToken && d.token !== `Bot ${this.state.botToken}`) {
      ws.close(4004); // Authentication failed
      return;
    }
    const shard = d.shard === undefined ? [0, 1] : d.shard;
    if (!Array.isArray(shard) || shard.length !== 2 || !shard.every(Number.isInteger) || shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      ws.close(4010); // Invalid shard
      return;
    }
    const [shardId, shardCount] = shard as [number, number];
    const guilds = this.state.guilds.all().filter((g) => shardOfGuild(g.id, shardCount) === shardId);
    if (guilds.length > MAX_GUILDS_PER_SHARD) {
      ws.close(4011); // Sharding required
      return;
    }
    const verdict = this.state.identifyLimits.take(shardId);
    if (verdict === 'too_soon') {
      this.identifyRefusals += 1;
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    if (verdict === 'budget_spent') {
      this.resetToken();
      return;
    }
    this.identifyCount += 1;
    this.identifiedShards.push([shardId, shardCount]);
    this.shardCount = shardCount;
    const previous = this.sessions.get(shardId);
    if (previous) this.undeliveredEvents.push(...previous.log.filter((e) => !e.sent).map((e) => e.t));
    const session: Session = { shard: [shardId, shardCount], sessionId: this.state.newToken().slice(-32), seq: 0, log: [], live: ws, intents: d.intents ?? 0 };
    this.sessions.set(shardId, session);
    this.append(session, 'READY', readyJson(this.state, session.sessionId, this.url, session.shard, guilds.map((g) => g.id)));
    for (const guild of guilds) if (!(this.state.guildRemoved && guild.id === this.state.guildId)) this.append(session, 'GUILD_CREATE', guildCreateJson(this.state, guild));
  }

  /**
   * The day's session starts are spent: Discord terminates every session and resets the bot's token
   * (events/gateway#identifying). The old token then fails on REST (401) and on the gateway (4004).
   */
  private resetToken(): void {
    this.state.botToken = `${this.state.botToken}.reset`;
    for (const session of this.sessions.values()) {
      this.invalidate(session);
      session.live = null;
    }
    for (const socket of this.sockets) socket.close(4004);
  }

  private invalidate(session: Session): void {
    if (!session.sessionId.endsWith('-invalidated')) session.sessionId = `${session.sessionId}-invalidated`;
  }

  private onResume(ws: WebSocket, d: { token?: string; session_id?: string; seq?: number | null }): void {
    const session = [...this.sessions.values()].find((s) => s.sessionId === d.session_id);
    if (d.token !== this.state.botToken || !session) {
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    this.resumeCount += 1;
    const from = d.seq ?? 0;
    for (const event of session.log) {
      if (event.s > from) this.send(session, ws, event);
    }
    session.live = ws;
    this.append(session, 'RESUMED', {});
  }

  private send(session: Session, ws: WebSocket, event: LoggedEvent): void {
    const firstSend = !event.sent;
    event.sent = true;
    if (!this.subscribed(session, event)) {
      if (firstSend) this.droppedEvents.push(event.t);
      return;
    }
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ op: 0, t: event.t, s: event.s, d: event.d }));
    }
  }

  private subscribed(session: Session, event: LoggedEvent): boolean {
    if (!event.t.startsWith('MESSAGE_REACTION_')) return true;
    const inGuild = typeof (event.d as { guild_id?: unknown }).guild_id === 'string';
    return (session.intents & (inGuild ? INTENT_GUILD_MESSAGE_REACTIONS : INTENT_DIRECT_MESSAGE_REACTIONS)) !== 0;
  }
}
