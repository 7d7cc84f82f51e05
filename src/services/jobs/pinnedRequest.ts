import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { Readable } from 'node:stream';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * One GET, never following redirects. With `pinned`, the socket connects to that address whatever
 * DNS would answer now: the name was resolved and checked once, and a second resolution is exactly
 * the gap a DNS-rebinding attacker uses. TLS still verifies the certificate against the URL's name.
 */
export function pinnedGet(url: URL, pinned: LookupAddress | undefined, signal?: AbortSignal | null): Promise<Response> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const lookup = pinned
    ? (_host: string, opts: { all?: boolean }, callback: LookupCallback) =>
      opts.all ? callback(null, [pinned]) : callback(null, pinned.address, pinned.family)
    : undefined;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', signal: signal ?? undefined, ...(lookup ? { lookup } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        return reject(new Error(`unexpected HTTP status ${status}`));
      }
      const noBody = status === 204 || status === 205 || status === 304;
      if (noBody) res.resume();
      const body = noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers: toHeaders(res.headers) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
