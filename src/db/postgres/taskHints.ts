import type pg from 'pg';
import type { TaskHintListener } from '../hostCoordination.ts';
import { openDedicatedConnection, type DedicatedConnection } from './dedicatedConnection.ts';

const channel = 'task_hint';
const reconnectMs = 1_000;

/** Any host that receives the provider's callback passes it on; payloads are task ids, checked by the listener. */
export async function publishTaskHint(pool: pg.Pool, taskId: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [channel, taskId]);
}

/**
 * LISTENs on a connection of its own (a pooled one may be handed to another query between
 * notifications). A lost connection is opened again; a hint missed meanwhile only costs the job its
 * next poll, which stays the source of truth.
 */
export async function listenForTaskHints(connectionString: string, onHint: (taskId: string) => void, onError: (err: unknown) => void): Promise<TaskHintListener> {
  let stopped = false;
  let current: DedicatedConnection | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const connection = await openDedicatedConnection(connectionString, (err) => {
      onError(err ?? new Error('task hint connection ended'));
      if (!stopped) retry = setTimeout(() => void connect().catch(reconnectLater), reconnectMs);
    });
    connection.client.on('notification', (message) => {
      if (message.channel === channel && message.payload) onHint(message.payload);
    });
    await connection.client.query(`LISTEN ${channel}`);
    if (stopped) await connection.close();
    else current = connection;
  }
  function reconnectLater(err: unknown): void {
    onError(err);
    if (!stopped) retry = setTimeout(() => void connect().catch(reconnectLater), reconnectMs);
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await current?.close();
    },
  };
}
