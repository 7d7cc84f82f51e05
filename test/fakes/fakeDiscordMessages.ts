import {
  contentTypeFor,
  DEFAULT_ATTACHMENT_LIMIT_BYTES,
  EPHEMERAL,
  FakeApiError,
  LOADING,
  type FakeAttachment,
  type FakeDiscordState,
  type FakeMessage,
  type RecordedRequest,
} from './fakeDiscordState.ts';

// Message create/edit semantics shared by channel and webhook routes: attachments kept by id or
// taken from files[n], Discord's length limits, per-file upload limit.

const MAX_CONTENT = 2000;
const MAX_EMBED_TOTAL = 6000;

interface MessagePayload {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  attachments?: unknown;
  flags?: unknown;
  nonce?: unknown;
  message_reference?: unknown;
}

interface AttachmentMeta {
  filename?: unknown;
  description?: unknown;
  title?: unknown;
  duration_secs?: unknown;
}

export interface NewMessage {
  channelId: string;
  authorId: string;
  type: number;
  webhook?: boolean;
  interactionId?: string;
  ephemeral?: boolean;
  flags?: number;
  attachmentSizeLimit?: number;
}

export function payloadOf(req: RecordedRequest): MessagePayload {
  const body = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as MessagePayload) : {};
}

export function createMessage(state: FakeDiscordState, init: NewMessage, payload: MessagePayload, req: RecordedRequest): FakeMessage {
  checkContent(payload);
  if (state.isGuildChannel(init.channelId)) checkAutomod(state, payload);
  const attachments = resolveAttachments(state, payload, req, [], init.attachmentSizeLimit);
  const now = new Date().toISOString();
  const message: FakeMessage = {
    id: state.nextId(),
    channel_id: init.channelId,
    ...(state.isGuildChannel(init.channelId) ? { guild_id: state.guildIdOf(init.channelId) } : {}),
    author_id: init.authorId,
    type: init.type,
    content: typeof payload.content === 'string' ? payload.content : '',
    embeds: Array.isArray(payload.embeds) ? payload.embeds : [],
    components: numberComponents(payload.components),
    attachments,
    reactions: new Map(),
    deleted: false,
    flags: init.flags ?? (typeof payload.flags === 'number' ? payload.flags : 0),
    ephemeral: init.ephemeral ?? false,
    timestamp: now,
    edited_timestamp: null,
    edits: 0,
  };
  if (init.webhook) message.webhook = true;
  if (init.interactionId) message.interactionId = init.interactionId;
  if (payload.nonce !== undefined && payload.nonce !== null) message.nonce = String(payload.nonce);
  state.messages.set(message.id, message);
  return message;
}

export function editMessage(state: FakeDiscordState, message: FakeMessage, payload: MessagePayload, req: RecordedRequest, attachmentSizeLimit?: number): void {
  checkContent(payload);
  if (message.guild_id !== undefined) checkAutomod(state, payload);
  message.attachments = resolveAttachments(state, payload, req, message.attachments, attachmentSizeLimit);
  if (payload.content !== undefined) message.content = typeof payload.content === 'string' ? payload.content : '';
  if (payload.embeds !== undefined) message.embeds = Array.isArray(payload.embeds) ? payload.embeds : [];
  if (payload.components !== undefined) message.components = numberComponents(payload.components);
  // editing a deferred ("thinking…") response completes it rather than marking it edited
  const wasLoading = (message.flags & LOADING) !== 0;
  message.flags &= ~LOADING;
  if (typeof payload.flags === 'number') message.flags = (message.flags & EPHEMERAL) | payload.flags;
  if (!wasLoading) message.edited_timestamp = new Date().toISOString();
  message.edits += 1;
}

/**
 * Discord gives every component of a message a numeric `id`, sequential in tree order, unless the
 * request chose one; messages it returns always carry them (the spec's response schemas require it).
 */
function numberComponents(components: unknown): unknown[] {
  if (!Array.isArray(components)) return [];
  let next = 1;
  const visit = (c: unknown): unknown => {
    if (!c || typeof c !== 'object') return c;
    const component = c as Record<string, unknown>;
    const id = typeof component.id === 'number' ? component.id : next;
    next = Math.max(next, id) + 1;
    return {
      ...component, id,
      ...(Array.isArray(component.components) ? { components: component.components.map(visit) } : {}),
    };
  };
  return components.map(visit);
}

export function isEmpty(payload: MessagePayload, req: RecordedRequest): boolean {
  const nonEmptyArray = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    !(typeof payload.content === 'string' && payload.content.length > 0) &&
    !nonEmptyArray(payload.embeds) &&
    !nonEmptyArray(payload.components) &&
    req.files.length === 0
  );
}

