import { afterEach, expect, it } from 'vitest';
import { BotProcess } from './botProcess.ts';
import { startHarness, testEnv, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
});

it('refuses to start a second bot instance on the same database file', async () => {
  h = await startHarness();
  const identifiesBefore = h.discord.identifyCount;
  const second = BotProcess.start(testEnv(h.discord, h.apimart, h.dbPath));
  expect(await second.exitCode()).not.toBe(0);
  expect(second.output.join('\n')).toMatch(/another bot instance \(pid \d+/);
  expect(h.discord.identifyCount).toBe(identifiesBefore);
});
