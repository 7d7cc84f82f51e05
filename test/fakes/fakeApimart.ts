import { randomInt } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentModelIds, reportedCostUsd, submitProblem } from './fakeApimartModels.ts';
import { createProviderModel, type ModelledTask, type ProviderModel, type ProviderModelOptions } from './fakeProviderModel.ts';
import { createCallbackFaults, type CallbackFates, type CallbackFaultOptions, type CallbackFaults } from './fakeCallbackFaults.ts';
import { FakeModelList } from './fakeApimartModelList.ts';
import { FakeUploads, UPLOAD_PATH } from './fakeApimartUploads.ts';

export type FakeAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { raw: string; status?: number }
  | { hang: true }
  | { destroyAfterReceive: true };

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
  /** 0 while unanswered, and for hang / destroyAfterReceive answers. */
  status: number;
}

export type UrlShape = 'array' | 'string' | 'missing';
export interface FakeProviderError { code: number | string; message: string; type: string }
export interface FakeTaskPlan {
  pollsUntilComplete?: number;
  /** Completes on the first poll at or after this wall-clock time instead of by poll count. */
  completeAtMs?: number;
  outcome?: 'completed' | 'failed' | 'cancelled' | 'never';
  error?: FakeProviderError;
  videoBytes?: Buffer;
  urlShape?: UrlShape;
  /** USD; null omits the field. */
  cost?: number | null;
  expiresAtSec?: number;
  estimatedTimeSec?: number;
  /** The link the result names instead of the fake's own file (a hostile provider or relay). */
  videoUrl?: string;
  /** Serving the file answers with this content type instead of video/mp4. */
  fileContentType?: string;
  /** Serving the file answers 302 to this location (once) instead of the bytes. */
  fileRedirectTo?: string;
}
export interface FakeTask {
  id: string;
  request: Record<string, unknown>;
  idempotencyKey?: string;
  createdAtMs: number;
  completedAtMs?: number;
  polls: number;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  plan: FakeTaskPlan;
  expired: boolean;
  /** The submit's `webhook`: the task's changes are POSTed to `<webhook>/callback`. */
  webhook?: string;
  modelled?: ModelledTask;
}

export interface FakeCallback { taskId: string; url: string; at: number; status: number }

const SUBMIT_PATH = '/v1/videos/generations';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,191}$/;
const TASK_PATH = /^\/v1\/tasks\/([^/]+)$/;
const FILE_PATH = /^\/files\/([^/]+)\.mp4$/;
const VIDEO_TTL_SEC = 72 * 3600;
// An `ftyp` box, so content sniffers recognise the default bytes as MP4.
const SMALL_MP4 = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex');
const MODERATION_MESSAGE: Record<string, string> = {
  en: 'Your request was blocked by our moderation system.',
  ja: 'リクエストはモデレーションシステムによってブロックされました。',
};

const apiError = (code: number, type: string, message: string) => ({ error: { code, message, type } });
const toSec = (ms: number) => Math.floor(ms / 1000);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ulidish(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  for (let t = Date.now(), i = 0; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32] + time;
  return time + Array.from({ length: 16 }, () => alphabet[randomInt(32)]).join('');
}

