import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID, FakeDiscord } from '../fakes/fakeDiscord.ts';
import type { RecordedRequest } from '../fakes/fakeDiscordTypes.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { checkAndStop, isCallback, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';
import { answerTo, runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const listed = 'sora-2-preview';
const unlisted = 'sora-2-pro-preview';
const noConfirm = { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0' };
const videoWith = (model?: string) => answerTo(h!, h!.discord.sendCommand({ name: 'video', options: videoOptions({ model, duration: 4 }) }));
const notOfferedText = (model: string) =>
  `The model \`${model}\` is not available: the video service does not offer it to this bot right now. Choose another model; nothing was charged.`;

async function apimartListing(...models: string[]): Promise<FakeApimart> {
  const apimart = await FakeApimart.start();
  apimart.modelList.videoModelIds = models;
  return apimart;
}

describe('only what the key can call', () => {
  it('refuses a catalog model that GET /v1/models does not list, ephemerally and before reserving anything', async () => {
    h = await startHarness({ apimart: await apimartListing(listed), env: noConfirm });
    expect(h.apimart.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);

    const refused = await videoWith(unlisted);
    expect(refused).toMatchObject({ type: 4, content: notOfferedText(unlisted) });
    expect(refused.flags & 64).toBe(64);
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);

    expect(await videoWith(listed)).toMatchObject({ type: 4, flags: 0 });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    expect(h.apimart.submits().map((r) => (r.body as { model: string }).model)).toEqual([listed]);
    const notOffered = (await runAdmin(h, 'status')).content.split('\n').find((l) => l.startsWith('Not offered'));
    expect(notOffered).toContain(`\`${unlisted}\``);
    expect(notOffered).not.toContain(`\`${listed}\``);
  });

  it('follows the hourly list: a model that disappears is refused, also to Again on an earlier result, and one that returns is offered', async () => {
    h = await startHarness({ apimart: await apimartListing(listed, unlisted), env: noConfirm, appDeps: { modelListRefreshMs: 200 } });
    expect(await videoWith(unlisted)).toMatchObject({ type: 4, flags: 0 });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    const first = jobRows(h.db)[0]!;

    h.apimart.modelList.videoModelIds = [listed];
    const changed = (field: string) => logEvents(h!, 'model_availability_changed').some((l) => l.includes(`"${field}":["${unlisted}"]`));
    await h.discord.waitFor(() => changed('noLongerOffered'), 5_000);
    expect(await videoWith(unlisted)).toMatchObject({ content: notOfferedText(unlisted), flags: 64 });
    const again = await answerTo(h, h.discord.clickButton(first.result_message_id!, `job:${first.id}:again`, DEFAULT_USER_ID));
    expect(again.flags & 64).toBe(64);
    expect(again.content).toBe(notOfferedText(unlisted));
    expect(jobRows(h.db)).toHaveLength(1);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);

    h.apimart.modelList.videoModelIds = [listed, unlisted];
    await h.discord.waitFor(() => changed('offeredAgain'), 5_000);
    expect(await videoWith(unlisted)).toMatchObject({ type: 4, flags: 0 });
  });

  it('lists only those models in the model option, and writes the command again when the hourly list changes them', async () => {
    h = await startHarness({ apimart: await apimartListing(listed, unlisted), appDeps: { modelListRefreshMs: 200 } });
    const modelChoices = () => {
      const video = (h!.discord.commands.global as { name: string; options: { name: string; choices?: { value: string }[] }[] }[]).find((c) => c.name === 'video');
      return video?.options.find((o) => o.name === 'model')?.choices?.map((c) => c.value);
    };
    const commandWrites = () => h!.discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;
    // Of the whole catalog, only the two models the provider lists.
    expect(h.config.models.ids().length).toBeGreaterThan(2);
    expect(new Set(modelChoices())).toEqual(new Set([listed, unlisted]));
    const writesAtStart = commandWrites();

    h.apimart.modelList.videoModelIds = [listed];
    await h.discord.waitFor(() => logEvents(h!, 'commands_synced').length > 0, 5_000);
    expect(modelChoices()).toEqual([listed]);
    expect(commandWrites()).toBe(writesAtStart + 1);
    // The same list read again writes nothing.
    const reads = h.apimart.requests.filter((r) => r.path === '/v1/models').length;
    await h.discord.waitFor(() => h!.apimart.requests.filter((r) => r.path === '/v1/models').length > reads + 2, 5_000);
    expect(commandWrites()).toBe(writesAtStart + 1);
  });

  it('suggests only those models, and nothing for a model the key cannot call, in autocomplete', async () => {
    h = await startHarness({ apimart: await apimartListing(listed, 'veo3.1-fast') });
    const suggest = async (focused: 'model' | 'duration', options: { model?: string }) => {
      const interaction = h!.discord.sendAutocomplete({ name: 'video', focused, text: '', options: videoOptions(options) });
      const callback = await h!.discord.waitForRequest(isCallback(interaction.id));
      return (callback.body as { type: number; data: { choices: { value: unknown }[] } }).data.choices.map((c) => c.value);
    };
    expect(new Set(await suggest('model', {}))).toEqual(new Set([listed, 'veo3.1-fast']));
    expect(await suggest('duration', { model: 'veo3.1-fast' })).toEqual([8]);
    expect(await suggest('duration', { model: unlisted })).toEqual([]);
  });

  it('keeps the catalog as configured when the list cannot be read, with one warning however often it fails', async () => {
    const apimart = await FakeApimart.start();
    apimart.modelList.always = { status: 404, body: { error: { code: 404, message: 'Not found', type: 'invalid_request_error' } } };
    h = await startHarness({ apimart, env: noConfirm, appDeps: { modelListRefreshMs: 100 } });
    await h.discord.waitFor(() => h!.apimart.requests.filter((r) => r.path === '/v1/models').length >= 4, 5_000);
    expect(logEvents(h, 'model_list_unreadable')).toHaveLength(1);
    expect(JSON.parse(logEvents(h, 'model_list_unreadable')[0]!)).toMatchObject({ level: 'warn', action: 'every catalog model stays offered as configured' });
    expect(await videoWith(unlisted)).toMatchObject({ type: 4, flags: 0 });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
  });
});

