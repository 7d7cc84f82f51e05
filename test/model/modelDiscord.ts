import { DiscordAPIError, HTTPError } from 'discord.js';
import type { DiscordMessenger, OutgoingMessage, SentMessage } from '../../src/services/discord/discordMessenger.ts';
import type { ModelProcess } from './modelApimart.ts';

export const discordOps = ['editOriginal', 'send', 'edit', 'delete', 'react', 'dm', 'defer'] as const;
export type DiscordOp = (typeof discordOps)[number];

export const discordFailures = [
  'http500', // a 5xx before anything happened
  'created500', // the message was created (or edited), then the answer was a 5xx
  'createdHang', // created, then no answer for 15 s (a crash meanwhile loses the answer)
  'slow', // succeeds, answer after 3 s
  'missingPermissions', // 50013
  'missingAccess', // 50001
  'unknownChannel', // 10003
  'unknownMessage', // 10008
  'unknownInteraction', // 10062
] as const;
export type DiscordFailure = (typeof discordFailures)[number];

const codes: Partial<Record<DiscordFailure, [number, number, string]>> = {
  missingPermissions: [50013, 403, 'Missing Permissions'],
  missingAccess: [50001, 403, 'Missing Access'],
  unknownChannel: [10003, 404, 'Unknown Channel'],
  unknownMessage: [10008, 404, 'Unknown Message'],
  unknownInteraction: [10062, 404, 'Unknown interaction'],
};

export const tokenLifetimeMs = 15 * 60_000;
/** Every message in the model is the bot's own. */
export const modelBotUserId = 'model-bot';

export function discordError(code: number, status: number, message: string, method = 'POST'): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, method, 'https://discord.model.test/api/v10/x', { body: undefined, files: undefined });
}

const timeoutError = () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });

export interface ModelMessage {
  id: string; channelId: string; content: string; embedFooters: string[]; files: { name: string; sizeBytes: number }[];
  nonce?: string; createdAt: number; deleted: boolean;
}
export interface ResultPost { jobId: number; messageId: string; channelId: string; at: number }

/** Every form of a result post carries this nonce (resultNonce), and no other message does. */
const resultPattern = /^video-result-(\d+)$/;
const footersOf = (message: OutgoingMessage) =>
  ((message.embeds ?? []) as { footer?: { text?: string } }[]).flatMap((e) => (e.footer?.text ? [e.footer.text] : []));
const describe = (message: OutgoingMessage) =>
  ` "${message.content.split('\n')[0]?.slice(0, 60)}"${message.nonce ? ` nonce=${message.nonce}` : ''}`;

/** Discord's side: messages survive the bot's restarts; each process talks to it through `client()`. */
export class ModelDiscord {
  readonly messages = new Map<string, ModelMessage>();
  /** enforce_nonce: the same author and nonce within the window return the first message. */
  readonly nonces = new Map<string, { id: string; at: number }>();
  readonly originals = new Map<string, { messageId: string; channelId: string; createdAt: number }>();
  readonly dmClosed = new Set<string>();
  readonly resultPosts: ResultPost[] = [];
  failQueue: { op: DiscordOp; kind: DiscordFailure }[] = [];
  /** The guild channel refuses the bot (50001) while set. */
  channelDown = false;
  /** Discord answers every new DM with 40003 ("You are opening direct messages too fast") while set. */
  dmsTooFast = false;
  /** DM attempts Discord answered with 40003: each one an invalid request towards its ban. */
  dmsRefusedTooFast = 0;
  expiredTokenUses: string[] = [];
  /** Receives one line per call, for the trace of a counterexample. */
  log: (line: string) => void = () => undefined;
  private seq = 0;

  constructor(readonly guildChannelId: string, readonly nonceWindowMs: number) {}

  takeFailure(op: DiscordOp): DiscordFailure | undefined {
    const index = this.failQueue.findIndex((f) => f.op === op);
    if (index < 0) return undefined;
    const [failure] = this.failQueue.splice(index, 1);
    return failure?.kind;
  }

  private refuseIfTooFast(): void {
    if (!this.dmsTooFast) return;
    this.dmsRefusedTooFast += 1;
    throw discordError(40003, 403, 'You are opening direct messages too fast');
  }

  private nextId(): string {
    this.seq += 1;
    return String(900_000_000_000 + this.seq);
  }

