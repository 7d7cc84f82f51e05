import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createInstanceLease } from '../../src/db/sqlite/instanceLease.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { isProcessRunning, processStartTime } from '../../src/processLiveness.ts';

/** A zombie: the child of a process that never reaps it (the exec'd sleep does not wait for its children). */
async function withZombie(run: (pid: number) => Promise<void>): Promise<void> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
    for (let i = 0; i < 100 && isProcessRunning(pid, null); i++) await new Promise((r) => setTimeout(r, 20));
    // The pid still answers signal 0: that alone used to count as a live holder.
    expect(() => process.kill(pid, 0)).not.toThrow();
    await run(pid);
  } finally {
    parent.kill('SIGKILL');
  }
}

const lease = async (holderPid: number, holderStarted: string | null) => {
  const db = openDatabase(':memory:');
  await createInstanceLease(db, { host: 'box', pid: holderPid, started: holderStarted }, { staleMs: 60_000, isAlive: isProcessRunning, shardIds: [0], shardCount: 1 }).acquire(0);
  return createInstanceLease(db, { host: 'box', pid: 999_999_999 }, { staleMs: 60_000, isAlive: isProcessRunning, shardIds: [0], shardCount: 1 });
};

describe('lease holder liveness', () => {
  it('counts this very process as running, with its own start time', async () => {
    expect(isProcessRunning(process.pid, processStartTime(process.pid))).toBe(true);
    await expect((await lease(process.pid, processStartTime(process.pid))).acquire(1_000)).rejects.toThrow(/another bot instance/);
  });

  it('counts a zombie holder (killed, not yet reaped) as gone, so a restart right after kill -9 starts', async () => {
    await withZombie(async (pid) => {
      expect(isProcessRunning(pid, null)).toBe(false);
      await expect((await lease(pid, null)).acquire(1_000)).resolves.toBeUndefined();
    });
  });

  it('counts a pid reused by a process that started at another time as gone', async () => {
    const started = processStartTime(process.pid);
    expect(started).not.toBeNull();
    const other = String(Number(started) + 1);
    expect(isProcessRunning(process.pid, other)).toBe(false);
    await expect((await lease(process.pid, other)).acquire(1_000)).resolves.toBeUndefined();
  });
});
