import type { Clock, TimerHandle } from '../../clock.ts';
import type { ChannelEditLimits } from './channelEditLimits.ts';
import type { EditPace } from './editPace.ts';

/** A job's edit, read and rendered: where it goes, and how to send it or put it back. */
export interface PreparedEdit {
  /**
   * Set when the write goes with the bot token (the interaction token is too old): its route in the
   * channel, an edit of the card or a new card, each with a bucket of its own there.
   */
  channelRoute?: string;
  send(): Promise<void>;
  /** The channel's bucket is full: the job waits in the channel's line, and is read again when its turn comes. */
  putBack(): void;
}

export interface StatusPumpDeps {
  clock: Clock;
  pace: EditPace;
  channelLimits: ChannelEditLimits;
  maxInFlight: number;
  /** Reads and renders a job's card; undefined when there is nothing to write. */
  readEdit(jobId: number): Promise<PreparedEdit | undefined>;
}

/**
 * The queue of job ids whose status is due, drained at the bot-wide pace of interaction edits and, for
 * edits with the bot token, within each channel's bucket. Each job is read when its turn comes, so an
 * edit shows the latest state and nothing stale waits inside the REST client.
 */
export function createStatusPump(deps: StatusPumpDeps) {
  const { clock, pace, channelLimits } = deps;
  const ready = new Set<number>();
  /** Per route in a channel, the jobs waiting for its bucket, in order, and the timer that lets the next one go. */
  const channelLines = new Map<string, { jobIds: number[]; timer?: TimerHandle }>();
  /** Jobs let out of their channel's line: their turn has come, ahead of edits that came later. */
  const turnCame = new Set<number>();
  let inFlight = 0;
  let pumpTimer: TimerHandle | undefined;
  let stopped = false;
  let pumping = false;
  let pumpAgain = false;

  function waitForRoute(route: string, jobId: number, first: boolean): void {
    let line = channelLines.get(route);
    if (!line) channelLines.set(route, (line = { jobIds: [] }));
    if (first) line.jobIds.unshift(jobId);
    else line.jobIds.push(jobId);
    armRoute(route);
  }

  function armRoute(route: string): void {
    const line = channelLines.get(route);
    if (!line || line.timer || stopped) return;
    line.timer = clock.setTimeout(() => {
      line.timer = undefined;
      const next = line.jobIds.shift();
      if (line.jobIds.length === 0) channelLines.delete(route);
      else armRoute(route);
      if (next === undefined) return;
      turnCame.add(next);
      add(next);
    }, Math.max(1, channelLimits.waitMs(route)));
  }

  function add(jobId: number): void {
    ready.add(jobId);
    pump();
  }

  /** One pass at a time: a pass reads each job before it counts a write, and two interleaving would count the same free slots. */
  function pump(): void {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    void pumpReady().finally(() => {
      pumping = false;
      if (!pumpAgain) return;
      pumpAgain = false;
      pump();
    });
  }

  async function pumpReady(): Promise<void> {
    for (const jobId of ready) {
      if (stopped || inFlight >= deps.maxInFlight) return;
      const waitMs = pace.waitMs();
      if (waitMs > 0) {
        pumpTimer ??= clock.setTimeout(() => { pumpTimer = undefined; pump(); }, waitMs);
        return;
      }
      ready.delete(jobId);
      const turn = turnCame.delete(jobId);
      const edit = await deps.readEdit(jobId);
      if (!edit || stopped) continue;
      if (edit.channelRoute !== undefined) {
        if (channelLimits.waitMs(edit.channelRoute) > 0 || (channelLines.has(edit.channelRoute) && !turn)) {
          edit.putBack();
          waitForRoute(edit.channelRoute, jobId, turn);
          continue;
        }
        channelLimits.take(edit.channelRoute);
      }
      pace.take();
      inFlight++;
      void edit.send().finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    add,
    stop(): void {
      stopped = true;
      if (pumpTimer) clock.clearTimeout(pumpTimer);
      for (const line of channelLines.values()) if (line.timer) clock.clearTimeout(line.timer);
      channelLines.clear();
      turnCame.clear();
      ready.clear();
    },
  };
}

export type StatusPump = ReturnType<typeof createStatusPump>;
