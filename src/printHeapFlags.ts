/**
 * `npm start` runs `node $(tsx src/printHeapFlags.ts) --import tsx src/main.ts`: V8's heap flags must be
 * given before the heap exists, so they are worked out from the configuration in a process of their
 * own.
 */
import { loadConfigFromEnvironment } from './config.ts';
import { heapFlags } from './heapFlags.ts';

let flags: string[] = [];
try {
  flags = heapFlags(loadConfigFromEnvironment());
} catch {
  // An invalid configuration: main.ts, started next, says what is wrong.
}
process.stdout.write(flags.join(' '));
