import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fakeDiscord.ts';
import { identify, lastSeq, resume, sessionIdOf, type RawConnection } from './rawGateway.ts';

// The gateway's session rules, as https://discord.com/developers/docs/events/gateway describes them:
// - #resuming: a RESUME of the same session replays the events missed since `seq`, then RESUMED; a
//   new session after IDENTIFY starts from the current state;
// - #initiating-a-disconnect: a client closing with 1000 or 1001 ends its session;
// - #identifying and #rate-limiting: one IDENTIFY per 5 s per `max_concurrency` bucket
//   (`shard_id % max_concurrency`), else Invalid Session (op 9); 1,000 session starts a day, after
//   which every session is terminated and the token reset;
// - #session-start-limit-object: `remaining` counts the IDENTIFYs left, RESUMEs excluded.

const fakes: FakeDiscord[] = [];
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.socket.terminate();
  for (const fake of fakes.splice(0)) await fake.stop();
});

async function startFake(opts: Parameters<typeof FakeDiscord.start>[0] = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start(opts);
  fakes.push(fake);
  return fake;
}

async function ready(fake: FakeDiscord, shard?: [number, number]): Promise<RawConnection> {
  const c = identify(fake, shard);
  connections.push(c);
  await fake.waitFor(() => c.dispatches.some((e) => e.t === 'READY'));
  return c;
}

const interactionIds = (c: RawConnection) => c.dispatches.filter((e) => e.t === 'INTERACTION_CREATE').map((e) => e.d.id);
const gatewayBot = async (fake: FakeDiscord, token = fake.botToken) =>
  fetch(`${fake.apiBase}/v10/gateway/bot`, { headers: { authorization: `Bot ${token}` } });
const remaining = async (fake: FakeDiscord) =>
  ((await (await gatewayBot(fake)).json()) as { session_start_limit: { remaining: number } }).session_start_limit.remaining;

describe('fake gateway sessions', () => {
  it('replays the events a dropped connection missed on RESUME of its session, then RESUMED', async () => {
    const fake = await startFake();
    const first = await ready(fake);
    first.socket.terminate();
    await first.closed;
    const missed = fake.sendCommand({ name: 'video' });
    const resumed = resume(fake, sessionIdOf(first), lastSeq(first));
    connections.push(resumed);
    await fake.waitFor(() => resumed.dispatches.some((e) => e.t === 'RESUMED'));
    expect(resumed.dispatches.map((e) => e.t)).toEqual(['INTERACTION_CREATE', 'RESUMED']);
    expect(interactionIds(resumed)).toEqual([missed.id]);
    expect(fake.resumeCount).toBe(1);
  });

  it('starts a session a fresh IDENTIFY opens from the current state: what the old one missed is never sent', async () => {
    const fake = await startFake();
    const first = await ready(fake);
    first.socket.terminate();
    await first.closed;
    const missed = fake.sendCommand({ name: 'video' });
    fake.advanceTime(5_000);
    const second = await ready(fake);
    const after = fake.sendCommand({ name: 'video' });
    await fake.waitFor(() => interactionIds(second).length > 0);
    expect(interactionIds(second)).toEqual([after.id]);
    expect(interactionIds(second)).not.toContain(missed.id);
    expect(fake.undeliveredEvents).toEqual(['INTERACTION_CREATE']);
    // the old session is gone with it
    const stale = resume(fake, sessionIdOf(first), lastSeq(first));
    connections.push(stale);
    await fake.waitFor(() => stale.ops.some((o) => o.op === 9));
    expect(stale.ops).toContainEqual({ op: 9, d: false });
  });

  it('ends the session of a client that closes with 1000: its RESUME is refused with op 9', async () => {
    const fake = await startFake();
    const first = await ready(fake);
    first.socket.close(1000);
    await first.closed;
    const again = resume(fake, sessionIdOf(first), lastSeq(first));
    connections.push(again);
    await fake.waitFor(() => again.ops.length > 0);
    expect(again.ops).toEqual([{ op: 9, d: false }]);
    expect(fake.resumeCount).toBe(0);
  });
});

describe('fake gateway identify limits', () => {
  it('refuses a second IDENTIFY of the same bucket within 5 s with Invalid Session (op 9); other buckets may identify at once', async () => {
    const fake = await startFake({ shards: 4, maxConcurrency: 2 });
    await ready(fake, [0, 4]);
    await ready(fake, [1, 4]);
    const tooSoon = identify(fake, [2, 4]);
    connections.push(tooSoon);
    await fake.waitFor(() => tooSoon.ops.length > 0);
    expect(tooSoon.ops).toEqual([{ op: 9, d: false }]);
    expect(tooSoon.dispatches).toEqual([]);
    expect(fake.identifyRefusals).toBe(1);
    fake.advanceTime(5_000);
    await ready(fake, [2, 4]);
    expect(fake.identifiedShards).toEqual([[0, 4], [1, 4], [2, 4]]);
  });

  it('counts session starts down with each IDENTIFY, never with a RESUME, and renews them after reset_after', async () => {
    const fake = await startFake({ sessionStartLimit: { total: 1_000, remaining: 3, resetAfterMs: 60_000 } });
    expect(await remaining(fake)).toBe(3);
    const first = await ready(fake);
    expect(await remaining(fake)).toBe(2);
    first.socket.terminate();
    await first.closed;
    const resumed = resume(fake, sessionIdOf(first), lastSeq(first));
    connections.push(resumed);
    await fake.waitFor(() => resumed.dispatches.some((e) => e.t === 'RESUMED'));
    expect(await remaining(fake)).toBe(2);
    expect(fake.sessionStartLimit).toMatchObject({ total: 1_000, remaining: 2, max_concurrency: 1 });
    fake.advanceTime(60_000);
    expect(await remaining(fake)).toBe(1_000);
  });

  it('ends every session and resets the token when an IDENTIFY comes after the day\'s session starts are spent', async () => {
    const fake = await startFake({ shards: 2, maxConcurrency: 2, sessionStartLimit: { total: 1_000, remaining: 1 } });
    const oldToken = fake.botToken;
    const running = await ready(fake, [0, 2]);
    const over = identify(fake, [1, 2]);
    connections.push(over);
    expect(await over.closed).toBe(4004);
    expect(await running.closed).toBe(4004);
    expect(fake.botToken).not.toBe(oldToken);
    expect((await gatewayBot(fake, oldToken)).status).toBe(401);
    const withOld = identify(fake, [0, 2], oldToken);
    connections.push(withOld);
    expect(await withOld.closed).toBe(4004);
    expect(await remaining(fake)).toBe(0);
  });
});
