import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BodyTooLargeError } from './cappedBody.ts';

export interface GetAnswer { status: number; text: string; retryAfter: string | null }

/** A GET that got no complete answer in time; named as fetch's own, so callers treat both alike. */
export class GetTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * GETs over kept-alive connections with node's own http client, not fetch: the status poll is the bot's
 * steadiest work (a few hundred a second at ten thousand jobs), and fetch builds a Request, a Response,
 * Headers, web streams and a timeout signal for each. Redirects are not followed (they could carry the
 * Authorization header elsewhere), and a body past `capBytes` stops the read and drops the connection.
 */
export function createKeepAliveGet(opts: { maxSockets: number }) {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
  };
  /**
   * A kept-alive connection the server closed as the request went out fails at once, before any answer:
   * node's documentation advises sending such a request again on a fresh connection.
   */
  async function get(url: URL, headers: Record<string, string>, timeoutMs: number, capBytes: number): Promise<GetAnswer> {
    try {
      return await getOnce(url, headers, timeoutMs, capBytes);
    } catch (err) {
      if (!(err instanceof StaleConnectionError)) throw err;
      return getOnce(url, headers, timeoutMs, capBytes);
    }
  }

  function getOnce(url: URL, headers: Record<string, string>, timeoutMs: number, capBytes: number): Promise<GetAnswer> {
    const https = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, agent: https ? agents['https:'] : agents['http:'] });
      const timer = setTimeout(() => req.destroy(new GetTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      let answered = false;
      const fail = (err: Error) => {
        clearTimeout(timer);
        const stale = !answered && req.reusedSocket && ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '');
        reject(stale ? new StaleConnectionError(err) : err);
      };
      req.once('error', fail);
      req.once('response', (res: IncomingMessage) => {
        answered = true;
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (declared > capBytes) return req.destroy(new BodyTooLargeError(res.statusCode));
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > capBytes) req.destroy(new BodyTooLargeError(res.statusCode));
          else chunks.push(chunk);
        });
        res.once('error', fail);
        res.once('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks, total).toString('utf8'), retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
        });
      });
      req.end();
    });
  }
  return get;
}

class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super('a kept-alive connection was closed by the server', { cause });
  }
}

export type KeepAliveGet = ReturnType<typeof createKeepAliveGet>;
