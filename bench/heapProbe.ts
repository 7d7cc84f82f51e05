import WebSocket from 'ws';

/** The inspector address a process started with `--inspect=127.0.0.1:0` prints on stderr. */
export const inspectorUrlIn = (stderr: string) => /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(stderr)?.[0];

/**
 * The live heap of another process: a full garbage collection, then the heap's used size, through the
 * inspector protocol (what a heap snapshot counts, without writing one).
 */
export async function liveHeapBytes(inspectorUrl: string): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  let nextId = 1;
  const call = (method: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const id = nextId++;
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
      if (message.id !== id) return;
      socket.off('message', onMessage);
      if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
      else resolve(message.result ?? {});
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, method }));
  });
  try {
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize as number;
  } finally {
    socket.close();
  }
}
