import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApimartClient } from '../../src/services/apimart/client.ts';
import { ApimartHttpError, ApimartResponseShapeError, ApimartResponseTooLargeError } from '../../src/services/apimart/errors.ts';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { pngBytes } from '../support/imageBytes.ts';

const KEY = 'sk-live-SECRET-0123456789abcdef';
let fake: FakeApimart;
beforeEach(async () => {
  fake = await FakeApimart.start({ apiKey: KEY });
});
afterEach(() => fake.stop());

// No retries: a scripted answer is given once, and a retry would read the default list instead.
const client = () => createApimartClient({ baseUrl: fake.baseUrl, apiKey: KEY, requestTimeoutMs: 10_000, readRetries: 0 });

async function caught(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof Error)) throw new Error('expected the call to reject');
  expect(inspect(err, { depth: 5 })).not.toContain(KEY);
  return err;
}

describe('listModels', () => {
  it('reads the key’s models and tells video models from others', async () => {
    fake.modelList.videoModelIds = ['veo3.1-fast', 'seedance-2.0'];
    const models = await client().listModels();
    expect(models.filter((m) => m.isVideo).map((m) => m.id)).toEqual(['veo3.1-fast', 'seedance-2.0']);
    expect(models.find((m) => m.id === 'gpt-image-2')).toEqual({ id: 'gpt-image-2', category: 'image', isVideo: false });
    expect(fake.requests.at(-1)?.query.get('expand')).toBe('category');
  });

  it('skips entries without an id, and counts an entry as video by its endpoint when it has no category', async () => {
    fake.modelList.entries = [
      { id: 'kling-v3', supported_endpoint_types: ['/v1/videos/generations'] },
      { name: 'no id here' },
      'not an object',
      { id: 'mystery' },
    ];
    expect(await client().listModels()).toEqual([{ id: 'kling-v3', isVideo: true }, { id: 'mystery', isVideo: false }]);
  });

  it('refuses an answer without a data array as a shape error', async () => {
    fake.modelList.scriptAnswer({ status: 200, body: { object: 'list', models: [] } });
    expect(await caught(client().listModels())).toBeInstanceOf(ApimartResponseShapeError);
  });

  it('stops reading a list longer than any real one', async () => {
    fake.modelList.scriptAnswer({ raw: `{"data":[${'"x",'.repeat(1_100_000)}"x"]}` });
    expect(await caught(client().listModels())).toBeInstanceOf(ApimartResponseTooLargeError);
  });

  it.each([401, 402, 404])('reports HTTP %i as an HttpError, never carrying the key', async (status) => {
    fake.modelList.scriptAnswer({ status, body: { error: { code: '', message: `refused ${KEY}`, type: 'apimart_error' } } });
    const err = await caught(client().listModels());
    expect(err).toBeInstanceOf(ApimartHttpError);
    expect((err as ApimartHttpError).status).toBe(status);
  });
});

describe('uploadImage', () => {
  it('sends the bytes as the multipart field file and returns the link apimart answers', async () => {
    const bytes = pngBytes(2048);
    const { url } = await client().uploadImage({ bytes, filename: 'ref.png', contentType: 'image/png' });
    const upload = fake.uploads.byUrl(url);
    expect(upload?.bytes.equals(bytes)).toBe(true);
    expect(upload?.filename).toBe('ref.png');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reports a refused upload (413) as an HttpError and is not repeated', async () => {
    fake.uploads.scriptAnswer({ status: 413, body: { error: { code: 413, message: 'File too large', type: 'invalid_request_error' } } });
    const err = await caught(client().uploadImage({ bytes: pngBytes(), filename: 'ref.png', contentType: 'image/png' }));
    expect((err as ApimartHttpError).status).toBe(413);
    expect(fake.requests.filter((r) => r.path === '/v1/uploads/images')).toHaveLength(1);
  });

  it('refuses an answer whose url is not an http(s) link', async () => {
    fake.uploads.scriptAnswer({ status: 200, body: { url: 'javascript:alert(1)' } });
    expect(await caught(client().uploadImage({ bytes: pngBytes(), filename: 'ref.png', contentType: 'image/png' })))
      .toBeInstanceOf(ApimartResponseShapeError);
  });
});
