import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

const root = new URL('../..', import.meta.url).pathname;
let h: Harness | undefined;
let fakes: { discord: FakeDiscord; apimart: FakeApimart } | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
  await fakes?.discord.stop();
  await fakes?.apimart.stop();
  fakes = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-backup-'));
  dirs.push(dir);
  return dir;
};

/** `npm run backup <path>` as an operator runs it: its own process, only DATABASE_PATH set. */
function runBackupScript(databasePath: string, destination: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/backup.ts', destination], {
    cwd: root, encoding: 'utf8', timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: databasePath, DOTENV_CONFIG_PATH: '/dev/null' },
  });
}

describe('npm run backup', () => {
  it('copies the database while the bot runs, and a bot started on the copy resumes and delivers the job once', async () => {
    fakes = { discord: await FakeDiscord.start(), apimart: await FakeApimart.start() };
    h = await startHarness({ ...fakes, dir: tempDir() });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'submitted', 10_000);

    const backupDir = tempDir();
    const backupPath = join(backupDir, 'copy', 'bot.db');
    const result = runBackupScript(h.dbPath, backupPath);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/integrity ok/);
    expect(existsSync(backupPath)).toBe(true);
    expect(runBackupScript(h.dbPath, backupPath).status, 'never overwrites').toBe(1);

    // The operator's restore: stop the bot, put the copy in place, start again.
    await h.stop();
    h = undefined;
    const restoredDir = tempDir();
    mkdirSync(restoredDir, { recursive: true });
    copyFileSync(backupPath, join(restoredDir, 'bot.db'));
    const taskId = fakes.apimart.submits().length === 1 ? [...fakes.apimart.tasks.keys()][0]! : '';
    fakes.apimart.completeTask(taskId);
    fakes.discord.requests.length = 0;

    h = await startHarness({ ...fakes, dir: restoredDir });
    await h.discord.waitForRequest(isResultPost, 10_000);
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    expect(fakes.apimart.submits()).toHaveLength(1);
    expect(jobRows(h.db)[0]).toMatchObject({ task_id: taskId });
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
  });

  it('fails clearly when there is no database to copy', () => {
    const dir = tempDir();
    const result = runBackupScript(join(dir, 'missing.db'), join(dir, 'copy.db'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/backup failed: no database at/);
  });
});
