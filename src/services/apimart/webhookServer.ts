import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logger.ts';

/** A callback is a task status (a few KB); anything much larger is not one. */
const maxCallbackBytes = 64 * 1024;
const taskIdPattern = /^[\w-]{1,128}$/;

export interface WebhookServer {
  /** The value to send as `webhook`; the provider posts to `<this>/callback`. */
  webhookUrl: string;
  port: number;
  close(): Promise<void>;
}

/** The value sent as `webhook`: the provider posts to `<this>/callback`. */
export const webhookUrlFor = (publicUrl: string, secret: string) => `${publicUrl.replace(/\/+$/, '')}/${secret}`;

/**
 * Serves the provider's task callbacks at `/<secret>/callback` (any prefix a reverse proxy keeps in
 * front of it). The secret is random per process, or one the hosts share, so only the provider, which
 * was given it in the submit, can reach the handler. Nothing in the body is trusted beyond the task id
 * it names, and that only as a hint: the bot then asks the provider itself.
 */
export async function startWebhookServer(opts: {
  publicUrl: string; host: string; port: number; logger: Logger; onTaskHint: (taskId: string) => void; secret?: string;
}): Promise<WebhookServer> {
  const secret = opts.secret ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(`/${secret}/callback`);
  const pathMatches = (path: string) => {
    const tail = Buffer.from(path.slice(-expected.length));
    return tail.length === expected.length && timingSafeEqual(tail, expected);
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !pathMatches(path)) {
      res.writeHead(404).end();
      return;
    }
    void readCapped(req).then((body) => {
      // Answered at once: the provider retries a slow or failed callback, which would only add load.
      res.writeHead(body === undefined ? 413 : 204, body === undefined ? { connection: 'close' } : {}).end();
      const taskId = body === undefined ? undefined : taskIdOf(body);
      if (taskId) opts.onTaskHint(taskId);
      else opts.logger.debug('webhook_callback_ignored', { bytes: body?.length });
    }, () => res.destroy());
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  opts.logger.info('webhook_server_listening', { host: opts.host, port });
  return {
    webhookUrl: webhookUrlFor(opts.publicUrl, secret),
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The body as text, or undefined when it passes the cap (reading stops there). */
async function readCapped(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > maxCallbackBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The task id a callback names (the status answer's `data.id`), if it looks like one. */
function taskIdOf(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const record = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const data = record(record(json).data);
  const candidate = data.id ?? data.task_id ?? record(json).id ?? record(json).task_id;
  return typeof candidate === 'string' && taskIdPattern.test(candidate) ? candidate : undefined;
}
