export type VideoDownload =
  | { kind: 'file'; bytes: Buffer; contentType: string | null }
  | { kind: 'too_large'; sizeBytes: number | null }
  | { kind: 'gone'; status: number };

export class VideoDownloadError extends Error {
  override name = 'VideoDownloadError';
}

/**
 * The link is not one the provider could legitimately serve (plain http to another host, a private
 * address, a redirect there, or an answer that is not a video). It is never fetched again or posted.
 */
export class VideoLinkRefusedError extends Error {
  override name = 'VideoLinkRefusedError';
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`video link refused: ${reason}`, options);
  }
}

const videoContentType = /^(video\/[\w.+-]+|application\/octet-stream)\s*(;|$)/i;

/**
 * Fetches the finished video, but never more than `limitBytes`: a larger file is linked instead of
 * uploaded, and reading stops as soon as it is known to be too large.
 */
export async function downloadVideo(url: string, limitBytes: number, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<VideoDownload> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (err instanceof VideoLinkRefusedError) throw err;
    throw new VideoDownloadError(`video download failed: ${(err as Error).name}`, { cause: err });
  }
  if ([403, 404, 410].includes(response.status)) {
    await response.body?.cancel();
    return { kind: 'gone', status: response.status };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new VideoDownloadError(`video download answered HTTP ${response.status}`);
  }
  if (!videoContentType.test(response.headers.get('content-type') ?? '')) {
    await response.body.cancel();
    throw new VideoLinkRefusedError('answer is not a video');
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body.cancel();
    return { kind: 'too_large', sizeBytes: declared };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > limitBytes) {
        await response.body.cancel().catch(() => undefined);
        return { kind: 'too_large', sizeBytes: null };
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    throw new VideoDownloadError(`video download interrupted: ${(err as Error).name}`, { cause: err });
  }
  return { kind: 'file', bytes: Buffer.concat(chunks), contentType: response.headers.get('content-type') };
}
