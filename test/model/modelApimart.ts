import type { ApimartClient, TaskStatus, VideoGenerationRequest } from '../../src/services/apimart/client.ts';
import {
  ApimartHttpError,
  ApimartNetworkError,
  ApimartResponseShapeError,
  ApimartTimeoutError,
  type ApimartErrorContext,
} from '../../src/services/apimart/errors.ts';
import type { ClockView } from './manualClock.ts';

/** What the next POST /v1/videos/generations does. */
export const submitModes = [
  'ok', // answered with a task id
  'slowOk', // task created, the answer arrives 20 s later (a crash in between loses it)
  'lostReset', // task created, the connection resets before the answer (requestSent: true)
  'lostTimeout', // task created, no answer within the 30 s request timeout
  'rateLimited', // 429, no Retry-After
  'rateLimitedRetryAfter', // 429 with Retry-After: 30
  'connRefused', // ECONNREFUSED: provably never sent
  'rejected400', // invalid request
  'moderation400', // refused by moderation
  'unavailable402', // balance exhausted
  'server500', // the provider failed; nothing was created, but the bot cannot know that
  'garbled200', // task created, but the 200 answer cannot be read
] as const;
export type SubmitMode = (typeof submitModes)[number];

/** What a GET /v1/tasks/{id} does to a task still processing (errors apply to any task). */
export const pollModes = [
  'progress', // 25 % more per poll, completed on the fourth
  'stall', 'complete', 'completeExpiring', 'completeGoneUrl', 'completeNoUrl',
  'fail', 'moderationFail', 'error502', 'networkError',
  'rateLimited', // 429 with Retry-After: 60
  'garbled', // a 200 whose body cannot be read
] as const;
export type PollMode = (typeof pollModes)[number];

export const costModes = ['none', 'exact', 'discount', 'surcharge'] as const;
export type CostMode = (typeof costModes)[number];

/** Submit modes after which the job may be submitted again: the provider certainly made nothing. */
export const refusedSubmitModes: readonly SubmitMode[] = ['rateLimited', 'rateLimitedRetryAfter', 'connRefused'];
/** Submit modes whose outcome the bot cannot know (it must not resubmit, and keeps the reservation). */
export const ambiguousSubmitModes: readonly SubmitMode[] = ['slowOk', 'lostReset', 'lostTimeout', 'server500', 'garbled200'];

export interface SubmitCall {
  jobId: number;
  mode: SubmitMode;
  at: number;
  taskId: string | null;
  retryAfterMs: number | null;
  /** 'pending' while the answer has not arrived (and forever if the process died meanwhile). */
  answer: 'pending' | 'ok' | 'error';
}

export interface ProviderTask {
  id: string;
  jobId: number;
  durationSec: number;
  createdAt: number;
  state: 'processing' | 'completed' | 'failed';
  progress: number;
  polls: number;
  videoUrl?: string;
  expiresAtMs?: number;
  costMicros?: number;
  error?: { code?: string | number; message: string; type?: string };
}

export interface ModelProcess {
  clock: ClockView;
  /** The job whose stored Idempotency-Key this is (the key itself is random). */
  jobIdForKey(key: string): Promise<number | undefined>;
}

const submitCtx: ApimartErrorContext = { operation: 'submit', method: 'POST', path: '/v1/videos/generations' };
const taskCtx = (id: string): ApimartErrorContext => ({ operation: 'getTask', method: 'GET', path: `/v1/tasks/${id}` });
export const videoHost = 'https://cdn.model.test';
// The default model's price (Seedance 2.0 Fast at 720p), so an exact cost settles at the estimate.
const pricePerSecondMicros = 85_600;

/** The provider's side: tasks survive the bot's restarts; each process talks to it through `client()`. */
export class ModelProvider {
  submitSticky: SubmitMode = 'ok';
  submitQueue: SubmitMode[] = [];
  pollSticky: PollMode = 'progress';
  pollQueue: PollMode[] = [];
  costMode: CostMode = 'exact';
  readonly tasks = new Map<string, ProviderTask>();
  readonly submits: SubmitCall[] = [];
  getTaskCalls = 0;
  /** Polling faults seen by the fake: a GET before the Retry-After it asked for, or faster than the minimum interval. */
  readonly pollViolations: string[] = [];
  /** Receives one line per call, for the trace of a counterexample. */
  log: (line: string) => void = () => undefined;
  private taskSeq = 0;

