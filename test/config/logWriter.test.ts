import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function startChild(how: string, count: number, pad = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/config/fixtures/logWriterChild.ts', how, String(count), String(pad)], {
    cwd: root, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** The `i` of every line, in the order the lines arrived. */
const indexes = (text: string) => text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { i: number }).i);
const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('log lines on stdout', () => {
  it.each([
    ['exit', 'process.exit right after the last line', 3],
    ['throw', 'an uncaught exception right after the last line', 1],
    ['drain', 'the event loop running dry', 0],
  ])('keeps every line, in order, up to %s (%s)', async (how, _, code) => {
    const { child, exited } = startChild(how, 5_000, 200);
    const [out] = await Promise.all([readAll(child.stdout), readAll(child.stderr)]);
    expect(await exited).toBe(code);
    expect(indexes(out)).toEqual(upTo(5_000));
  });

  it('keeps the event loop turning while the reader of the pipe is not reading', async () => {
    // 4 MB of lines: far more than a pipe holds, so a synchronous write would block until read.
    const { child, exited } = startChild('stalled', 4_000, 1_000);
    child.stdout.pause();
    const report = await new Promise<{ loggingMs: number; timerDelayMs: number }>((resolve) => {
      child.stderr.once('data', (chunk: Buffer) => resolve(JSON.parse(String(chunk)) as { loggingMs: number; timerDelayMs: number }));
    });
    // Measured in the child while nobody read its stdout; with blocking writes it never reports at all.
    expect(report.timerDelayMs).toBeLessThan(5_000);
    const out = readAll(child.stdout);
    child.stdin.write('go\n');
    expect(indexes(await out)).toEqual(upTo(4_000));
    expect(await exited).toBe(0);
  });
});
