import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandCreateRequestSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  CreatePrivateChannelRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  LaunchActivityInteractionCallbackRequestSchema,
  MessageCreateRequestSchema,
  MessageEditRequestPartialSchema,
  ModalInteractionCallbackRequestSchema,
  PongInteractionCallbackRequestSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import * as z from 'zod/mini';
import type { RecordedRequest } from './fakeDiscordState.ts';

// The package's main entry ships its types as a .ts file in a CommonJS package, which TypeScript rejects
// (TS1287); a specifier the checker does not follow loads the one runtime export the fakes need.
const specEntry: string = 'discord-api-spec';
const { pathsList } = (await import(specEntry)) as { pathsList: Record<string, readonly string[]> };

// Checks request bodies against Discord's OpenAPI spec (discord-api-spec). The spec maps bodies to
// schemas only in its TypeScript types, hence the hand-written table. Its zod objects are non-strict
// and strip unknown keys silently, so dropped keys are reported by comparing input with output.

// zod/mini prints only "Invalid input" without a locale
z.config(z.locales.en());

type Schema = z.ZodMiniType;

const CALLBACK_SCHEMAS: Record<number, Schema> = {
  1: PongInteractionCallbackRequestSchema,
  4: CreateMessageInteractionCallbackRequestSchema,
  5: CreateMessageInteractionCallbackRequestSchema,
  6: UpdateMessageInteractionCallbackRequestSchema,
  7: UpdateMessageInteractionCallbackRequestSchema,
  8: ApplicationCommandAutocompleteCallbackRequestSchema,
  9: ModalInteractionCallbackRequestSchema,
  12: LaunchActivityInteractionCallbackRequestSchema,
};

const commandList = z.array(ApplicationCommandUpdateRequestSchema);

/** method + path template (as in pathsList) -> body schema */
const BODY_SCHEMAS: { method: string; template: string; schema: (body: unknown) => Schema | string }[] = [
  {
    method: 'POST',
    template: '/interactions/{interaction_id}/{interaction_token}/callback',
    schema: (body) => {
      const type = (body as { type?: unknown } | undefined)?.type;
      return CALLBACK_SCHEMAS[Number(type)] ?? `type: unknown interaction callback type ${String(type)}`;
    },
  },
  { method: 'PATCH', template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', schema: () => IncomingWebhookUpdateRequestPartialSchema },
  { method: 'PATCH', template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', schema: () => IncomingWebhookUpdateRequestPartialSchema },
  { method: 'POST', template: '/webhooks/{webhook_id}/{webhook_token}', schema: () => IncomingWebhookRequestPartialSchema },
  { method: 'POST', template: '/channels/{channel_id}/messages', schema: () => MessageCreateRequestSchema },
  { method: 'PATCH', template: '/channels/{channel_id}/messages/{message_id}', schema: () => MessageEditRequestPartialSchema },
  { method: 'PUT', template: '/applications/{application_id}/commands', schema: () => commandList },
  { method: 'PUT', template: '/applications/{application_id}/guilds/{guild_id}/commands', schema: () => commandList },
  { method: 'POST', template: '/applications/{application_id}/commands', schema: () => ApplicationCommandCreateRequestSchema },
  { method: 'POST', template: '/applications/{application_id}/guilds/{guild_id}/commands', schema: () => ApplicationCommandCreateRequestSchema },
  { method: 'POST', template: '/users/@me/channels', schema: () => CreatePrivateChannelRequestSchema },
];

// discord.js always sends these, and the spec does not list them everywhere
const ALLOWED_ANYWHERE = new Set(['tts', 'enforce_nonce']);
const ALLOWED_ATTACHMENT_KEYS = new Set(['description', 'title', 'waveform', 'duration_secs']);

/**
 * Problems with one request: an unknown route, a body the spec rejects, or keys the spec would
 * silently drop. `path` is decoded and has no `/api/v10` prefix, as in RecordedRequest.
 */
export function validateDiscordRequest(method: string, path: string, body: unknown): string[] {
  const upper = method.toUpperCase();
  const templates = pathsList[upper.toLowerCase()] ?? [];
  if (!templates.some((t) => matchesTemplate(t, path))) return [`unknown route: ${upper} ${path}`];
  const rule = BODY_SCHEMAS.find((r) => r.method === upper && matchesTemplate(r.template, path));
  if (!rule) return [];
  if (body === undefined || body === null) return ['missing body'];
  const schema = rule.schema(body);
  if (typeof schema === 'string') return [schema];
  const input = rule.template.includes('/commands') ? permissionsAsNumbers(body) : body;
  const result = z.safeParse(schema, input);
  if (!result.success) return result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  return droppedKeys(input, result.data, []).map((key) => `${key}: not in the spec (silently dropped)`);
}

/**
 * The spec types `default_member_permissions` in requests as an integer, Discord's docs and
 * discord-api-types as a string; Discord accepts both (discord/discord-api-spec#11). A string of
 * digits is checked as the number it stands for.
 */
function permissionsAsNumbers(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(permissionsAsNumbers);
  if (!isPlainObject(body) || typeof body.default_member_permissions !== 'string') return body;
  const value = body.default_member_permissions;
  return /^\d+$/.test(value) ? { ...body, default_member_permissions: Number(value) } : body;
}

/** validateDiscordRequest for every recorded request, each problem prefixed with `METHOD path`. */
export function validateRecordedRequests(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((r) => validateDiscordRequest(r.method, r.path, r.body).map((p) => `${r.method} ${r.path}: ${p}`));
}

function matchesTemplate(template: string, path: string): boolean {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return false;
  return want.every((part, i) => {
    const segment = got[i] ?? '';
    return part.startsWith('{') && part.endsWith('}') ? segment.length > 0 : part === segment;
  });
}

function droppedKeys(input: unknown, output: unknown, path: string[]): string[] {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return [];
    return input.flatMap((item, i) => droppedKeys(item, output[i], [...path, String(i)]));
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  return Object.entries(input).flatMap(([key, value]) => {
    if (value === undefined) return [];
    if (!(key in output)) return allowedToDrop(path, key) ? [] : [[...path, key].join('.')];
    return droppedKeys(value, output[key], [...path, key]);
  });
}

function allowedToDrop(path: string[], key: string): boolean {
  if (ALLOWED_ANYWHERE.has(key)) return true;
  return path.at(-2) === 'attachments' && ALLOWED_ATTACHMENT_KEYS.has(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