  tasksForJob(jobId: number): ProviderTask[] {
    return [...this.tasks.values()].filter((t) => t.jobId === jobId);
  }

  submitsForJob(jobId: number): SubmitCall[] {
    return this.submits.filter((s) => s.jobId === jobId);
  }

  private createTask(jobId: number, req: VideoGenerationRequest, now: number): ProviderTask {
    this.taskSeq += 1;
    const task: ProviderTask = {
      id: `task_${String(this.taskSeq).padStart(4, '0')}`, jobId, durationSec: Number(req.duration), createdAt: now,
      state: 'processing', progress: 0, polls: 0,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  private cost(task: ProviderTask): number | undefined {
    const estimate = task.durationSec * pricePerSecondMicros;
    switch (this.costMode) {
      case 'none': return undefined;
      case 'exact': return estimate;
      case 'discount': return Math.round(estimate * 0.75);
      case 'surcharge': return Math.round(estimate * 1.25);
    }
  }

  private advanceTask(task: ProviderTask, mode: PollMode, now: number): void {
    if (task.state !== 'processing') return;
    switch (mode) {
      case 'progress':
        // A healthy task: 25 % per poll, then done.
        if (task.progress < 75) {
          task.progress += 25;
          return;
        }
        this.advanceTask(task, 'complete', now);
        return;
      case 'stall':
      case 'error502':
      case 'networkError':
      case 'rateLimited':
      case 'garbled':
        return;
      case 'complete':
      case 'completeExpiring':
      case 'completeGoneUrl':
        task.state = 'completed';
        task.progress = 100;
        task.videoUrl = `${videoHost}/${mode === 'completeGoneUrl' ? 'gone' : 'v'}/${task.id}.mp4`;
        if (mode === 'completeExpiring') task.expiresAtMs = now + 60_000;
        task.costMicros = this.cost(task);
        return;
      case 'completeNoUrl':
        task.state = 'completed';
        task.progress = 100;
        task.costMicros = this.cost(task);
        return;
      case 'fail':
        task.state = 'failed';
        task.error = { code: 'generation_failed', message: 'the model could not render this', type: 'server_error' };
        return;
      case 'moderationFail':
        task.state = 'failed';
        task.error = { code: 'moderation_blocked', message: 'blocked by moderation', type: 'moderation_blocked' };
    }
  }

  private statusOf(task: ProviderTask): TaskStatus {
    return {
      taskId: task.id,
      state: task.state,
      rawStatus: task.state,
      progress: task.progress,
      estimatedTimeSec: 120,
      videoUrl: task.videoUrl,
      videoExpiresAtMs: task.expiresAtMs,
      costMicros: task.costMicros,
      error: task.error,
    };
  }

  /** The client one process uses; once the process is dead its unanswered calls never settle. */
  client(proc: ModelProcess, pollMinIntervalMs = 0): ApimartClient {
    // Per process: a restart forgets a poll's Retry-After and the last poll time (neither is worth persisting).
    const lastPoll = new Map<string, number>();
    const notBefore = new Map<string, number>();
    const never = <T>() => new Promise<T>(() => undefined);
    const later = <T>(ms: number, answer: () => T | Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        proc.clock.setTimeout(() => {
          try {
            resolve(answer());
          } catch (err) {
            reject(err);
          }
        }, ms);
      });

    return {
      submit: async (req, opts) => {
        if (!proc.clock.alive) return never();
        const jobId = await proc.jobIdForKey(opts.idempotencyKey);
        if (!proc.clock.alive) return never();
        if (jobId === undefined) throw new Error(`model: no job has the idempotency key ${opts.idempotencyKey}`);
        const mode = this.submitQueue.shift() ?? this.submitSticky;
        const now = proc.clock.now();
        const call: SubmitCall = { jobId, mode, at: now, taskId: null, retryAfterMs: null, answer: 'pending' };
        this.submits.push(call);
        this.log(`    apimart submit job #${jobId} [${mode}]`);
        const fail = (err: Error) => {
          call.answer = 'error';
          throw err;
        };
        switch (mode) {
          case 'ok': {
            const task = this.createTask(jobId, req, now);
            call.taskId = task.id;
            call.answer = 'ok';
            return { taskId: task.id };
          }
          case 'slowOk': {
            const task = this.createTask(jobId, req, now);
            call.taskId = task.id;
            return later(20_000, () => {
              call.answer = 'ok';
              return { taskId: task.id };
            });
          }
          case 'lostReset': {
            call.taskId = this.createTask(jobId, req, now).id;
            const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
            return fail(new ApimartNetworkError(submitCtx, true, 'ECONNRESET', reset));
          }
          case 'lostTimeout':
            call.taskId = this.createTask(jobId, req, now).id;
            return later(30_000, () => fail(new ApimartTimeoutError(submitCtx, 30_000)));
          case 'rateLimited':
            return fail(new ApimartHttpError(submitCtx, { status: 429, type: 'rate_limit_error', providerMessage: 'slow down' }));
          case 'rateLimitedRetryAfter':
            call.retryAfterMs = 30_000;
            return fail(new ApimartHttpError(submitCtx, { status: 429, type: 'rate_limit_error', retryAfterMs: 30_000 }));
          case 'connRefused': {
            const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
            return fail(new ApimartNetworkError(submitCtx, false, 'ECONNREFUSED', refused));
          }
          case 'rejected400':
            return fail(new ApimartHttpError(submitCtx, { status: 400, type: 'invalid_request_error', code: 'invalid_prompt', providerMessage: 'bad prompt' }));
          case 'moderation400':
            return fail(new ApimartHttpError(submitCtx, { status: 400, type: 'content_policy_violation', code: 'moderation_blocked' }));
          case 'unavailable402':
            return fail(new ApimartHttpError(submitCtx, { status: 402, type: 'payment_required', providerMessage: 'insufficient balance' }));
          case 'server500':
            return fail(new ApimartHttpError(submitCtx, { status: 500, type: 'server_error' }));
          case 'garbled200':
            call.taskId = this.createTask(jobId, req, now).id;
            return fail(new ApimartResponseShapeError(submitCtx, 200, 'no task id'));
        }
      },

      getTask: async (taskId) => {
        if (!proc.clock.alive) return never();
        this.getTaskCalls += 1;
        const now = proc.clock.now();
        const task = this.tasks.get(taskId);
        if (!task) throw new ApimartHttpError(taskCtx(taskId), { status: 404, type: 'not_found' });
        task.polls += 1;
        const allowedAt = notBefore.get(taskId) ?? 0;
        if (now < allowedAt) this.pollViolations.push(`${taskId} polled ${allowedAt - now} ms before its Retry-After ended`);
        const previous = lastPoll.get(taskId);
        if (previous !== undefined && now - previous < pollMinIntervalMs) {
          this.pollViolations.push(`${taskId} polled ${now - previous} ms after the previous poll (minimum ${pollMinIntervalMs})`);
        }
        lastPoll.set(taskId, now);
        const mode = this.pollQueue.shift() ?? this.pollSticky;
        this.log(`    apimart getTask ${taskId} of job #${task.jobId} [${mode}]`);
        if (mode === 'rateLimited') {
          notBefore.set(taskId, now + 60_000);
          throw new ApimartHttpError(taskCtx(taskId), { status: 429, type: 'rate_limit_error', retryAfterMs: 60_000 });
        }
        if (mode === 'garbled') throw new ApimartResponseShapeError(taskCtx(taskId), 200, 'data: Required');
        if (mode === 'error502') throw new ApimartHttpError(taskCtx(taskId), { status: 502, type: 'bad_gateway' });
        if (mode === 'networkError') {
          throw new ApimartNetworkError(taskCtx(taskId), true, 'ECONNRESET', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
        }
        this.advanceTask(task, mode, now);
        return this.statusOf(task);
      },

      getBalance: async () => {
        if (!proc.clock.alive) return never();
        return { remainingUsd: 12.5, usedUsd: 3, unlimited: false };
      },

      // The modelled world checks no model list and carries no reference image.
      listModels: async () => {
        throw new Error('model: the modelled processes never read the model list');
      },
      uploadImage: async () => {
        throw new Error('model: no job of the model has a reference image');
      },
    };
  }
}
