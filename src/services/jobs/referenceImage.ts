import { createHash } from 'node:crypto';

export type ImageKind = 'jpeg' | 'png' | 'webp';
export type ImageContentType = `image/${ImageKind}`;

/** The file's own signature, not its name or declared type, says what it is. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

/** Where Discord serves attachments; anything else is not fetched. */
export const discordCdnOrigins = ['https://cdn.discordapp.com', 'https://media.discordapp.net'] as const;

/**
 * The origins a reference image may be fetched from: Discord's CDN, and the origin of DISCORD_API_URL
 * when the operator points the bot at a REST proxy (or a test at a fake), which then serves them too.
 */
export function referenceImageOrigins(discordApiUrl: string): string[] {
  return [...new Set([...discordCdnOrigins, new URL(discordApiUrl).origin])];
}

export type ImageDownload =
  /** `sha256` is hashed as the parts arrive, so a 10 MB image costs no 20 ms stall at the end. */
  | { kind: 'image'; bytes: Buffer; contentType: ImageContentType; sha256: string }
  /** The link answers, but not with a jpeg, png or webp: the attachment lied about its type. */
  | { kind: 'not_an_image' }
  | { kind: 'too_large' }
  /** Discord refuses the link: expired (`ex` passed) or removed. */
  | { kind: 'gone' }
  | { kind: 'not_from_discord' }
  /** Network trouble, a timeout, a 5xx or a redirect: nothing is known about the image. */
  | { kind: 'unknown'; reason: string };

export interface ImageDownloadLimits {
  allowedOrigins: readonly string[];
  timeoutMs: number;
  maxBytes: number;
}

/**
 * Fetches a reference image from Discord's CDN, never more than `maxBytes` (reading stops there) and never
 * from anywhere else: the link comes from an interaction payload, which is outside input.
 */
export async function downloadReferenceImage(url: string, fetchImpl: typeof fetch, limits: ImageDownloadLimits): Promise<ImageDownload> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'not_from_discord' };
  }
  if (!limits.allowedOrigins.includes(parsed.origin) || parsed.username || parsed.password) return { kind: 'not_from_discord' };
  let response: Response;
  try {
    response = await fetchImpl(parsed, { redirect: 'manual', signal: AbortSignal.timeout(limits.timeoutMs) });
  } catch (err) {
    return { kind: 'unknown', reason: (err as Error).name };
  }
  if ([403, 404, 410].includes(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'gone' };
  }
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'unknown', reason: `HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await response.body.cancel().catch(() => undefined);
    return { kind: 'too_large' };
  }
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > limits.maxBytes) {
        await response.body.cancel().catch(() => undefined);
        return { kind: 'too_large' };
      }
      chunks.push(Buffer.from(chunk));
      hash.update(chunk);
    }
  } catch (err) {
    return { kind: 'unknown', reason: (err as Error).name };
  }
  const bytes = Buffer.concat(chunks);
  const kind = sniffImage(bytes);
  return kind ? { kind: 'image', bytes, contentType: `image/${kind}`, sha256: hash.digest('hex') } : { kind: 'not_an_image' };
}

/**
 * Until when Discord serves a signed attachment link: its `ex` parameter (hex Unix seconds). A link
 * without one is not known to be fresh at all.
 */
export function discordLinkExpiresAt(url: string): number | null {
  let ex: string | null;
  try {
    ex = new URL(url).searchParams.get('ex');
  } catch {
    return null;
  }
  if (ex === null || !/^[0-9a-f]{1,12}$/i.test(ex)) return null;
  return parseInt(ex, 16) * 1000;
}
