import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { checkAndStop, isCallback, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const en = messagesFor('en-US');
const discordEpochMs = 1_420_070_400_000;
/** An interaction id Discord would have given `msAgo` ago. */
const createdAgo = (msAgo: number, n: number) => String((BigInt(Date.now() - msAgo - discordEpochMs) << 22n) + BigInt(n));
const statusMessageOf = (harness: Harness, jobId: number) =>
  harness.db.prepare('SELECT status_message_id FROM jobs WHERE id = ?').pluck().get(jobId) as string | null;

describe('a /video the bot receives late', () => {
  it('is answered at once with a bare deferral, and its card comes as the first edit, which becomes the status message', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    const { discord } = h;
    // A command on time first: the bot learns the usual delay between Discord and itself.
    const onTime = discord.sendCommand({ name: 'video', options: videoOptions({}), userId: '1500000000000000021' });
    expect((await discord.waitForRequest(isCallback(onTime.id))).body).toMatchObject({ type: 4 });

    // Two seconds old on arrival (a gateway that was behind): one second left before Discord gives up on it.
    const late = discord.sendCommand({ name: 'video', options: videoOptions({ prompt: 'a late heron' }), userId: '1500000000000000022', interactionId: createdAgo(2_000, 1) });
    const callback = await discord.waitForRequest(isCallback(late.id));
    expect(callback.body).toEqual({ type: 5, data: { flags: 0 } });
    const edit = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(`/${late.token}/messages/@original`));
    expect(JSON.stringify(edit.body)).toContain('a late heron');
    const job = jobRows(h.db).find((j) => j.id === 2)!;
    await discord.waitFor(() => statusMessageOf(h!, job.id) !== null);
    expect(statusMessageOf(h, job.id)).toBe((edit.responseBody as { id: string }).id);
  });

  it('answers a late crowd first: every deferral goes before any of their cards', async () => {
    h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0' } });
    const { discord } = h;
    const onTime = discord.sendCommand({ name: 'video', options: videoOptions({}), userId: '1500000000000000041' });
    await discord.waitForRequest(isCallback(onTime.id));

    const crowd = Array.from({ length: 20 }, (_, i) => discord.sendCommand({
      name: 'video', options: videoOptions({ prompt: `late crowd ${i}` }), userId: String(1_500_000_000_000_000_100n + BigInt(i)), interactionId: createdAgo(2_000, 10 + i),
    }));
    const cardOf = (token: string) => (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.includes(`/${token}/messages/@original`);
    await discord.waitFor(() => crowd.every((c) => discord.requests.some(cardOf(c.token))));
    const deferrals = crowd.map((c) => discord.requests.find(isCallback(c.id))!);
    expect(deferrals.every((d) => (d.body as { type: number }).type === 5)).toBe(true);
    const lastDeferral = Math.max(...deferrals.map((d) => discord.requests.indexOf(d)));
    const firstCard = Math.min(...crowd.map((c) => discord.requests.findIndex(cardOf(c.token))));
    expect(firstCard).toBeGreaterThan(lastDeferral);
    expect(jobRows(h.db)).toHaveLength(21);
  });

  it('refuses a late command privately: the deferral goes, the refusal follows only for the member', async () => {
    h = await startHarness({ env: { USER_DAILY_BUDGET_USD: '0.5', CONFIRM_ABOVE_USD: '0' } });
    const { discord } = h;
    discord.sendCommand({ name: 'video', options: videoOptions({}), userId: '1500000000000000031' });
    await discord.waitFor(() => jobRows(h!.db).length === 1);
    // $0.80 against a $0.50 daily budget.
    const late = discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }), userId: '1500000000000000032', interactionId: createdAgo(2_000, 2) });
    expect((await discord.waitForRequest(isCallback(late.id))).body).toEqual({ type: 5, data: { flags: 0 } });
    await discord.waitForRequest((r) => r.method === 'DELETE' && r.path.includes(`/${late.token}/messages/@original`));
    const followUp = await discord.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${late.token}`));
    expect(followUp.body).toMatchObject({ flags: 64 });
    expect((followUp.body as { content: string }).content).toContain(en.budgetExceeded('user_daily', 800_000, 500_000, 0).slice(0, 12));
    expect(jobRows(h.db)).toHaveLength(1);
  });
});
