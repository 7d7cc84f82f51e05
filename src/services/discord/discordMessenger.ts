import { DiscordAPIError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';

export interface OutgoingMessage {
  content: string;
  /** `description` is the file's alt text (at most 1024 characters). */
  files?: { name: string; data: Buffer; description?: string }[];
  /** The only users this message may ping; roles, @everyone and @here never are. */
  mentionUserIds?: string[];
  /** With enforce_nonce, Discord returns the first message instead of posting a second one. */
  nonce?: string;
  replyToMessageId?: string;
  /** Raw Discord embed and component JSON; an empty list clears them on an edit, undefined keeps them. */
  embeds?: unknown[];
  components?: unknown[];
  flags?: number;
}

export interface SentMessage { id: string; channelId: string }
export interface ChannelMessage extends SentMessage { content: string; authorId: string; embedFooters: string[] }
/** A file of a message as Discord serves it now: `url` is signed afresh on every read. */
export interface MessageAttachment { url: string; filename: string; sizeBytes: number; contentType: string | null }

interface RawMessage {
  id: string; channel_id: string; content: string; author: { id: string };
  embeds?: { footer?: { text?: string } }[];
  attachments?: { url: string; filename: string; size: number; content_type?: string }[];
}

const channelMessage = (m: RawMessage): ChannelMessage => ({
  id: m.id, channelId: m.channel_id, content: m.content, authorId: m.author.id,
  embedFooters: (m.embeds ?? []).flatMap((e) => (typeof e.footer?.text === 'string' ? [e.footer.text] : [])),
});

const discordEpochMs = 1_420_070_400_000n;
/** The smallest message id Discord could have given a message created at `ms`. */
export const snowflakeAt = (ms: number) => ((BigInt(Math.max(0, Math.floor(ms))) - discordEpochMs) << 22n).toString();

/** Discord error codes the bot reacts to. */
export const DiscordCode = {
  unknownChannel: RESTJSONErrorCodes.UnknownChannel,
  unknownMessage: RESTJSONErrorCodes.UnknownMessage,
  unknownWebhook: RESTJSONErrorCodes.UnknownWebhook,
  unknownInteraction: RESTJSONErrorCodes.UnknownInteraction,
  invalidWebhookToken: RESTJSONErrorCodes.InvalidWebhookToken,
  missingAccess: RESTJSONErrorCodes.MissingAccess,
  cannotDmUser: RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  missingPermissions: RESTJSONErrorCodes.MissingPermissions,
  requestTooLarge: RESTJSONErrorCodes.RequestEntityTooLarge,
} as const;

export function discordErrorCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

function messageBody(message: OutgoingMessage) {
  return {
    content: message.content,
    allowed_mentions: { parse: [], users: message.mentionUserIds ?? [], replied_user: false },
    ...(message.nonce ? { nonce: message.nonce, enforce_nonce: true } : {}),
    ...(message.replyToMessageId ? { message_reference: { message_id: message.replyToMessageId, fail_if_not_exists: false } } : {}),
    ...(message.embeds ? { embeds: message.embeds } : {}),
    ...(message.components ? { components: message.components } : {}),
    ...(message.flags !== undefined ? { flags: message.flags } : {}),
    ...(message.files?.length ? {
      attachments: message.files.map((f, i) => ({ id: String(i), filename: f.name, ...(f.description ? { description: f.description } : {}) })),
    } : {}),
  };
}

const rawFiles = (message: OutgoingMessage) => message.files?.map((f) => ({ name: f.name, data: f.data }));

/**
 * Every message the bot sends after acknowledging an interaction goes through here, over REST, so it
 * works the same for a job started seconds ago and for one resumed after a restart. What goes through
 * an interaction's token uses `interactionRest`: Discord limits those routes per token and exempts them
 * from the global 50 a second, which the bot-token client would otherwise count them against.
 */
export function createDiscordMessenger(rest: REST, interactionRest: REST = rest) {
  const sent = (raw: unknown): SentMessage => {
    const m = raw as { id: string; channel_id: string };
    return { id: m.id, channelId: m.channel_id };
  };
  return {
    /**
     * The interaction's first answer, a public message, and the message it became: read from Discord's
     * JSON, without building the discord.js Message that `withResponse` would.
     */
    async answerInteraction(interactionId: string, token: string, message: OutgoingMessage): Promise<SentMessage | undefined> {
      const answer = (await interactionRest.post(Routes.interactionCallback(interactionId, token), {
        body: { type: 4, data: messageBody(message) }, query: new URLSearchParams({ with_response: 'true' }), auth: false,
      })) as { resource?: { message?: unknown } } | undefined;
      return answer?.resource?.message ? sent(answer.resource.message) : undefined;
    },
    /**
     * A bare deferral as the interaction's first answer (its message comes as the first edit). Through
     * the interaction client like every answer: discord.js's own `deferReply` counts it against the bot
     * token's global 50 a second, which a burst of a thousand commands would queue past Discord's 3 s.
     */
    async deferInteraction(interactionId: string, token: string): Promise<void> {
      await interactionRest.post(Routes.interactionCallback(interactionId, token), { body: { type: 5, data: { flags: 0 } }, auth: false });
    },
    async editOriginal(applicationId: string, token: string, message: OutgoingMessage): Promise<SentMessage> {
      return sent(await interactionRest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
        body: messageBody(message), files: rawFiles(message), auth: false,
      }));
    },
    /** A follow-up through the interaction token; `ephemeral` ones only the member sees. */
    async followUp(applicationId: string, token: string, message: OutgoingMessage, ephemeral: boolean): Promise<void> {
      await interactionRest.post(Routes.webhook(applicationId, token), {
        body: { ...messageBody(message), ...(ephemeral ? { flags: 64 } : {}) }, auth: false,
      });
    },
    async deleteOriginal(applicationId: string, token: string): Promise<void> {
      await interactionRest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false });
    },
    async send(channelId: string, message: OutgoingMessage): Promise<SentMessage> {
      return sent(await rest.post(Routes.channelMessages(channelId), { body: messageBody(message), files: rawFiles(message) }));
    },
    async edit(channelId: string, messageId: string, message: OutgoingMessage): Promise<void> {
      await rest.patch(Routes.channelMessage(channelId, messageId), { body: messageBody(message), files: rawFiles(message) });
    },
    async delete(channelId: string, messageId: string): Promise<void> {
      await rest.delete(Routes.channelMessage(channelId, messageId));
    },
    async react(channelId: string, messageId: string, emoji: string): Promise<void> {
      await rest.put(Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(emoji)));
    },
    async unreact(channelId: string, messageId: string, emoji: string): Promise<void> {
      await rest.delete(Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(emoji)));
    },
    async removeUserReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<void> {
      await rest.delete(Routes.channelMessageUserReaction(channelId, messageId, encodeURIComponent(emoji), userId));
    },
    async dmChannelId(userId: string): Promise<string> {
      return ((await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string }).id;
    },
    async dm(userId: string, message: OutgoingMessage): Promise<SentMessage> {
      return this.send(await this.dmChannelId(userId), message);
    },
    /** Up to 100 messages posted after `afterMessageId`. */
    async messagesAfter(channelId: string, afterMessageId: string): Promise<ChannelMessage[]> {
      const raw = (await rest.get(Routes.channelMessages(channelId), {
        query: new URLSearchParams({ after: afterMessageId, limit: '100' }),
      })) as RawMessage[];
      return raw.map(channelMessage);
    },
    /** The files of one message, read again so their links are fresh (Discord signs them for about a day). */
    async attachmentsOf(channelId: string, messageId: string): Promise<MessageAttachment[]> {
      const raw = (await rest.get(Routes.channelMessage(channelId, messageId))) as RawMessage;
      return (raw.attachments ?? []).map((a) => ({ url: a.url, filename: a.filename, sizeBytes: a.size, contentType: a.content_type ?? null }));
    },
  };
}

export type DiscordMessenger = ReturnType<typeof createDiscordMessenger>;
