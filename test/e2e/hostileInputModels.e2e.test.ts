import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { DEFAULT_USER_ID, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { isCallback, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { dmsTo, isOwnReactionAdded } from './reactionsHelpers.ts';

let h: Harness | undefined;
let modelsDir: string | undefined;
afterEach(async () => {
  if (h) expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  await h?.stop();
  h = undefined;
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

const legacy = 'sora-legacy';
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
const kindsOf = (hh: Harness, jobId: number) => ledgerRows(hh.db).filter((r) => r.job_id === jobId).map((r) => r.kind);
const statusOf = (hh: Harness, index: number) => jobRows(hh.db)[index]?.status;
const waitJob = (hh: Harness, index: number, status: string) => hh.discord.waitFor(() => statusOf(hh, index) === status, 10_000);
const legacyVideo = (hh: Harness) => hh.discord.sendCommand({ name: 'video', options: videoOptions({ model: legacy }) });
const modelChoices = (hh: Harness) => {
  const video = (hh.discord.commands.global as { name: string; options: { name: string; choices?: { value: string }[] }[] }[])
    .find((c) => c.name === 'video');
  return video?.options.find((o) => o.name === 'model')?.choices?.map((c) => c.value);
};

/** An old MODELS_FILE with a model the new one drops. */
function writeModelFiles(): { before: string; after: string } {
  modelsDir = mkdtempSync(join(tmpdir(), 'videobot-models-'));
  const current = { name: 'sora-2-preview', durations: [4, 8, 12], usdPerSecond: 0.1 };
  const before = join(modelsDir, 'before.json');
  const after = join(modelsDir, 'after.json');
  writeFileSync(before, JSON.stringify({ models: [current, { name: legacy, durations: [4, 8], usdPerSecond: 0.05 }] }));
  writeFileSync(after, JSON.stringify({ models: [current] }));
  return { before, after };
}

describe('a model dropped from MODELS_FILE while jobs use it', () => {
  it('finishes or cleanly fails the stored jobs, refuses 🔁 and /video with it, after a restart with the new catalog', async () => {
    const files = writeModelFiles();
    const apimart = await FakeApimart.start({ models: [legacy] });
    h = await startHarness({ apimart, env: { MODELS_FILE: files.before, MAX_CONCURRENT_JOBS: '1', USER_MAX_ACTIVE_JOBS: '10' } });
    expect(modelChoices(h)).toEqual(['sora-2-preview', legacy]);

    legacyVideo(h);
    await waitJob(h, 0, 'delivered');
    const resultId = jobRows(h.db)[0]!.result_message_id!;
    await h.discord.waitForRequest(isOwnReactionAdded(resultId, '🔁'));
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    legacyVideo(h);
    await waitJob(h, 1, 'submitted');
    legacyVideo(h);
    await waitJob(h, 2, 'queued');

    h = await h.restart({ MODELS_FILE: files.after });
    expect(modelChoices(h)).toEqual(['sora-2-preview']);
    // The provider retired it as well: the queued job's stored request is refused, the submitted one still finishes.
    h.apimart.models.delete(legacy);
    h.apimart.completeTask(jobRows(h.db)[1]!.task_id!);
    await waitJob(h, 1, 'delivered');
    await waitJob(h, 2, 'failed');
    expect(jobRows(h.db)[2]!.failure_code).toBe('model_retired');
    expect(kindsOf(h, 2)).toEqual(['reserve', 'settle']);
    expect(kindsOf(h, 3)).toEqual(['reserve', 'release']);
    expect(h.apimart.submits().map((r) => (r.body as { model: string }).model)).toEqual([legacy, legacy, legacy]);
    await h.discord.waitForRequest((r) => r.method === 'POST' && contentOf(r).includes('job #3 failed: the video service no longer offers this model'));

    h.discord.sendReaction({ userId: DEFAULT_USER_ID, messageId: resultId, emoji: '🔁' });
    await h.discord.waitFor(() => dmsTo(h!.discord, DEFAULT_USER_ID).length === 1);
    expect(contentOf(dmsTo(h.discord, DEFAULT_USER_ID)[0]!)).toBe('The model `sora-legacy` is not available. Choose one of: `sora-2-preview`.');

    const ledgerBefore = ledgerRows(h.db).length;
    const interaction = legacyVideo(h);
    const callback = (await h.discord.waitForRequest(isCallback(interaction.id))).body as { type: number; data: { content: string; flags: number } };
    expect(callback.type).toBe(4);
    expect(callback.data.flags & 64).toBe(64);
    expect(callback.data.content).toContain('The model `sora-legacy` is not available');
    expect(jobRows(h.db)).toHaveLength(3);
    expect(ledgerRows(h.db)).toHaveLength(ledgerBefore);
    expect(h.apimart.submits()).toHaveLength(3);
  });
});