  private create(channelId: string, message: OutgoingMessage, now: number): ModelMessage {
    if (message.nonce) {
      const previous = this.nonces.get(message.nonce);
      if (previous && now - previous.at <= this.nonceWindowMs) {
        const existing = this.messages.get(previous.id);
        if (existing) return existing;
      }
    }
    const created: ModelMessage = {
      id: this.nextId(), channelId, content: message.content, embedFooters: footersOf(message),
      files: (message.files ?? []).map((f) => ({ name: f.name, sizeBytes: f.data.length })), nonce: message.nonce, createdAt: now, deleted: false,
    };
    this.messages.set(created.id, created);
    if (message.nonce) this.nonces.set(message.nonce, { id: created.id, at: now });
    const result = resultPattern.exec(message.nonce ?? '');
    if (result) this.resultPosts.push({ jobId: Number(result[1]), messageId: created.id, channelId, at: now });
    return created;
  }

  /** deferReply: the interaction's original message exists from here on. */
  defer(token: string, channelId: string, now: number): void {
    const id = this.nextId();
    this.messages.set(id, { id, channelId, content: 'thinking…', embedFooters: [], files: [], createdAt: now, deleted: false });
    this.originals.set(token, { messageId: id, channelId, createdAt: now });
  }

  /** A user deletes one of the bot's messages. */
  userDeletes(messageId: string): void {
    const message = this.messages.get(messageId);
    if (message) message.deleted = true;
  }

  liveMessage(messageId: string | null | undefined): ModelMessage | undefined {
    const message = messageId ? this.messages.get(messageId) : undefined;
    return message && !message.deleted ? message : undefined;
  }

