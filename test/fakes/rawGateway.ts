import { WebSocket } from 'ws';
import type { FakeDiscord } from './fakeDiscord.ts';

export interface RawDispatch {
  t: string;
  s: number;
  d: { guild_id?: string; guilds?: { id: string }[]; shard?: number[]; id?: string; session_id?: string };
}

/** A bare gateway connection, for the fake's own tests: what it sends, and what the fake answers. */
export interface RawConnection {
  dispatches: RawDispatch[];
  /** Other opcodes the fake sent after HELLO (9 Invalid Session, 11 heartbeat ACK). */
  ops: { op: number; d: unknown }[];
  closed: Promise<number>;
  socket: WebSocket;
}

function connect(fake: FakeDiscord, onHello: (ws: WebSocket) => void): RawConnection {
  const ws = new WebSocket(`${fake.apiBase.replace(/^http/, 'ws').replace(/\/api$/, '')}/gateway`);
  const connection: RawConnection = { dispatches: [], ops: [], closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))), socket: ws };
  ws.on('message', (raw) => {
    const payload = JSON.parse(raw.toString()) as { op: number; t: string; s: number; d: RawDispatch['d'] };
    if (payload.op === 10) onHello(ws);
    else if (payload.op === 0) connection.dispatches.push({ t: payload.t, s: payload.s, d: payload.d });
    else connection.ops.push({ op: payload.op, d: payload.d });
  });
  return connection;
}

/** Connects and IDENTIFYs (with `shard` when given), as a bot starting a session does. */
export function identify(fake: FakeDiscord, shard?: [number, number], token = fake.botToken): RawConnection {
  return connect(fake, (ws) => ws.send(JSON.stringify({
    op: 2, d: { token, intents: 1 | (1 << 10), properties: {}, ...(shard ? { shard } : {}) },
  })));
}

/** Connects and RESUMEs a session from sequence `seq`, as a bot does after a dropped connection. */
export function resume(fake: FakeDiscord, sessionId: string, seq: number): RawConnection {
  return connect(fake, (ws) => ws.send(JSON.stringify({ op: 6, d: { token: fake.botToken, session_id: sessionId, seq } })));
}

export const sessionIdOf = (c: RawConnection): string => c.dispatches.find((e) => e.t === 'READY')?.d.session_id ?? '';
export const lastSeq = (c: RawConnection): number => c.dispatches.at(-1)?.s ?? 0;
