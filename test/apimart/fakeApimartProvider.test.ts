import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { pngBytes } from '../support/imageBytes.ts';

const KEY = 'sk-fake-test-key';
let fake: FakeApimart;
beforeEach(async () => {
  fake = await FakeApimart.start({ apiKey: KEY });
});
afterEach(() => fake.stop());

const auth = { authorization: `Bearer ${KEY}` };

async function listModels(): Promise<{ status: number; json: { data?: { id: string; category?: string }[] } }> {
  const res = await fetch(`${fake.baseUrl}/v1/models`, { headers: auth });
  return { status: res.status, json: (await res.json()) as { data?: { id: string; category?: string }[] } };
}

async function upload(form: FormData, headers: Record<string, string> = auth) {
  const res = await fetch(`${fake.baseUrl}/v1/uploads/images`, { method: 'POST', headers, body: form });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const formWith = (bytes: Buffer, name = 'ref.png', type = 'image/png') => {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return form;
};

describe('the fake apimart as today’s provider', () => {
  it('lists the models it accepts as video models, beside models of other kinds', async () => {
    const { status, json } = await listModels();
    expect(status).toBe(200);
    const video = json.data?.filter((m) => m.category === 'video').map((m) => m.id);
    expect(video).toEqual([...fake.models]);
    expect(json.data?.some((m) => m.category === 'image')).toBe(true);
  });

  it('lists a configured set, and refuses the list without a key', async () => {
    fake.modelList.videoModelIds = ['veo3.1-fast'];
    expect((await listModels()).json.data?.filter((m) => m.category === 'video').map((m) => m.id)).toEqual(['veo3.1-fast']);
    const res = await fetch(`${fake.baseUrl}/v1/models`);
    expect(res.status).toBe(401);
  });

  it('answers a retired model’s submit with 503 model_not_found and leaves it out of the list', async () => {
    fake.modelList.retire('sora-2-preview');
    const res = await fetch(`${fake.baseUrl}/v1/videos/generations`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sora-2-preview', prompt: 'a fox', duration: 4 }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'model_not_found', message: expect.stringContaining('No available channel for model sora-2-preview') } });
    expect(fake.tasks.size).toBe(0);
    expect((await listModels()).json.data?.map((m) => m.id)).not.toContain('sora-2-preview');
  });

  it('stores an uploaded image and serves its bytes, without a key, at the URL it answered', async () => {
    const bytes = pngBytes(300);
    const { status, json } = await upload(formWith(bytes));
    expect(status).toBe(200);
    expect(json).toMatchObject({ filename: 'ref.png', content_type: 'image/png', bytes: bytes.length });
    const served = await fetch(json.url as string);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(fake.uploads.byUrl(json.url)?.bytes.equals(bytes)).toBe(true);
  });

  it('refuses an upload without the file field, of a format it does not take, or without a key', async () => {
    const empty = new FormData();
    empty.append('image', new Blob([pngBytes(64)]), 'ref.png');
    expect((await upload(empty)).status).toBe(400);
    expect((await upload(formWith(Buffer.from('not an image'), 'ref.txt', 'text/plain'))).status).toBe(400);
    expect((await upload(formWith(pngBytes(64)), {})).status).toBe(401);
    expect(fake.uploads.uploads).toHaveLength(0);
  });

  it('stops serving an upload 72 hours after it was made', async () => {
    const { json } = await upload(formWith(pngBytes(64)));
    const start = Date.now();
    fake.uploads.now = () => start + 73 * 3600_000;
    expect((await fetch(json.url as string)).status).toBe(404);
  });
});
