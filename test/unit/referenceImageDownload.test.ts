import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withReferenceImageUrl } from '../../src/models/referenceImageField.ts';
import { discordLinkExpiresAt, downloadReferenceImage, referenceImageOrigins } from '../../src/services/jobs/referenceImage.ts';
import { pngBytes } from '../support/imageBytes.ts';

const png = pngBytes(4096);
let server: Server;
let origin: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    switch (req.url) {
      case '/png': return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      case '/html': return void res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
      case '/gone': return void res.writeHead(404).end('This content is no longer available.');
      case '/moved': return void res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
      case '/declared-big': return void res.writeHead(200, { 'content-length': String(11 * 1024 * 1024) }).end();
      case '/streamed-big': {
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(1024 * 1024, 1);
        for (let i = 0; i < 11; i++) res.write(chunk);
        return void res.end();
      }
      default: return void res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const limits = () => ({ allowedOrigins: referenceImageOrigins(`${origin}/api`), timeoutMs: 5_000, maxBytes: 10 * 1024 * 1024 });
const download = (path: string) => downloadReferenceImage(`${origin}${path}`, fetch, limits());

describe('downloadReferenceImage', () => {
  it('keeps a real image’s bytes and their sniffed type', async () => {
    const result = await download('/png');
    expect(result).toMatchObject({ kind: 'image', contentType: 'image/png' });
    expect(result.kind === 'image' && result.bytes.equals(png)).toBe(true);
    expect(result.kind === 'image' && result.sha256).toBe(createHash('sha256').update(png).digest('hex'));
  });

  it.each([
    ['an HTML page sent as image/png', '/html', 'not_an_image'],
    ['a link Discord no longer serves', '/gone', 'gone'],
    ['a body declared over 10 MB', '/declared-big', 'too_large'],
    ['a body that streams past 10 MB', '/streamed-big', 'too_large'],
  ])('answers %s with %s', async (_name, path, kind) => {
    expect((await download(path)).kind).toBe(kind);
  });

  it('does not follow a redirect', async () => {
    expect(await download('/moved')).toEqual({ kind: 'unknown', reason: 'HTTP 302' });
  });

  it('fetches nothing from outside Discord’s CDN (and the configured Discord origin)', async () => {
    const before = requested.length;
    expect(await downloadReferenceImage('http://169.254.169.254/latest/meta-data', fetch, limits())).toEqual({ kind: 'not_from_discord' });
    expect(await downloadReferenceImage(`${origin.replace('127.0.0.1', 'localhost')}/png`, fetch, limits())).toEqual({ kind: 'not_from_discord' });
    expect(await downloadReferenceImage('not a url', fetch, limits())).toEqual({ kind: 'not_from_discord' });
    expect(requested.length).toBe(before);
    expect(referenceImageOrigins('https://discord.com/api')).toEqual(['https://cdn.discordapp.com', 'https://media.discordapp.net', 'https://discord.com']);
  });
});

describe('discordLinkExpiresAt', () => {
  it('reads ex as hex Unix seconds, and knows nothing of a link without it', () => {
    expect(discordLinkExpiresAt('https://cdn.discordapp.com/attachments/1/2/a.png?ex=6763a2f0&is=67625170&hm=ab&')).toBe(0x6763a2f0 * 1000);
    expect(discordLinkExpiresAt('https://cdn.discordapp.com/attachments/1/2/a.png')).toBeNull();
    expect(discordLinkExpiresAt('https://cdn.discordapp.com/a.png?ex=zz')).toBeNull();
  });
});

describe('withReferenceImageUrl', () => {
  it('puts the link in the field the mapper chose, in that field’s shape', () => {
    expect(withReferenceImageUrl({ model: 'seedance-2.0', prompt: 'p', image_urls: ['https://cdn/a.png'] }, 'https://up/b.png'))
      .toEqual({ model: 'seedance-2.0', prompt: 'p', image_urls: ['https://up/b.png'] });
    expect(withReferenceImageUrl({ model: 'MiniMax-Hailuo-2.3', prompt: 'p', first_frame_image: 'https://cdn/a.png' }, 'https://up/b.png'))
      .toEqual({ model: 'MiniMax-Hailuo-2.3', prompt: 'p', first_frame_image: 'https://up/b.png' });
    const textOnly = { model: 'veo3.1-fast', prompt: 'p' };
    expect(withReferenceImageUrl(textOnly, 'https://up/b.png')).toBe(textOnly);
  });
});
