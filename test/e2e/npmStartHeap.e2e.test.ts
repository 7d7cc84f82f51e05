import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { testEnv } from './harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('npm start', () => {
  it('starts the bot with heap flags worked out from its configuration', async () => {
    const discord = await FakeDiscord.start();
    const apimart = await FakeApimart.start();
    const dir = mkdtempSync(join(tmpdir(), 'videobot-npmstart-'));
    stops.push(async () => {
      await discord.stop();
      await apimart.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const env = {
      ...testEnv(discord, apimart, join(dir, 'bot.db')), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir,
      DOTENV_CONFIG_PATH: '/dev/null', LOG_LEVEL: 'info', MAX_CONCURRENT_JOBS: '30000', DISCORD_SHARDS: '1',
    };
    const npm = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => npm.once('exit', resolve));
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => { out += String(chunk); });
    npm.stderr.on('data', (chunk: Buffer) => { out += String(chunk); });
    let botPid: number | undefined;
    stops.push(async () => {
      if (botPid) process.kill(botPid, 'SIGTERM');
      else npm.kill('SIGTERM');
      await exited;
    });
    await discord.waitFor(() => out.includes('"bot_ready"'), 60_000).catch(() => {
      throw new Error(`the bot never got ready:\n${out.slice(-3000)}`);
    });
    const ready = out.split('\n').find((line) => line.includes('"bot_ready"')) as string;
    botPid = (JSON.parse(ready) as { pid: number }).pid;

    const args = readFileSync(`/proc/${botPid}/cmdline`, 'utf8').split('\0');
    expect(args).toEqual(expect.arrayContaining(['--max-semi-space-size=2', '--heap-growing-percent=50']));
    // 30,000 jobs at the provider and one shard: room for them, well above the floor.
    const oldSpace = Number(args.find((a) => a.startsWith('--max-old-space-size='))?.split('=')[1]);
    expect(oldSpace).toBeGreaterThan(256);
  });
});
