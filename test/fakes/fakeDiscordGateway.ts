import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { guildCreateJson, readyJson } from './fakeDiscordPayloads.ts';
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

/**
 * One gateway session at a time. Dispatches reach only a socket that has identified or resumed;
 * anything dispatched meanwhile stays in the session log and is replayed on RESUME, or re-sequenced
 * into the next session if the bot identifies afresh.
 */
export class FakeGateway {
  identifyCount = 0;
  resumeCount = 0;
  /** Event names dropped because the session's intents do not cover them. */
  readonly droppedEvents: string[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private sessionId: string | null = null;
  private seq = 0;
  private log: LoggedEvent[] = [];
  private pending: { t: string; d: unknown }[] = [];
  private live: WebSocket | null = null;
  private intents = 0;
  private down = false;

  constructor(private readonly state: FakeDiscordState) {}

  get url(): string {
    return `${this.state.origin.replace(/^http/, 'ws')}/gateway`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  dispatch(t: string, d: unknown): void {
    if (this.sessionId === null) {
      this.pending.push({ t, d });
      return;
    }
    const event: LoggedEvent = { s: ++this.seq, t, d, sent: false };
    this.log.push(event);
    if (this.live) this.send(this.live, event);
  }

  /** The session can no longer be resumed (as after a long outage): the next RESUME gets op 9. */
  invalidateSession(): void {
    if (this.sessionId !== null) this.sessionId = `${this.sessionId}-invalidated`;
  }

  close(code: number): void {
    const socket = this.live;
    this.live = null;
    socket?.close(code);
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) {
      this.live = null;
      for (const socket of this.sockets) socket.terminate();
    }
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    if (this.down) {
      // an outage: the TCP connection drops without a close frame (1006), which discord.js resumes from
      ws.terminate();
      return;
    }
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (this.live === ws) this.live = null;
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
        this.onIdentify(ws, payload.d as { token?: string; intents?: number });
        return;
      case 6:
        this.onResume(ws, payload.d as { token?: string; session_id?: string; seq?: number | null });
        return;
      default:
        return;
    }
  }

  private onIdentify(ws: WebSocket, d: { token?: string; intents?: number }): void {
    if (d.token !== this.state.botToken && d.token !== `Bot ${this.state.botToken}`) {
      ws.close(4004);
      return;
    }
    this.identifyCount += 1;
    const undelivered = [...this.log.filter((e) => !e.sent).map(({ t, d: data }) => ({ t, d: data })), ...this.pending];
    this.pending = [];
    this.sessionId = this.state.newToken().slice(-32);
    this.seq = 0;
    this.log = [];
    this.intents = d.intents ?? 0;
    this.live = ws;
    this.dispatch('READY', readyJson(this.state, this.sessionId, this.url));
    if (!this.state.guildRemoved) this.dispatch('GUILD_CREATE', guildCreateJson(this.state));
    for (const event of undelivered) this.dispatch(event.t, event.d);
  }

  private onResume(ws: WebSocket, d: { token?: string; session_id?: string; seq?: number | null }): void {
    if (d.token !== this.state.botToken || d.session_id !== this.sessionId) {
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    this.resumeCount += 1;
    const from = d.seq ?? 0;
    for (const event of this.log) {
      if (event.s > from) this.send(ws, event);
    }
    this.live = ws;
    this.dispatch('RESUMED', {});
  }

  private send(ws: WebSocket, event: LoggedEvent): void {
    const firstSend = !event.sent;
    event.sent = true;
    if (!this.subscribed(event)) {
      if (firstSend) this.droppedEvents.push(event.t);
      return;
    }
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ op: 0, t: event.t, s: event.s, d: event.d }));
    }
  }

  private subscribed(event: LoggedEvent): boolean {
    if (!event.t.startsWith('MESSAGE_REACTION_')) return true;
    const inGuild = typeof (event.d as { guild_id?: unknown }).guild_id === 'string';
    return (this.intents & (inGuild ? INTENT_GUILD_MESSAGE_REACTIONS : INTENT_DIRECT_MESSAGE_REACTIONS)) !== 0;
  }
}
