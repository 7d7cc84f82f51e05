import pg from 'pg';
import { postgresTypes } from './types.ts';

export interface DedicatedConnection {
  client: pg.Client;
  /** True once the connection failed or ended: its session's locks and LISTENs are gone with it. */
  lost(): boolean;
  close(): Promise<void>;
}

/**
 * A connection of its own, outside the pool, for what lives as long as a session: the shard leases'
 * advisory locks and LISTEN. TCP keepalive lets either side notice a peer that vanished.
 */
export async function openDedicatedConnection(connectionString: string, onLost?: (err: Error | undefined) => void): Promise<DedicatedConnection> {
  const client = new pg.Client({ connectionString, types: postgresTypes, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  let lost = false;
  let closing = false;
  const markLost = (err?: Error) => {
    if (lost) return;
    lost = true;
    if (!closing) onLost?.(err);
  };
  client.on('error', (err) => markLost(err));
  client.on('end', () => markLost());
  await client.connect();
  return {
    client,
    lost: () => lost,
    async close() {
      closing = true;
      if (!lost) await client.end().catch(() => undefined);
      lost = true;
    },
  };
}