describe('the model option while the commands are being written', () => {
  const commandsRoute = /^\/applications\/\d+\/commands$/;
  const isCommandsRequest = (r: RecordedRequest) => commandsRoute.test(r.path);
  const modelChoices = (discord: FakeDiscord) => {
    const video = (discord.commands.global as { name: string; options: { name: string; choices?: { value: string }[] }[] }[]).find((c) => c.name === 'video');
    return video?.options.find((o) => o.name === 'model')?.choices?.map((c) => c.value);
  };

  it('writes a model list that arrives while the start-up sync is under way', async () => {
    const discord = await FakeDiscord.start();
    const apimart = await apimartListing(listed, unlisted);
    // Discord makes the start-up sync wait a second for its read of the commands; the list changes meanwhile.
    discord.failNext({ method: 'GET', path: commandsRoute }, { status: 429, retryAfterSec: 1 });
    const starting = startHarness({ discord, apimart, ownsFakes: true, appDeps: { modelListRefreshMs: 100 } });
    await discord.waitForRequest((r) => r.method === 'GET' && isCommandsRequest(r) && r.status === 429, 10_000);
    apimart.modelList.videoModelIds = [listed];
    h = await starting;
    await discord.waitFor(() => logEvents(h!, 'commands_synced').length === 1, 5_000);
    expect(modelChoices(discord)).toEqual([listed]);
  });

  it('writes the commands one attempt at a time, and once more after an attempt the list changed during', async () => {
    h = await startHarness({ apimart: await apimartListing(listed, unlisted), appDeps: { modelListRefreshMs: 100 } });
    const { discord, apimart } = h;
    const requestsBefore = discord.requests.length;
    // Discord holds the next write a second; before it lands, the list changes back.
    discord.failNext({ method: 'PUT', path: commandsRoute }, { status: 429, retryAfterSec: 1 });
    apimart.modelList.videoModelIds = [listed];
    await discord.waitForRequest((r) => r.method === 'PUT' && isCommandsRequest(r) && r.status === 429, 5_000);
    apimart.modelList.videoModelIds = [listed, unlisted];
    await discord.waitFor(() => logEvents(h!, 'commands_synced').length === 2, 5_000);

    expect(new Set(modelChoices(discord))).toEqual(new Set([listed, unlisted]));
    const sequence = discord.requests.slice(requestsBefore).filter(isCommandsRequest).map((r) => `${r.method} ${r.status}`);
    expect(sequence).toEqual(['GET 200', 'PUT 429', 'PUT 200', 'GET 200', 'PUT 200']);
  });
});

describe('a model that disappears upstream', () => {
  it('fails a job that apimart answers 503 model_not_found as model_retired, releasing its reservation, and turns the model off after three', async () => {
    h = await startHarness({ env: noConfirm });
    h.apimart.modelList.retire(unlisted);
    for (let n = 1; n <= 3; n++) {
      expect(await videoWith(unlisted)).toMatchObject({ type: 4, flags: 0 });
      await h.discord.waitFor(() => jobRows(h!.db)[n - 1]?.status === 'failed', 10_000);
    }
    expect(jobRows(h.db).map((j) => j.failure_code)).toEqual(Array(3).fill('model_retired'));
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'release', 'reserve', 'release', 'reserve', 'release']);
    expect(logEvents(h, 'job_submit_outcome_unknown')).toEqual([]);
    expect(logEvents(h, 'model_turned_off')).toHaveLength(1);

    const refused = await videoWith(unlisted);
    expect(refused.flags & 64).toBe(64);
    expect(refused.content).toContain(`The model \`${unlisted}\` is turned off`);
    expect(jobRows(h.db)).toHaveLength(3);
  });
});
