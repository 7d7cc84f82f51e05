import type { TaskData } from './schemas.ts';

/**
 * The status answer, read by hand: `{ code?, data: { status, … } }`, exactly as `taskStatusResponseSchema`
 * reads it (test/apimart/taskAnswer.test.ts holds the two to the same result over hostile inputs), but
 * without building zod's intermediate objects: the status poll is the bot's most frequent parse, a
 * few hundred a second at ten thousand jobs. Undefined where the schema would fail; the caller then
 * asks the schema, which says why.
 */
export function readTaskAnswer(json: unknown): TaskData | undefined {
  if (!isObject(json)) return undefined;
  if (json.code !== undefined && json.code !== null && typeof json.code !== 'string' && typeof json.code !== 'number') return undefined;
  if (typeof json.code === 'number' && !Number.isFinite(json.code)) return undefined;
  const data = json.data;
  if (!isObject(data) || typeof data.status !== 'string') return undefined;
  return {
    ...data,
    id: optionalString(data.id),
    task_id: optionalString(data.task_id),
    status: data.status,
    progress: optionalNumeric(data.progress),
    result: optionalResult(data.result),
    estimated_time: optionalNumeric(data.estimated_time),
    created: optionalNumeric(data.created),
    completed: optionalNumeric(data.completed),
    actual_time: optionalNumeric(data.actual_time),
    error: optionalError(data.error),
    cost: optionalNumeric(data.cost),
    credits_cost: optionalNumeric(data.credits_cost),
  };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const numericText = /^-?\d+(\.\d+)?$/;

/** A field the bot can do without: null stays null, anything unreadable becomes absent. */
function optionalString(value: unknown): string | null | undefined {
  return value === null || typeof value === 'string' ? value : undefined;
}

function optionalNumeric(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && numericText.test(value)) return Number(value);
  return undefined;
}

function optionalResult(value: unknown): TaskData['result'] {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const videos = value.videos;
  return {
    ...value,
    videos: videos === null || Array.isArray(videos) || isObject(videos) ? videos : undefined,
    thumbnail_url: optionalString(value.thumbnail_url),
  };
}

/** The error object is all or nothing: one unreadable field and it is treated as absent. */
function optionalError(value: unknown): TaskData['error'] {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const { code, message, type, param } = value;
  const codeOk = code === undefined || code === null || typeof code === 'string' || (typeof code === 'number' && Number.isFinite(code));
  const textOk = (text: unknown) => text === undefined || text === null || typeof text === 'string';
  return codeOk && textOk(message) && textOk(type) && textOk(param) ? value as TaskData['error'] : undefined;
}
