export type ImageKind = 'jpeg' | 'png' | 'webp';

/** The file's own signature, not its name or declared type, says what it is. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

export type ReferenceImageCheck = 'ok' | 'not_an_image' | 'gone' | 'unknown';

/**
 * Reads the first bytes of the attachment before any money goes to the provider: an attachment that
 * lies about its type, or one whose link has died, fails here instead of as a paid provider error.
 */
export async function checkReferenceImage(url: string, fetchImpl: typeof fetch, timeoutMs: number): Promise<ReferenceImageCheck> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { range: 'bytes=0-31' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return 'unknown';
  }
  if ([403, 404, 410].includes(response.status)) {
    await response.body?.cancel();
    return 'gone';
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return 'unknown';
  }
  const reader = response.body.getReader();
  const head: number[] = [];
  try {
    while (head.length < 12) {
      const { done, value } = await reader.read();
      if (done) break;
      head.push(...value.subarray(0, 32));
    }
  } catch {
    return 'unknown';
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return sniffImage(Uint8Array.from(head)) ? 'ok' : 'not_an_image';
}