export class FakeApimart {
  readonly requests: FakeRequest[] = [];
  readonly tasks = new Map<string, FakeTask>();
  /** The models this key can call: today's models and Sora 2 (see fakeApimartModels.ts). */
  readonly models = new Set(currentModelIds);
  defaults = {
    pollsUntilComplete: 2,
    estimatedTimeSec: 120,
    videoBytes: SMALL_MP4,
    urlShape: 'array' as UrlShape,
    cost: undefined as number | null | undefined,
    responseShape: 'array' as 'array' | 'object',
  };
  balance = { success: true, remain_balance: 100, used_balance: 0, unlimited_quota: false };
  private readonly submitScript: FakeAnswer[] = [];
  private readonly pollScript: FakeAnswer[] = [];
  private readonly nextPlans: FakeTaskPlan[] = [];
  private readonly submitHolds: Promise<void>[] = [];
  private providerModel?: ProviderModel;
  private callbackFaults?: CallbackFaults;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Every callback POST the fake made (including retries). */
  readonly callbacks: FakeCallback[] = [];
  /** Like apimart: no 2xx in about 10 s, or a 5xx, is retried after 10, 30 and 60 s. */
  callbackRetryDelaysMs = [10_000, 30_000, 60_000];
  callbackTimeoutMs = 10_000;
  /** A provider that does not know the field refuses a submit carrying `webhook` with 400. */
  rejectWebhookField = false;
  /** `GET /v1/models`, and the models a submit answers 503 model_not_found for. */
  readonly modelList = new FakeModelList(() => this.models);
  /** `POST /v1/uploads/images` and the files it serves. */
  readonly uploads: FakeUploads;

  private constructor(private readonly server: Server, readonly baseUrl: string, readonly apiKey: string) {
    this.uploads = new FakeUploads(baseUrl);
  }

  static async start(opts: { apiKey?: string; models?: string[] } = {}): Promise<FakeApimart> {
    const server = createServer();
    // A deep accept queue: bursts of new connections must not be dropped (and retried seconds later) by the fake.
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeApimart(server, `http://127.0.0.1:${port}`, opts.apiKey ?? 'sk-fake-apimart-key');
    for (const model of opts.models ?? []) fake.models.add(model);
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    return fake;
  }