/**
 * A server's AutoMod keyword rule with the "block message" action: a message (sent, edited, or an
 * interaction response) whose text or embeds contain a keyword as a whole word is refused with 400
 * and JSON code 200000 (https://discord.com/developers/docs/resources/auto-moderation#auto-moderation-rule-object-keyword-matching-strategies,
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes).
 */
function checkAutomod(state: FakeDiscordState, payload: MessagePayload): void {
  if (state.automodKeywords.size === 0) return;
  const text = `${typeof payload.content === 'string' ? payload.content : ''} ${payload.embeds === undefined ? '' : JSON.stringify(payload.embeds)}`;
  for (const keyword of state.automodKeywords) {
    const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text)) {
      throw new FakeApiError(400, 200000, 'Message was blocked by automatic moderation');
    }
  }
}

/**
 * Discord's API counts a string's length in Unicode code points ("Our API uses Python 3, so the API
 * calculates length based on the number of codepoints", https://github.com/discord/discord-api-docs/issues/1315),
 * not in JavaScript's UTF-16 units: an emoji outside the BMP is one character, not two.
 */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const tooLong = (field: string, max: number) => new FakeApiError(400, 50035, 'Invalid Form Body', {
  [field]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }] },
});

/**
 * Content up to 2,000 characters; embeds within their per-field limits and 6,000 characters in all
 * (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
 */
function checkContent(payload: MessagePayload): void {
  if (typeof payload.content === 'string' && codePoints(payload.content) > MAX_CONTENT) throw tooLong('content', MAX_CONTENT);
  if (!Array.isArray(payload.embeds)) return;
  let total = 0;
  for (const [i, embed] of (payload.embeds as EmbedText[]).entries()) {
    const texts: [string, unknown, number][] = [
      ['title', embed?.title, 256], ['description', embed?.description, 4096], ['footer.text', embed?.footer?.text, 2048],
      ['author.name', embed?.author?.name, 256],
      ...(embed?.fields ?? []).flatMap((f, j): [string, unknown, number][] => [[`fields.${j}.name`, f?.name, 256], [`fields.${j}.value`, f?.value, 1024]]),
    ];
    for (const [field, text, max] of texts) {
      if (typeof text !== 'string') continue;
      const length = codePoints(text.trim());
      if (length > max) throw tooLong(`embeds.${i}.${field}`, max);
      total += length;
    }
  }
  if (total > MAX_EMBED_TOTAL) throw tooLong('embeds', MAX_EMBED_TOTAL);
}

interface EmbedText {
  title?: unknown; description?: unknown; footer?: { text?: unknown }; author?: { name?: unknown };
  fields?: { name?: unknown; value?: unknown }[];
}

function resolveAttachments(
  state: FakeDiscordState,
  payload: MessagePayload,
  req: RecordedRequest,
  existing: FakeAttachment[],
  limitBytes = DEFAULT_ATTACHMENT_LIMIT_BYTES,
): FakeAttachment[] {
  const tooBig = req.files.find((f) => f.bytes.length > limitBytes);
  if (tooBig) throw new FakeApiError(413, 40005, 'Request entity too large');
  const unused = new Map(req.files.map((f) => [f.field, f]));
  const upload = (field: string, meta: AttachmentMeta) => {
    const file = unused.get(field);
    if (!file) return undefined;
    unused.delete(field);
    const filename = typeof meta.filename === 'string' ? meta.filename : file.filename;
    const attachment = state.storeFile({ filename, contentType: contentTypeFor(filename, file.contentType), bytes: file.bytes });
    if (typeof meta.description === 'string') attachment.description = meta.description;
    if (typeof meta.title === 'string') attachment.title = meta.title;
    if (typeof meta.duration_secs === 'number') attachment.duration_secs = meta.duration_secs;
    return attachment;
  };
  let result: FakeAttachment[];
  if (Array.isArray(payload.attachments)) {
    // an explicit list replaces the message's attachments: kept ones by id, new ones by files[id]
    result = (payload.attachments as (AttachmentMeta & { id?: unknown })[]).map((entry) => {
      const id = String(entry.id);
      const kept = existing.find((a) => a.id === id);
      const added = kept ? undefined : upload(`files[${id}]`, entry);
      if (!kept && !added) {
        throw new FakeApiError(400, 50035, 'Invalid Form Body', {
          attachments: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: `Unknown attachment ${id}` }] },
        });
      }
      return kept ?? (added as FakeAttachment);
    });
  } else {
    result = [...existing];
  }
  for (const field of [...unused.keys()]) {
    const added = upload(field, {});
    if (added) result.push(added);
  }
  return result;
}
