import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooManyRequests, type RateLimitScope } from './fakeDiscordRateLimits.ts';
import { FakeApiError, type FakeDiscordState, type RecordedFile, type RecordedRequest } from './fakeDiscordState.ts';

export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** e.g. '/channels/:channel/messages/:message'; matched against percent-decoded segments */
  path: string;
  /** true: needs `Authorization: Bot <token>` (every route but interaction callbacks and webhooks) */
  auth: boolean;
  handle(req: RecordedRequest, params: Record<string, string>): RouteAnswer | Promise<RouteAnswer>;
}

export interface FaultMatch {
  method?: string;
  path: RegExp;
}

/**
 * `apply: true` lets the normal handler run first (the message is created or edited) and only then
 * answers with the fault, like a Discord 5xx or timeout after the write went through. A 429 is sent
 * as Discord sends it: `retry_after` in seconds as a float in the body, rounded up to whole seconds
 * in the `Retry-After` header, and its `X-RateLimit-Scope` (`user` unless given).
 */
export type FaultAnswer =
  | {
    status: number; body?: unknown; headers?: Record<string, string>; times?: number; apply?: boolean;
    retryAfterSec?: number; scope?: RateLimitScope;
  }
  | { hang: true; times?: number; apply?: boolean };

interface Fault {
  match: FaultMatch;
  answer: FaultAnswer;
  remaining: number;
}

const API_PREFIX = '/api/v10';

export class FakeRest {
  /** Paths of attachment downloads served by the fake (not part of `requests`). */
  readonly downloads: string[] = [];
  private readonly faults: Fault[] = [];

  constructor(
    private readonly state: FakeDiscordState,
    private readonly routes: Route[],
    private readonly onRecorded: (req: RecordedRequest) => void,
  ) {}

  failNext(match: FaultMatch, answer: FaultAnswer): void {
    this.faults.push({ match, answer, remaining: answer.times ?? 1 });
  }

  /** Drops every fault still waiting: the incident is over. */
  clearFaults(): void {
    this.faults.splice(0);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.state.origin);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/attachments/')) {
      await this.serveAttachment(url.pathname, url.searchParams, res);
      return;
    }
    const headers = flattenHeaders(req);
    const record: RecordedRequest = {
      method,
      path: decodePath(url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : url.pathname),
      query: url.searchParams,
      headers,
      body: undefined,
      files: [],
      at: this.state.now(),
      status: 0,
      responseBody: undefined,
    };
    let answer: RouteAnswer | 'hang';
    try {
      await parseBody(record, raw);
      answer = await this.answer(record, url.pathname.startsWith(`${API_PREFIX}/`));
    } catch (error) {
      answer = errorAnswer(error);
    }
    if (answer !== 'hang') {
      record.status = answer.status;
      record.responseBody = answer.body;
      if (isInvalidRequest(answer)) this.state.invalidRequests.push({ at: record.at, method, path: record.path, status: answer.status });
    }
    this.state.requests.push(record);
    this.onRecorded(record);
    if (answer === 'hang') return;
    const body = answer.body === undefined ? undefined : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...answer.headers,
    });
    res.end(body);
  }

  private async answer(record: RecordedRequest, versioned: boolean): Promise<RouteAnswer | 'hang'> {
    const fault = this.takeFault(record);
    if (fault && !fault.apply) return faultAnswer(fault);
    const limits = versioned ? this.state.rateLimits?.check(record) : undefined;
    if (limits && 'limited' in limits) return limits.limited;
    const normal = versioned ? await this.route(record) : notFound();
    if (fault) return faultAnswer(fault);
    return limits ? { ...normal, headers: { ...limits.headers, ...normal.headers } } : normal;
  }

  private async route(record: RecordedRequest): Promise<RouteAnswer> {
    const segments = record.path.split('/').slice(1);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = matchPath(route.path, segments);
      if (!params) continue;
      if (route.method !== record.method) {
        methodMismatch = true;
        continue;
      }
      if (route.auth && record.headers.authorization !== `Bot ${this.state.botToken}`) {
        throw new FakeApiError(401, 0, '401: Unauthorized');
      }
      return route.handle(record, params);
    }
    return methodMismatch ? { status: 405, body: { message: '405: Method Not Allowed', code: 0 } } : notFound();
  }

  private takeFault(record: RecordedRequest): FaultAnswer | undefined {
    const fault = this.faults.find((f) => {
      if (f.remaining <= 0) return false;
      if (f.match.method && f.match.method.toUpperCase() !== record.method) return false;
      f.match.path.lastIndex = 0;
      return f.match.path.test(record.path);
    });
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.answer;
  }

  private async serveAttachment(pathname: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const id = pathname.split('/')[2] ?? '';
    const file = this.state.files.get(id);
    this.downloads.push(pathname);
    await this.state.cdn.ready();
    if (!file || !this.state.cdn.serves(pathname, query)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  }
}

/**
 * Discord counts 401, 403 and 429 answers towards its invalid-request limit, but not a 429 of scope
 * `shared` (https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans).
 */
function isInvalidRequest(answer: RouteAnswer): boolean {
  if (answer.status === 401 || answer.status === 403) return true;
  return answer.status === 429 && answer.headers?.['X-RateLimit-Scope'] !== 'shared';
}

function faultAnswer(answer: FaultAnswer): RouteAnswer | 'hang' {
  if ('hang' in answer) return 'hang';
  if (answer.status !== 429) {
    const body = answer.body ?? { message: `${answer.status}: Fake failure`, code: 0 };
    return { status: answer.status, body, headers: answer.headers ?? {} };
  }
  const { 'Retry-After': _h, 'retry-after': _l, ...otherHeaders } = answer.headers ?? {};
  const bodyRetry = (answer.body as { retry_after?: unknown } | undefined)?.retry_after;
  const retryAfterSec = Number(answer.retryAfterSec ?? _h ?? _l ?? bodyRetry ?? 0.2);
  const limited = tooManyRequests(retryAfterSec, answer.scope ?? 'user', {
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': (Date.now() / 1000 + retryAfterSec).toFixed(3),
    'X-RateLimit-Reset-After': retryAfterSec.toFixed(3),
    'X-RateLimit-Bucket': 'fake-bucket',
    ...otherHeaders,
  });
  return answer.body === undefined ? limited : { ...limited, body: answer.body };
}

function errorAnswer(error: unknown): RouteAnswer {
  if (error instanceof FakeApiError) {
    return { status: error.status, body: { message: error.message, code: error.code, ...(error.errors ? { errors: error.errors } : {}) } };
  }
  return { status: 500, body: { message: `fake Discord bug: ${String(error)}`, code: 0 } };
}

function notFound(): RouteAnswer {
  return { status: 404, body: { message: '404: Not Found', code: 0 } };
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

// discord.js percent-encodes segments (`%40original`, emoji), so route on decoded ones.
function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(record: RecordedRequest, raw: Buffer): Promise<void> {
  if (raw.length === 0) return;
  const contentType = record.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') record.body = parseJson(value);
        continue;
      }
      files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    record.files = files;
    return;
  }
  record.body = parseJson(raw.toString('utf8'));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FakeApiError(400, 50109, 'The request body contains invalid JSON.');
  }
}
