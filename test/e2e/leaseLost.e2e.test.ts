import { afterEach, describe, expect, it } from 'vitest';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const firstJob = (hh: Harness) => jobRows(hh.db)[0];

describe('a bot that lost its instance lease', () => {
  it('stops polling and exits with code 1 when its heartbeat finds the lease taken', async () => {
    const exits: number[] = [];
    h = await startHarness({ appDeps: { leaseHeartbeatMs: 50, exit: (code) => exits.push(code) } });
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => h!.apimart.polls().length >= 2, 10_000);

    // What a second instance does after this one stalled past the stale time: it writes itself in.
    h.db.prepare("UPDATE shard_lease SET host = 'other-host', pid = 4242, heartbeat_at = ?").run(Date.now());
    await h.discord.waitFor(() => exits.length > 0, 10_000);
    const pollsAtExit = h.apimart.polls().length;
    await sleep(500);

    expect(exits).toEqual([1]);
    expect(logEvents(h, 'instance_lease_lost')).toHaveLength(1);
    expect(logEvents(h, 'instance_lease_lost')[0]).toContain('"level":"error"');
    expect(h.apimart.polls().length).toBe(pollsAtExit);
    // The lease stays with the instance that took it.
    expect(h.db.prepare('SELECT host, pid FROM shard_lease').get()).toEqual({ host: 'other-host', pid: 4242 });
  });

  it('stores a task id that arrives after another instance quarantined the job, and delivers that job', async () => {
    h = await startHarness();
    const release = h.apimart.holdNextSubmit();
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => h!.apimart.submits().length === 1, 10_000);
    await h.discord.waitFor(() => firstJob(h!)?.status === 'submitting', 10_000);

    // The instance that took over quarantines the job whose POST was on the wire when this one stalled.
    const quarantined = await h.app.store.quarantineInterruptedSubmissions(Date.now());
    expect(quarantined.map((j) => j.status)).toEqual(['submit_unknown']);
    release();
    await h.discord.waitFor(() => firstJob(h!)?.status === 'delivered', 10_000);

    const task = [...h.apimart.tasks.keys()];
    expect(task).toHaveLength(1);
    expect(firstJob(h)).toMatchObject({ status: 'delivered', task_id: task[0], failure_code: null });
    expect(h.apimart.submits()).toHaveLength(1);
    expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
  });
});
