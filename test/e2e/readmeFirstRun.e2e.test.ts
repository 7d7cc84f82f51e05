import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { DEFAULT_USER_ID, FakeDiscord } from '../fakes/fakeDiscord.ts';
import { BotProcess } from './botProcess.ts';
import { buttonIds, embedOf } from './buttonsHelpers.ts';
import { isCallback, isResultPost, videoOptions } from './harness.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What a fresh clone does not hold: git's own files, what `npm ci` and the bot make, a developer's own `.env`. */
const notInClone = new Set(['.git', 'node_modules', 'data', '.env']);

/**
 * A fresh copy of the project (its node_modules linked, as `npm ci` left them), and a HOME of its own, so
 * nothing of this machine's npm or shell setup reaches the bot.
 */
function freshCheckout(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-readme-'));
  const home = mkdtempSync(join(tmpdir(), 'videobot-home-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(home, { recursive: true, force: true }));
  for (const entry of readdirSync(projectRoot)) {
    if (!notInClone.has(entry)) cpSync(join(projectRoot, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // Tests never touch the network: npm's weekly update check would.
  writeFileSync(join(home, '.npmrc'), 'update-notifier=false\n');
  return { dir, env: { PATH: process.env.PATH ?? '', HOME: home } };
}

/** `cp .env.example .env`, then each named line filled in, as README says; every other line stays as shipped. */
function copyEnvExample(dir: string, values: Record<string, string>): void {
  copyFileSync(join(dir, '.env.example'), join(dir, '.env'));
  let text = readFileSync(join(dir, '.env'), 'utf8');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    expect(text.match(new RegExp(line, 'gm')), `.env.example has one ${name}= line`).toHaveLength(1);
    text = text.replace(line, `${name}=${value}`);
  }
  writeFileSync(join(dir, '.env'), text);
}

function npmStart(dir: string, env: Record<string, string>): BotProcess {
  const bot = BotProcess.npmStart(dir, env);
  cleanups.push(() => bot.kill());
  return bot;
}

function groupIsGone(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

// npm, its shell, tsx and the bot start one after another: far more than an in-process bot's start-up.
const processTimeout = { timeout: 120_000 };

describe('README\'s first run, followed literally', () => {
  it('cp .env.example .env, the two secrets and the fakes\' URLs, npm start: the bot connects and delivers a /video, and stops on SIGTERM', processTimeout, async () => {
    const discord = await FakeDiscord.start({ botPublic: true });
    const apimart = await FakeApimart.start();
    cleanups.push(() => apimart.stop(), () => discord.stop());
    const { dir, env } = freshCheckout();
    copyEnvExample(dir, {
      DISCORD_TOKEN: discord.botToken, APIMART_API_KEY: apimart.apiKey,
      DISCORD_API_URL: discord.apiBase, APIMART_BASE_URL: apimart.baseUrl,
    });
    const bot = npmStart(dir, env);
    await bot.waitForEvent('bot_ready', 60_000);
    const ready = bot.events().find((e) => e.event === 'bot_ready')!;
    expect(ready).toMatchObject({ servers: 1, inviteUrl: expect.stringContaining(`client_id=${discord.appId}&`) });
    // .env.example ships a bot-wide cap; the application is public and ALLOWED_GUILD_IDS blank, which is worth a warning.
    const warned = bot.events().filter((e) => e.event === 'config_warning').map((e) => e.problem);
    expect(warned).toContain('any_server_may_use_bot');
    expect(warned).not.toContain('no_bot_daily_budget');

    // The provider finishes at the bot's first status poll, so the shipped poll bounds need not wait long.
    apimart.setTaskPlan('next', { pollsUntilComplete: 1 });
    const command = discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a fox in the snow', duration: 8 }) });
    await discord.waitForRequest(isCallback(command.id), 20_000);
    // The card is the public reply to the command itself, not a deferral.
    const card = [...discord.messages.values()].find((m) => m.interactionId === command.id)!;
    expect(card.ephemeral).toBe(false);
    expect(embedOf(card)?.description).toBe('a fox in the snow');
    // A job estimated at CONFIRM_ABOVE_USD or more waits for Start, as README's first run says.
    const start = buttonIds(card).find((id) => id.endsWith(':start'));
    if (start) discord.clickButton(card.id, start, DEFAULT_USER_ID);
    const jobs = () => {
      const db = new Database(join(dir, 'data', 'bot.db'), { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT id, status FROM jobs').all() as { id: number; status: string }[];
      } finally {
        db.close();
      }
    };

    const result = await discord.waitForRequest(isResultPost, 30_000);
    expect(result.files.map((f) => f.contentType)).toEqual(['video/mp4']);
    await discord.waitFor(() => jobs()[0]?.status === 'delivered', 10_000);
    expect(apimart.submits()).toHaveLength(1);

    // systemd stops a service with SIGTERM to each of its processes (npm, the shell, tsx and the bot).
    bot.signalGroup('SIGTERM');
    const pid = bot.child.pid!;
    await discord.waitFor(() => groupIsGone(pid), 15_000);
    expect(bot.events().map((e) => e.event)).toContain('bot_stopping');
    expect(bot.output.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(validateRecordedRequests(discord.requests)).toEqual([]);
  });

  it('refuses an old .env that still sets SHARDS, with one line naming DISCORD_SHARDS and no stack', processTimeout, async () => {
    const { dir, env } = freshCheckout();
    copyEnvExample(dir, { DISCORD_TOKEN: 'a-token', APIMART_API_KEY: 'a-key' });
    writeFileSync(join(dir, '.env'), `${readFileSync(join(dir, '.env'), 'utf8')}\nSHARDS=auto\n`);
    const bot = npmStart(dir, env);
    // EX_CONFIG, which deploy/video-bot.service does not restart: a wrong setting stays wrong.
    expect(await bot.exitCode()).toBe(78);
    expect(bot.output.filter((line) => line.includes('DISCORD_SHARDS'))).toEqual([
      '  - SHARDS: is discord.js\'s own variable, set only for the processes its ShardingManager starts; remove it and set DISCORD_SHARDS instead',
    ]);
    expect(bot.output.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(bot.output.join('\n')).not.toContain('a-token');
  });
});
