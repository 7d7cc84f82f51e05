import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Log lines to a file descriptor (stdout by default) without blocking the event loop on it.
 *
 * Node writes stdout synchronously when it is a pipe, as it is under systemd, a container runtime or
 * a parent process: a burst of commands then waits on whoever reads the pipe, line by line. Here a
 * line only joins a queue; once per turn of the event loop the queue goes, as one chunk, to a small
 * worker thread that writes the chunks in the order they came, blocking only itself. When the process
 * exits (process.exit, an uncaught exception, a signal handler that exits), an 'exit' listener hands
 * over what is still queued and waits until the worker has written every chunk: a chunk the worker is
 * still writing cannot be overtaken, as a write from the main thread could. Only SIGKILL or a fatal V8
 * error can lose lines, and a reader that takes nothing for 5 s at exit the ones it did not take.
 */
export interface LogWriter {
  write(line: string): void;
}

const exitWaitLimitMs = 5_000;
/** A non-blocking descriptor (a pipe that another stream set up) refuses while the reader is behind. */
const retryBusyMs = 2;

const writerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const written = new Int32Array(workerData.written);
const pause = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (chunk) => {
  const bytes = Buffer.from(chunk);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(workerData.fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      if (err.code !== 'EAGAIN') break;
      Atomics.wait(pause, 0, 0, ${retryBusyMs});
    }
  }
  Atomics.add(written, 0, 1);
  Atomics.notify(written, 0);
});
`;

export function createLogWriter(fd = 1): LogWriter {
  const queue: string[] = [];
  let scheduled = false;
  let sent = 0;
  const written = new Int32Array(new SharedArrayBuffer(4));
  /** Started by the first chunk; `null` once it failed, and chunks are written synchronously instead. */
  let worker: Worker | null | undefined;
  let watchingExit = false;

  // About 10 MB of RSS: the price of a writer that never blocks the event loop and keeps lines in order.
  const startWorker = (): Worker => {
    const started = new Worker(writerSource, { eval: true, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 64 }, workerData: { fd, written: written.buffer } });
    // Not a reason to keep the process alive: the 'exit' listener waits for what it was given.
    started.unref();
    started.on('error', () => {
      worker = null;
    });
    return started;
  };

  const handOver = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const chunk = queue.join('');
    queue.length = 0;
    if (worker === undefined) worker = startWorker();
    if (worker) {
      worker.postMessage(chunk);
      sent++;
    } else {
      writeAllSync(fd, Buffer.from(chunk));
    }
  };

  const onExit = (): void => {
    // A worker cannot start while the process exits: with none yet, the rest is written from here.
    if (worker === undefined) worker = null;
    handOver();
    const giveUpAt = Date.now() + exitWaitLimitMs;
    for (let done = Atomics.load(written, 0); worker && done < sent && Date.now() < giveUpAt; done = Atomics.load(written, 0)) {
      Atomics.wait(written, 0, done, 50);
    }
  };

  return {
    write(line) {
      if (!watchingExit) {
        watchingExit = true;
        process.on('exit', onExit);
      }
      queue.push(`${line}\n`);
      // The chunk leaves after this turn of the event loop, so lines logged just before a synchronous
      // process.exit are still queued (and handed over in order) when the exit listener runs.
      if (!scheduled) {
        scheduled = true;
        setImmediate(handOver).unref();
      }
    },
  };
}

function writeAllSync(fd: number, chunk: Buffer): void {
  const giveUpAt = Date.now() + exitWaitLimitMs;
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
