import { afterEach, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/i18n/messages.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { registeredMentions } from './commandMentions.ts';
import { answerTo } from './spendHelpers.ts';
import { contentOf, deliveredJob, dmsTo, jobs, ledgerCount, otherMemberId, requesterId } from './reactionsHelpers.ts';

const en = messagesFor('en-US');
let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const dayMs = 86_400_000;
const dmTexts = (userId: string) => dmsTo(h!.discord, userId).map(contentOf);

/** A delivered job that RETENTION_DAYS has since erased (its prompt, request and link are gone). */
async function erasedDeliveredJob(harness: Harness) {
  const done = await deliveredJob(harness, { prompt: 'a lighthouse in a winter storm' });
  harness.db.prepare('UPDATE jobs SET finished_at = finished_at - ? WHERE id = ?').run(3 * dayMs, done.id);
  expect(await harness.app.operations.retention.runOnce()).toBe(1);
  return done;
}

describe('controls on a job erased by RETENTION_DAYS', () => {
  it('refuses 🔁 with a clear message, and never sends the provider an empty prompt or reserves anything', async () => {
    h = await startHarness({ env: { RETENTION_DAYS: '1' } });
    const done = await erasedDeliveredJob(h);
    const ledgerBefore = ledgerCount(h.db);

    h.discord.sendReaction({ userId: requesterId, messageId: done.result_message_id, emoji: '🔁' });
    await h.discord.waitFor(() => dmTexts(requesterId).includes(en.ops.jobErased(done.id, registeredMentions(h!.discord))), 10_000);

    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(ledgerBefore);
    expect(h.apimart.submits()).toHaveLength(1);
    expect(en.ops.jobErased(done.id, registeredMentions(h.discord))).toMatch(new RegExp(`#${done.id}.*</video:\\d+>`));
    expect(messagesFor('ja').ops.jobErased(done.id, registeredMentions(h.discord))).toMatch(/[ぁ-んァ-ン一-龯]/);
  });

  it('answers 📩 with the same message instead of staying silent', async () => {
    h = await startHarness({ env: { RETENTION_DAYS: '1' } });
    const done = await erasedDeliveredJob(h);

    h.discord.sendReaction({ userId: otherMemberId, messageId: done.result_message_id, emoji: '📩' });
    await h.discord.waitFor(() => dmTexts(otherMemberId).includes(en.ops.jobErased(done.id, registeredMentions(h!.discord))), 10_000);
    expect(dmsTo(h.discord, otherMemberId).every((r) => !(r.body as { attachments?: unknown[] }).attachments?.length)).toBe(true);
  });

  it('lists the job in /videos as erased instead of with empty quotes', async () => {
    h = await startHarness({ env: { RETENTION_DAYS: '1' } });
    const done = await erasedDeliveredJob(h);
    const listed = await answerTo(h, h.discord.sendCommand({ name: 'videos' }));
    expect(listed.content).toContain(`\`#${done.id}\``);
    expect(listed.content).toContain('(prompt erased)');
    expect(listed.content).not.toContain('“”');
    const ja = await answerTo(h, h.discord.sendCommand({ name: 'videos', locale: 'ja' }));
    expect(ja.content).toContain('（プロンプトは消去済み）');
  });
});

describe('ALLOWED_GUILD_IDS and reactions', () => {
  it('refuses 🔁 on a result in a server that is no longer allowed: no job, no reservation, no submit', async () => {
    h = await startHarness();
    const done = await deliveredJob(h);
    const ledgerBefore = ledgerCount(h.db);
    h = await h.restart({ ALLOWED_GUILD_IDS: '1299999999999999999' });

    h.discord.sendReaction({ userId: requesterId, messageId: done.result_message_id, emoji: '🔁' });
    await h.discord.waitFor(() => dmTexts(requesterId).includes(en.ops.guildNotAllowed), 10_000);
    expect(jobs(h.db)).toHaveLength(1);
    expect(ledgerCount(h.db)).toBe(ledgerBefore);
    expect(h.apimart.submits()).toHaveLength(1);
  });
});

describe('🔁 on a result whose model was turned off since', () => {
  it('is refused before anything is reserved, naming the model', async () => {
    h = await startHarness();
    const model = 'seedance-2.0-fast';
    const done = await deliveredJob(h);
    h.apimart.models.delete(model);
    for (let n = 2; n <= 4; n++) {
      h.discord.sendCommand({ name: 'video', options: videoOptions({ model }) });
      await h.discord.waitFor(() => jobs(h!.db)[n - 1]?.status === 'failed', 10_000);
    }
    const ledgerBefore = ledgerCount(h.db);

    h.discord.sendReaction({ userId: requesterId, messageId: done.result_message_id, emoji: '🔁' });
    await h.discord.waitFor(() => dmTexts(requesterId).includes(en.ops.modelTurnedOff(model, registeredMentions(h!.discord))), 10_000);
    expect(jobs(h.db)).toHaveLength(4);
    expect(ledgerCount(h.db)).toBe(ledgerBefore);
    expect(h.apimart.submits()).toHaveLength(4);
  });
});