  submits(): FakeRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === SUBMIT_PATH);
  }
  polls(taskId?: string): FakeRequest[] {
    const matches = (path: string) => (taskId ? path === `/v1/tasks/${taskId}` : TASK_PATH.test(path));
    return this.requests.filter((r) => r.method === 'GET' && matches(r.path));
  }
  scriptSubmit(...answers: FakeAnswer[]): void {
    this.submitScript.push(...answers);
  }
  /** Opt-in realism: queueing, run times of 0.5–2× the estimate, uneven progress, refused polls. */
  useProviderModel(opts: ProviderModelOptions): void {
    this.providerModel = createProviderModel(opts);
  }

  /** Callbacks as an unreliable network delivers them: some lost, some late, some twice (see `fates`). */
  useCallbackFaults(opts: CallbackFaultOptions): CallbackFates {
    this.callbackFaults = createCallbackFaults(opts);
    return this.callbackFaults.fates;
  }

  /** The next submit is received at once but answered only when the returned function is called. */
  holdNextSubmit(): () => void {
    let release = () => {};
    this.submitHolds.push(new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }
  scriptPoll(...answers: FakeAnswer[]): void {
    this.pollScript.push(...answers);
  }

  /** 'next' queues a plan for the next created task (FIFO); a task id amends that task's plan. */
  setTaskPlan(taskIdOrNext: string, plan: FakeTaskPlan): void {
    if (taskIdOrNext === 'next') this.nextPlans.push(plan);
    else Object.assign(this.task(taskIdOrNext).plan, plan);
  }
  completeTask(taskId: string, overrides: FakeTaskPlan = {}): void {
    this.finish(this.task(taskId), 'completed', overrides);
  }
  failTask(taskId: string, error?: FakeProviderError): void {
    this.finish(this.task(taskId), 'failed', error ? { error } : {});
  }
  expireVideo(taskId: string): void {
    this.task(taskId).expired = true;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private task(id: string): FakeTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`fake apimart has no task ${id}`);
    return task;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const isUpload = url.pathname === UPLOAD_PATH;
    const body = isUpload ? undefined : parseBody(raw.toString('utf8'));
    const method = req.method ?? 'GET';
    const rec: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, at: Date.now(), status: 0 };
    this.requests.push(rec);
    const reply = (a: FakeAnswer | undefined) => this.answer(res, rec, a);

    const file = FILE_PATH.exec(url.pathname);
    if (rec.method === 'GET' && file) return reply(this.serveFile(res, rec, decodeURIComponent(file[1] ?? '')));
    const uploaded = rec.method === 'GET' ? this.uploads.serve(url.pathname) : undefined;
    if (uploaded) {
      rec.status = uploaded.status;
      res.writeHead(uploaded.status, { 'content-type': uploaded.contentType ?? 'text/plain' }).end(uploaded.bytes ?? 'Not Found');
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`)
      return reply({ status: 401, body: apiError(401, 'authentication_error', 'Invalid authentication credentials') });

    const taskMatch = TASK_PATH.exec(url.pathname);
    if (rec.method === 'POST' && url.pathname === SUBMIT_PATH) {
      const hold = this.submitHolds.shift();
      if (hold) await hold;
      return reply(this.submit(rec));
    }
    if (rec.method === 'GET' && taskMatch) {
      return reply(this.poll(decodeURIComponent(taskMatch[1] ?? ''), url.searchParams.get('language')));
    }
    if (rec.method === 'GET' && url.pathname === '/v1/models') return reply(this.modelList.answer());
    if (rec.method === 'POST' && isUpload) {
      const contentType = req.headers['content-type'];
      return reply(await this.uploads.receive(typeof contentType === 'string' ? contentType : undefined, raw));
    }
    if (rec.method === 'GET' && (url.pathname === '/v1/balance' || url.pathname === '/v1/user/balance')) {
      const body = this.balance.success ? this.balance : { success: false, message: 'Failed to get token info: record not found' };
      return reply({ status: 200, body });
    }
    reply({ status: 404, body: apiError(404, 'invalid_request_error', 'Not found') });
  }

  private answer(res: ServerResponse, rec: FakeRequest, a: FakeAnswer | undefined): void {
    if (a === undefined || 'hang' in a) return;
    if ('destroyAfterReceive' in a) return void res.socket?.destroy();
    const status = a.status ?? 200;
    const text = 'raw' in a ? a.raw : a.body === undefined ? '' : JSON.stringify(a.body);
    const headers = 'headers' in a ? a.headers : undefined;
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
  }

  private submit(rec: FakeRequest): FakeAnswer {
    const invalid = submitProblem(rec.body, this.models);
    const key = typeof rec.headers['idempotency-key'] === 'string' ? rec.headers['idempotency-key'] : undefined;
    // apimart's own client: 1-191 visible ASCII characters, or the request is refused before anything is made.
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      return { status: 400, body: apiError(400, 'invalid_request_error', 'Invalid Idempotency-Key') };
    }
    // The key is a replay token, as apimart's client treats it: whatever the body, a key seen before gets
    // the earlier task back, and nothing new is made or billed. The bot must never repeat another job's key.
    const replay = key === undefined ? undefined : [...this.tasks.values()].find((t) => t.idempotencyKey === key);
    if (replay) return this.submitted(replay, true);
    const gone = this.modelList.submitRefusal(isRecord(rec.body) ? rec.body.model : undefined);
    if (gone) return gone;
    const scripted = this.submitScript.shift();
    if (scripted) {
      // Like the real provider, a request that arrived creates its task even when the answer is lost.
      const answerLost =
        'hang' in scripted || 'destroyAfterReceive' in scripted || ('raw' in scripted && (scripted.status ?? 200) < 300);
      if (answerLost && !invalid) this.createTask(rec.body as Record<string, unknown>, key);
      return scripted;
    }
    if (invalid) return { status: 400, body: apiError(400, 'invalid_request_error', `Invalid request parameters: ${invalid}`) };
    if (this.rejectWebhookField && isRecord(rec.body) && 'webhook' in rec.body) {
      return { status: 400, body: apiError(400, 'invalid_request_error', 'Invalid request parameters: unknown field webhook') };
    }
    return this.submitted(this.createTask(rec.body as Record<string, unknown>, key), false);
  }

  private submitted(task: FakeTask, replayed: boolean): FakeAnswer {
    const headers: Record<string, string> = replayed ? { 'idempotency-replayed': 'true' } : {};
    const data =
      this.defaults.responseShape === 'array'
        ? [{ status: 'submitted', task_id: task.id }]
        : {
            id: task.id,
            status: 'submitted',
            object: 'video.generation.task',
            model: task.request.model,
            progress: 0,
            created: toSec(task.createdAtMs),
            type: 'video',
          };
    return { status: 200, body: { code: 200, data }, headers };
  }

  private createTask(request: Record<string, unknown>, idempotencyKey?: string): FakeTask {
    const task: FakeTask = {
      id: `task_${ulidish()}`,
      request,
      idempotencyKey,
      createdAtMs: Date.now(),
      polls: 0,
      status: 'processing',
      progress: 0,
      plan: { ...this.nextPlans.shift() },
      expired: false,
      webhook: typeof request.webhook === 'string' ? request.webhook : undefined,
    };
    if (this.providerModel) {
      const estimateSec = task.plan.estimatedTimeSec ?? this.defaults.estimatedTimeSec;
      task.modelled = this.providerModel.task(estimateSec);
      task.status = 'pending';
      task.plan.completeAtMs ??= task.createdAtMs + task.modelled.queueMs + task.modelled.runMs;
    }
    this.tasks.set(task.id, task);
    // A task with a webhook finishes on time whether polled or not, since the callback announces it.
    const { outcome = 'completed', completeAtMs } = task.plan;
    if (task.webhook && completeAtMs !== undefined && outcome !== 'never') {
      // Timers may fire a millisecond before Date.now() reaches the due time: finish regardless.
      this.later(completeAtMs - Date.now(), () => {
        if (task.status === 'pending' || task.status === 'processing') this.finish(task, outcome);
      });
    }
    return task;
  }

  private poll(taskId: string, language: string | null): FakeAnswer {
    const scripted = this.pollScript.shift();
    if (scripted) return scripted;
    const fault = this.providerModel?.pollFault();
    if (fault?.status === 429) {
      return { status: 429, body: apiError(429, 'rate_limit_error', 'Too many requests'), headers: { 'retry-after': String(fault.retryAfterSec) } };
    }
    if (fault) return { status: fault.status, body: apiError(fault.status, 'server_error', 'Internal server error') };
    const task = this.tasks.get(taskId);
    if (!task) return { status: 400, body: apiError(400, 'invalid_request_error', 'Invalid task ID') };
    this.advance(task);
    return { status: 200, body: { code: 200, data: this.render(task, language ?? 'en') } };
  }

  private advance(task: FakeTask, polled = true): void {
    if (task.status !== 'processing' && task.status !== 'pending') return;
    if (polled) task.polls += 1;
    const { plan } = task;
    if (task.modelled) {
      const runStartMs = task.createdAtMs + task.modelled.queueMs;
      if (plan.outcome !== 'never' && Date.now() >= (plan.completeAtMs ?? Infinity)) return this.finish(task, plan.outcome ?? 'completed');
      task.status = Date.now() < runStartMs ? 'pending' : 'processing';
      task.progress = task.modelled.progressAt(Date.now() - runStartMs);
      return;
    }
    const fraction =
      plan.completeAtMs !== undefined
        ? (Date.now() - task.createdAtMs) / Math.max(1, plan.completeAtMs - task.createdAtMs)
        : task.polls / Math.max(1, plan.pollsUntilComplete ?? this.defaults.pollsUntilComplete);
    if (plan.outcome !== 'never' && fraction >= 1) return this.finish(task, plan.outcome ?? 'completed');
    task.progress = Math.min(95, Math.max(task.progress + 1, Math.round(fraction * 100)));
  }

  private finish(task: FakeTask, outcome: 'completed' | 'failed' | 'cancelled', overrides: FakeTaskPlan = {}): void {
    Object.assign(task.plan, overrides);
    task.status = outcome;
    task.completedAtMs = Date.now();
    if (outcome === 'completed') task.progress = 100;
    const webhook = task.webhook;
    if (!webhook) return;
    for (const delayMs of this.callbackFaults?.copies() ?? [0]) {
      if (delayMs === 0) this.callBack(task, webhook, 0);
      else this.later(delayMs, () => this.callBack(task, webhook, 0));
    }
  }

  /** POSTs the task's status to `<webhook>/callback`, as apimart does, retrying a failed delivery. */
  private callBack(task: FakeTask, webhook: string, attempt: number): void {
    const url = `${webhook.replace(/\/+$/, '')}/callback`;
    const body = JSON.stringify({ code: 200, data: this.render(task, 'en') });
    const record: FakeCallback = { taskId: task.id, url, at: Date.now(), status: 0 };
    this.callbacks.push(record);
    void fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.callbackTimeoutMs),
    }).then(async (res) => {
      record.status = res.status;
      await res.body?.cancel();
      return res.status < 500;
    }, () => false).then((delivered) => {
      const delayMs = this.callbackRetryDelaysMs[attempt];
      if (!delivered && delayMs !== undefined) this.later(delayMs, () => this.callBack(task, webhook, attempt + 1));
    });
  }

  private later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.add(timer);
  }

  private costOf(task: FakeTask): number | null {
    if (task.plan.cost !== undefined) return task.plan.cost;
    if (this.defaults.cost !== undefined) return this.defaults.cost;
    return reportedCostUsd(task.request);
  }

  private expiresAtSec(task: FakeTask): number {
    return task.plan.expiresAtSec ?? toSec(task.completedAtMs ?? Date.now()) + VIDEO_TTL_SEC;
  }

  private render(task: FakeTask, language: string): Record<string, unknown> {
    const { plan } = task;
    const data: Record<string, unknown> = {
      id: task.id,
      status: task.status,
      progress: task.progress,
      created: toSec(task.createdAtMs),
      estimated_time: plan.estimatedTimeSec ?? this.defaults.estimatedTimeSec,
    };
    if (task.status === 'failed') {
      const message = MODERATION_MESSAGE[language] ?? MODERATION_MESSAGE.en;
      data.error = plan.error ?? { code: 400, message, type: 'moderation_blocked' };
    }
    if (task.status !== 'completed' || task.completedAtMs === undefined) return data;
    const url = plan.videoUrl ?? `${this.baseUrl}/files/${task.id}.mp4`;
    const shape = plan.urlShape ?? this.defaults.urlShape;
    const video = shape === 'missing' ? {} : { url: shape === 'array' ? [url] : url };
    const cost = this.costOf(task);
    return {
      ...data,
      result: { videos: [{ ...video, expires_at: this.expiresAtSec(task) }] },
      completed: toSec(task.completedAtMs),
      actual_time: toSec(task.completedAtMs - task.createdAtMs),
      ...(cost === null ? {} : { cost }),
    };
  }

  private serveFile(res: ServerResponse, rec: FakeRequest, taskId: string): FakeAnswer | undefined {
    const task = this.tasks.get(taskId);
    if (!task || task.status !== 'completed') return { status: 404, body: apiError(404, 'not_found', 'Not found') };
    if (task.expired || Date.now() / 1000 > this.expiresAtSec(task)) {
      return { status: 403, body: apiError(403, 'permission_error', 'Link expired') };
    }
    const redirectTo = task.plan.fileRedirectTo;
    if (redirectTo) {
      task.plan.fileRedirectTo = undefined;
      return { status: 302, headers: { location: redirectTo } };
    }
    const bytes = task.plan.videoBytes ?? this.defaults.videoBytes;
    rec.status = 200;
    const contentType = task.plan.fileContentType ?? 'video/mp4';
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) }).end(bytes);
    return undefined;
  }
}

/** JSON when it parses; otherwise the raw text, since tests may send malformed bodies on purpose. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
