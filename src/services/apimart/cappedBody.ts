/** About a thousand times the largest real status answer: anything longer is not one. */
export const maxJsonAnswerBytes = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  /** The answer's HTTP status, when the reader knows it. */
  constructor(readonly status?: number) {
    super('body larger than the cap');
  }
}

/**
 * Reads a body as text, but stops (and cancels the stream, which closes the connection) as soon as
 * it passes `capBytes`: a 200 MB answer must cost at most the cap in memory, not the whole body.
 */
export async function readCappedText(response: Response, capBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > capBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > capBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
