import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { FakeApimart, type FakeRequest } from '../fakes/fakeApimart.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { BotProcess } from './botProcess.ts';
import { expectFewInvalidRequests, isCallback, isResultPost, jobRows, startHarness, testEnv, videoOptions, type Harness } from './harness.ts';

const cleanups: (() => Promise<void> | void)[] = [];
let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  await h?.stop();
  h = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Shaped like the real thing (a Discord token has dots, an apimart key starts with sk-), unique per run. */
const secrets = () => ({
  botToken: `MTEwMDAwMDAwMDAwMDAwMDAwMQ.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`,
  apiKey: `sk-${randomBytes(24).toString('hex')}`,
});

const users = { owner: '1500000000000000031', other: '1500000000000000032', failing: '1500000000000000033', noPerms: '1500000000000000034', blocked: '1500000000000000035', unpaid: '1500000000000000036' };
const missingPermissions = { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
const channelPost = { method: 'POST', path: /^\/channels\/\d+\/messages$/ };

/** Everything the bot put on the wire to Discord, except the one header that must carry the bot token. */
function sentToDiscord(r: RecordedRequest): string {
  const { authorization: _auth, ...headers } = r.headers;
  const files = r.files.map((f) => `${f.filename} ${f.contentType} ${f.bytes.toString('latin1')}`);
  return JSON.stringify({ method: r.method, path: r.path, query: r.query.toString(), headers, body: r.body, files });
}
const sentToApimart = (r: FakeRequest) => JSON.stringify({ method: r.method, path: r.path, query: r.query.toString(), headers: r.headers, body: r.body });

function expectNoLeaks(o: { output: readonly string[]; discord: FakeDiscord; apimart: FakeApimart; interactionTokens: readonly string[] }): void {
  const { botToken } = o.discord;
  const { apiKey } = o.apimart;
  const output = o.output.join('\n');
  expect(output.length).toBeGreaterThan(0);
  for (const secret of [botToken, apiKey, ...o.interactionTokens]) expect(output).not.toContain(secret);
  // the redaction is of the whole secret, not of a telling part of it
  expect(output).not.toContain(botToken.split('.')[2]);
  expect(output).not.toContain(apiKey.slice(3, 27));

  expect(o.discord.requests.length).toBeGreaterThan(0);
  for (const r of o.discord.requests) {
    const wire = sentToDiscord(r);
    expect(wire).not.toContain(botToken);
    expect(wire).not.toContain(apiKey);
    expect([undefined, `Bot ${botToken}`]).toContain(r.headers.authorization);
  }
  expect(o.apimart.requests.length).toBeGreaterThan(0);
  for (const r of o.apimart.requests) {
    const wire = sentToApimart(r);
    expect(wire).not.toContain(botToken);
    for (const token of o.interactionTokens) expect(wire).not.toContain(token);
    if (r.path.startsWith('/v1/')) expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
    else expect(r.headers.authorization).toBeUndefined();
  }
}

const providerRejectsKey = (apiKey: string) => ({
  status: 401,
  body: { error: { code: 401, message: `Incorrect API key provided: ${apiKey}. Authorization: Bearer ${apiKey}`, type: 'authentication_error' } },
});

describe('secrets at LOG_LEVEL=debug', () => {
  it('keeps the bot token and the API key out of the logs and out of every request to the other service', async () => {
    const s = secrets();
    // Within the default allowance: the result post refused on purpose (403), and the bot's reaction writes,
    // which may meet the reaction limit (429). Another member's refused 🔁 is left in place without Manage Messages.
    h = await startHarness({ discord: await FakeDiscord.start({ botToken: s.botToken }), apimart: await FakeApimart.start({ apiKey: s.apiKey }), ownsFakes: true });
    const { discord, apimart, db } = h;
    expect(h.config.logLevel).toBe('debug');
    const tokens: string[] = [];
    const command = (userId: string, extra: { appPermissions?: string } = {}) => {
      const sent = discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId, ...extra });
      tokens.push(sent.token);
      return sent;
    };
    const status = (n: number) => jobRows(db)[n]?.status;

    // a delivered job, a 5xx on one of its status edits (an error whose URL holds the interaction token)
    discord.failNext({ method: 'PATCH', path: /@original$/ }, { status: 500, times: 4 });
    command(users.owner);
    await discord.waitFor(() => status(0) === 'delivered', 10_000);
    const resultId = jobRows(db)[0]!.result_message_id!;
    // reactions: someone else's 🔁 is refused, their 📩 gets a DM
    discord.sendReaction({ userId: users.other, messageId: resultId, emoji: '🔁' });
    discord.sendReaction({ userId: users.other, messageId: resultId, emoji: '📩' });
    await discord.waitFor(() => h!.logLines.some((l) => l.includes('reaction_refused')) && discord.requests.some((r) => r.path === '/users/@me/channels'), 10_000);

    // a task the provider fails, with an error text that echoes the key
    apimart.setTaskPlan('next', { outcome: 'failed', pollsUntilComplete: 1, error: { code: 500, message: `upstream refused key ${s.apiKey}`, type: 'server_error' } });
    command(users.failing);
    await discord.waitFor(() => status(1) === 'failed', 10_000);

    // the channel refuses the upload (50013): the result goes by DM
    discord.failNext(channelPost, missingPermissions);
    command(users.blocked);
    await discord.waitFor(() => status(2) === 'delivered', 10_000);

    // a command rejected before anything is reserved
    const rejected = command(users.noPerms, { appPermissions: '0' });
    await discord.waitForRequest(isCallback(rejected.id));

    // the provider refuses the key (401) and repeats it in its answer
    apimart.scriptSubmit(providerRejectsKey(s.apiKey));
    command(users.unpaid);
    await discord.waitFor(() => status(3) === 'failed', 10_000);
    await discord.waitFor(() => h!.logLines.some((l) => l.includes('provider_available_again')), 10_000);

    expect(jobRows(db).map((j) => j.status)).toEqual(['delivered', 'failed', 'delivered', 'failed']);
    // debug level logs errors with their stacks: the riskiest lines are there
    expect(h.logLines.some((l) => l.includes('status_edit_failed') && l.includes('"stack"'))).toBe(true);
    expect(h.logLines.some((l) => l.includes('provider_unavailable') && l.includes('"stack"'))).toBe(true);
    // the provider did echo the key, so the lines above were scrubbed rather than clean by luck
    expect(h.logLines.filter((l) => l.includes('[redacted]')).map((l) => JSON.parse(l).event)).toEqual(expect.arrayContaining(['job_failed', 'provider_unavailable']));
    expectNoLeaks({ output: h.logLines, discord, apimart, interactionTokens: tokens });
  });

  it('keeps them out of the stdout and stderr of the bot run as a process', async () => {
    const s = secrets();
    const discord = await FakeDiscord.start({ botToken: s.botToken });
    const apimart = await FakeApimart.start({ apiKey: s.apiKey });
    const dir = mkdtempSync(join(tmpdir(), 'videobot-secrets-'));
    // One 403 is provoked on purpose: the result post refused for missing permissions.
    cleanups.push(() => expectFewInvalidRequests(discord), () => rmSync(dir, { recursive: true, force: true }), () => apimart.stop(), () => discord.stop());
    const dbPath = join(dir, 'bot.db');
    const env: Record<string, string> = { ...testEnv(discord, apimart, dbPath), LOG_LEVEL: 'debug' };
    const bot = BotProcess.start(env);
    cleanups.push(() => bot.kill());
    await bot.waitForEvent('bot_ready');
    const statuses = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT status FROM jobs ORDER BY id').pluck().all() as string[];
      } finally {
        db.close();
      }
    };

    const tokens: string[] = [];
    discord.failNext(channelPost, missingPermissions);
    tokens.push(discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId: users.owner }).token);
    await discord.waitFor(() => statuses()[0] === 'delivered', 15_000);
    apimart.scriptSubmit(providerRejectsKey(s.apiKey));
    tokens.push(discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId: users.unpaid }).token);
    await discord.waitFor(() => statuses()[1] === 'failed', 15_000);
    const rejected = discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }), userId: users.noPerms, appPermissions: '0' });
    tokens.push(rejected.token);
    await discord.waitForRequest(isCallback(rejected.id));
    await bot.waitForEvent('provider_unavailable');

    expect(discord.requests.filter(isResultPost).map((r) => r.status)).toEqual([403, 200]);
    expect(bot.events().some((e) => e.event === 'provider_unavailable' && JSON.stringify(e).includes('"stack"'))).toBe(true);
    expectNoLeaks({ output: bot.output, discord, apimart, interactionTokens: tokens });
    expect(validateRecordedRequests(discord.requests)).toEqual([]);
  });
});
