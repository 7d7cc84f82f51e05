import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthServerDeps {
  host: string;
  port: number;
  registry: Registry;
  /** Why the bot is unhealthy, or null when it is healthy. */
  unhealthyReason: () => Promise<string | null>;
}

/** GET /healthz (200 or 503) and GET /metrics (Prometheus text); nothing else is served. */
export function createHealthServer(deps: HealthServerDeps) {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      deps.unhealthyReason().then(
        (reason) => res.writeHead(reason === null ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' })
          .end(reason === null ? 'ok\n' : `${reason}\n`),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === '/metrics') {
      deps.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': deps.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return {
    /** Resolves with the bound address and port (port 0 picks a free one). */
    listen: () => new Promise<{ address: string; port: number }>((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.port, deps.host, () => {
        server.off('error', reject);
        const bound = server.address();
        resolve(typeof bound === 'object' && bound !== null ? { address: bound.address, port: bound.port } : { address: deps.host, port: deps.port });
      });
    }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
