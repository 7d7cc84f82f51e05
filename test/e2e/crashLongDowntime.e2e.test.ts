import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { crashSetup, ledgerProblems } from './crashHelpers.ts';
import { isResultPost, videoOptions } from './harness.ts';

const cleanups: (() => Promise<void> | void)[] = [];
const onCleanup = (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('after the result is posted, a crash and a downtime longer than the nonce window still post it only once', async () => {
  const s = await crashSetup(onCleanup);
  // Discord creates the result message but the answer never reaches the bot.
  s.discord.failNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { hang: true, apply: true });
  const first = await s.startBot();
  s.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
  await s.discord.waitForRequest(isResultPost, 10_000);
  await first.kill();
  const posted = s.resultMessages(1)[0]!;

  // The bot stays down for ten minutes: Discord forgets the nonce, and the job's first attempt is old.
  s.discord.forgetNonces();
  const db = new Database(s.dbPath);
  db.prepare('UPDATE jobs SET result_post_started_at = result_post_started_at - 600000 WHERE id = 1').run();
  db.close();

  await s.startBot();
  await s.discord.waitFor(() => s.job(1)?.status === 'delivered', 15_000);
  expect(s.discord.channelMessages().filter((m) => m.attachments.length > 0)).toHaveLength(1);
  expect(s.discord.requests.filter(isResultPost)).toHaveLength(1);
  expect(s.job(1)!.result_message_id).toBe(posted.id);
  expect(ledgerProblems(s.jobs(), s.ledger())).toEqual([]);
});
