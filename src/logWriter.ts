import { write, writeSync } from 'node:fs';

/**
 * Log lines to a file descriptor (stdout by default) without blocking the event loop on it.
 *
 * Node writes stdout synchronously when it is a pipe, as it is under systemd, a container runtime or
 * a parent process: a burst of commands then waits on whoever reads the pipe, line by line. Here a
 * line only joins a queue; the queue leaves in chunks through libuv's thread pool, one write in flight
 * at a time, so lines keep their order. What is still queued when the process exits (process.exit,
 * an uncaught exception, a signal handler that exits) is written synchronously by an 'exit' listener,
 * and libuv finishes a write already handed to its thread pool before the process ends. Only SIGKILL
 * or a fatal V8 error can lose lines, at most those of the last turn of the event loop.
 */
export interface LogWriter {
  write(line: string): void;
}

/**
 * A write of at most PIPE_BUF bytes to a pipe is atomic: a chunk still in flight when the exit
 * listener writes the rest can come out before that rest, but never torn in the middle of a line.
 */
const chunkBytes = 4096;
/** A non-blocking descriptor (a pipe that another stream set up) refuses while the reader is behind. */
const retryBusyMs = 2;
const exitRetryLimitMs = 5_000;

export function createLogWriter(fd = 1): LogWriter {
  const queue: string[] = [];
  let scheduled = false;
  /** The chunk being written; `waiting` once the thread pool is done with it but bytes remain. */
  let current: { chunk: Buffer; offset: number; waiting: boolean } | undefined;

  const takeChunk = (): Buffer => {
    let text = '';
    while (queue.length > 0 && (text === '' || text.length + (queue[0] as string).length <= chunkBytes)) text += queue.shift();
    return Buffer.from(text);
  };

  const writeCurrent = (): void => {
    const c = current as NonNullable<typeof current>;
    c.waiting = false;
    write(fd, c.chunk, c.offset, c.chunk.length - c.offset, null, (err, written) => {
      if (current !== c) return;
      if (err && (err as NodeJS.ErrnoException).code === 'EAGAIN') {
        c.waiting = true;
        setTimeout(() => current === c && writeCurrent(), retryBusyMs).unref();
        return;
      }
      // A closed or broken descriptor has no reader left: the lines cannot go anywhere.
      if (err) queue.length = 0;
      else if ((c.offset += written) < c.chunk.length) return writeCurrent();
      current = undefined;
      if (queue.length > 0) startWriting();
    });
  };

  function startWriting(): void {
    scheduled = false;
    if (current || queue.length === 0) return;
    current = { chunk: takeChunk(), offset: 0, waiting: false };
    writeCurrent();
  }

  function flushSync(): void {
    if (current?.waiting) writeAllSync(fd, current.chunk.subarray(current.offset));
    current = undefined;
    while (queue.length > 0) writeAllSync(fd, takeChunk());
  }

  process.on('exit', flushSync);

  return {
    write(line) {
      queue.push(`${line}\n`);
      // The first chunk leaves after this turn of the event loop, so lines logged just before a
      // synchronous process.exit are still queued (and written in order) when the exit listener runs.
      if (!current && !scheduled) {
        scheduled = true;
        setImmediate(startWriting).unref();
      }
    },
  };
}

function writeAllSync(fd: number, chunk: Buffer): void {
  const giveUpAt = Date.now() + exitRetryLimitMs;
  let offset = 0;
  while (offset < chunk.length) {
    try {
      offset += writeSync(fd, chunk, offset, chunk.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > giveUpAt) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, retryBusyMs);
    }
  }
}
