import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { checkAndStop, isCallback, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const isChannelPost = (r: { method: string; path: string }) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);

describe('/video outcomes', () => {
  it('sends the attachment URL in the model\'s image field and notes an orientation the image overrides', async () => {
    h = await startHarness();
    const image = h.discord.addAttachment({ filename: 'tall.png', contentType: 'image/png', bytes: Buffer.from('89504e470d0a1a0a', 'hex'), width: 720, height: 1280 });
    const interaction = h.discord.sendCommand({ name: 'video', options: videoOptions({ imageId: image.id, aspect_ratio: 'landscape' }), attachments: [image] });
    await h.discord.waitForRequest(isResultPost, 10_000);
    expect(h.apimart.submits()[0]!.body).toMatchObject({ image_urls: [image.url], size: '16:9' });
    // The note is part of the status itself (an ephemeral follow-up would be overwritten by the next edit).
    await h.discord.waitForRequest((r) => r.method === 'PATCH' && r.path.startsWith(`/webhooks/${h!.discord.appId}/${interaction.token}/`) && JSON.stringify(r.body).includes('portrait'));
  });

  it('releases the reservation of a task the provider fails, and tells the requester', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { outcome: 'failed', pollsUntilComplete: 1 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'failed', 10_000);
    expect(ledgerRows(h.db).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', 684_800], ['release', -684_800]]);
    const notice = await h.discord.waitForRequest((r) => isChannelPost(r) && JSON.stringify(r.body).includes('failed'));
    expect(notice.body).toMatchObject({ allowed_mentions: { parse: [], users: [DEFAULT_USER_ID] } });
    expect(h.discord.requests.some(isResultPost)).toBe(false);
  });

  it('links a video larger than the interaction attachment_size_limit instead of uploading it', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { videoBytes: Buffer.alloc(4096, 1) });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}), attachmentSizeLimit: 1024 });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    const result = h.discord.requests.find((r) => isChannelPost(r) && JSON.stringify(r.body).includes('/files/'))!;
    expect(result.files).toEqual([]);
    expect(String((result.body as { content: string }).content)).toMatch(/expires <t:\d+:R>/);
    expect(h.discord.requests.some(isResultPost)).toBe(false);
  });

  it('makes one job from an interaction the gateway delivers twice', async () => {
    h = await startHarness();
    const interaction = h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitForRequest(isCallback(interaction.id));
    h.discord.sendCommand({ name: 'video', options: videoOptions({}), interactionId: interaction.id });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    expect(jobRows(h.db)).toHaveLength(1);
    expect(h.apimart.submits()).toHaveLength(1);
    expect(ledgerRows(h.db).filter((r) => r.kind === 'reserve')).toHaveLength(1);
  });

  it('settles at the cost the provider reports and shows it on the result', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { cost: 0.35 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    const result = await h.discord.waitForRequest(isResultPost, 10_000);
    const fields = (result.body as { embeds: { fields: { name: string; value: string }[] }[] }).embeds[0]!.fields;
    expect(fields.find((f) => f.name === 'Cost')?.value).toBe('$0.35');
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered');
    expect(ledgerRows(h.db).reduce((sum, r) => sum + r.amount_micros, 0)).toBe(350_000);
  });

  it('marks a submit whose answer was lost as unknown, never resends it, and keeps the reservation', async () => {
    h = await startHarness();
    h.apimart.scriptSubmit({ destroyAfterReceive: true });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'submit_unknown', 10_000);
    const restarted = await h.restart();
    h = restarted;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.apimart.submits()).toHaveLength(1);
    expect(jobRows(h.db)[0]!.status).toBe('submit_unknown');
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve']);
  });
});