  /** The messenger one process uses; once the process is dead its unanswered calls never settle. */
  client(proc: ModelProcess): DiscordMessenger {
    const never = <T>() => new Promise<T>(() => undefined);
    const later = <T>(ms: number, answer: () => T) =>
      new Promise<T>((resolve, reject) => {
        proc.clock.setTimeout(() => {
          try {
            resolve(answer());
          } catch (err) {
            reject(err);
          }
        }, ms);
      });
    const now = () => proc.clock.now();

    /** Runs `effect` with the failure injected for `op`, if any. */
    const call = async <T>(op: DiscordOp, method: string, effect: () => T, what = ''): Promise<T> => {
      if (!proc.clock.alive) return never();
      const failure = this.takeFailure(op);
      try {
        const result = await attempt(op, method, effect, failure);
        this.log(`    discord ${op}${what}${failure ? ` [${failure}]` : ''} -> ${result ? JSON.stringify(result) : 'ok'}`);
        return result;
      } catch (err) {
        this.log(`    discord ${op}${what}${failure ? ` [${failure}]` : ''} -> ${(err as Error).name}: ${(err as Error).message}`);
        throw err;
      }
    };
    const attempt = async <T>(op: DiscordOp, method: string, effect: () => T, failure: DiscordFailure | undefined): Promise<T> => {
      if (failure === undefined) return effect();
      const code = codes[failure];
      if (code) throw discordError(code[0], code[1], code[2], method);
      switch (failure) {
        case 'http500':
          throw new HTTPError(500, 'Internal Server Error', method, 'https://discord.model.test/api/v10/x', { body: undefined, files: undefined });
        case 'created500':
          effect();
          throw new HTTPError(503, 'Service Unavailable', method, 'https://discord.model.test/api/v10/x', { body: undefined, files: undefined });
        case 'createdHang':
          effect();
          return later(15_000, () => {
            throw timeoutError();
          });
        case 'slow': {
          const result = effect();
          return later(3_000, () => result);
        }
        default:
          throw new Error(`unhandled failure ${failure}`);
      }
    };

    const existing = (channelId: string, messageId: string, method: string): ModelMessage => {
      if (this.channelDown && channelId === this.guildChannelId) throw discordError(50001, 403, 'Missing Access', method);
      const message = this.messages.get(messageId);
      if (!message || message.deleted || message.channelId !== channelId) throw discordError(10008, 404, 'Unknown Message', method);
      return message;
    };

    const send = (channelId: string, message: OutgoingMessage): Promise<SentMessage> =>
      call('send', 'POST', () => {
        if (this.channelDown && channelId === this.guildChannelId) throw discordError(50001, 403, 'Missing Access');
        const created = this.create(channelId, message, now());
        return { id: created.id, channelId: created.channelId };
      }, describe(message));

    return {
      // The model's commands acknowledge through defer(); these three complete the messenger's surface.
      answerInteraction: (_interactionId, token, message) =>
        call('send', 'POST', () => {
          this.defer(token, this.guildChannelId, now());
          const original = this.originals.get(token) as { messageId: string; channelId: string };
          (this.messages.get(original.messageId) as ModelMessage).content = message.content;
          return { id: original.messageId, channelId: original.channelId };
        }),
      deferInteraction: (_interactionId, token) =>
        call('send', 'POST', () => {
          this.defer(token, this.guildChannelId, now());
        }),
      deleteOriginal: (_applicationId, token) =>
        call('delete', 'DELETE', () => {
          const original = this.originals.get(token);
          if (!original) throw discordError(10008, 404, 'Unknown Message', 'DELETE');
          existing(original.channelId, original.messageId, 'DELETE').deleted = true;
        }),
      editOriginal: (_applicationId, token, message) =>
        call('editOriginal', 'PATCH', () => {
          const original = this.originals.get(token);
          if (original && now() - original.createdAt >= tokenLifetimeMs) this.expiredTokenUses.push(token);
          if (!original || now() - original.createdAt >= tokenLifetimeMs) throw discordError(50027, 401, 'Invalid Webhook Token', 'PATCH');
          const target = this.messages.get(original.messageId);
          if (!target || target.deleted) throw discordError(10008, 404, 'Unknown Message', 'PATCH');
          target.content = message.content;
          return { id: target.id, channelId: target.channelId };
        }),
      send,
      // An ephemeral notice only the requester sees: nothing of it stays in the channel.
      followUp: (_applicationId, token) =>
        call('editOriginal', 'POST', () => {
          const original = this.originals.get(token);
          if (!original || now() - original.createdAt >= tokenLifetimeMs) {
            this.expiredTokenUses.push(token);
            throw discordError(50027, 401, 'Invalid Webhook Token', 'POST');
          }
        }),
      edit: (channelId, messageId, message) =>
        call('edit', 'PATCH', () => {
          existing(channelId, messageId, 'PATCH').content = message.content;
        }),
      delete: (channelId, messageId) =>
        call('delete', 'DELETE', () => {
          existing(channelId, messageId, 'DELETE').deleted = true;
        }),
      react: (channelId, messageId) => call('react', 'PUT', () => void existing(channelId, messageId, 'PUT')),
      unreact: (channelId, messageId) => call('react', 'DELETE', () => void existing(channelId, messageId, 'DELETE')),
      removeUserReaction: (channelId, messageId) => call('react', 'DELETE', () => void existing(channelId, messageId, 'DELETE')),
      dmChannelId: (userId) => call('dm', 'POST', () => {
        this.refuseIfTooFast();
        return `dm-${userId}`;
      }, ` channel ${userId}`),
      // Channel history since a snowflake: the model's ids are not snowflakes, so compare creation times.
      messagesAfter: (channelId, afterMessageId) =>
        call('send', 'GET', () => {
          if (this.channelDown && channelId === this.guildChannelId) throw discordError(50001, 403, 'Missing Access', 'GET');
          const afterMs = Number((BigInt(afterMessageId) >> 22n) + 1_420_070_400_000n);
          return [...this.messages.values()]
            .filter((m) => m.channelId === channelId && !m.deleted && m.createdAt > afterMs)
            .slice(-100)
            .map((m) => ({ id: m.id, channelId: m.channelId, content: m.content, embedFooters: m.embedFooters, authorId: modelBotUserId }));
        }),
      attachmentsOf: (channelId, messageId) =>
        call('send', 'GET', () => existing(channelId, messageId, 'GET').files.map((f) => ({
          url: `https://cdn.model.test/attachments/${messageId}/${f.name}`, filename: f.name, sizeBytes: f.sizeBytes, contentType: 'video/mp4',
        }))),
      dm: (userId, message) =>
        call('dm', 'POST', () => {
          this.refuseIfTooFast();
          if (this.dmClosed.has(userId)) throw discordError(50007, 403, 'Cannot send messages to this user');
          const created = this.create(`dm-${userId}`, message, now());
          return { id: created.id, channelId: created.channelId };
        }, ` ${userId}${describe(message)}`),
    };
  }
}
