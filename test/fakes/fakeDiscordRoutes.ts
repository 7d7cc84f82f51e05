import {
  accessibleChannel, checkCanEdit, checkCanModerate, checkCanPost, checkCanReact, checkCanReadHistory, joinThread, type FakeChannel,
} from './fakeDiscordChannels.ts';
import { commandRoutes } from './fakeDiscordCommandRoutes.ts';
import { interactionRoutes } from './fakeDiscordInteractions.ts';
import { createMessage, editMessage, isEmpty, payloadOf } from './fakeDiscordMessages.ts';
import { botThreadMemberJson, channelJson, guildJson, memberJson, messageJson, reactionAddJson, reactionRemoveJson, userJson } from './fakeDiscordPayloads.ts';
import type { FakeGuild } from './fakeDiscordGuilds.ts';
import type { Route, RouteAnswer } from './fakeDiscordRest.ts';
import { FakeApiError, type FakeDiscordState, type FakeMessage, type FakeUser, type RecordedRequest } from './fakeDiscordState.ts';

type Dispatch = (t: string, d: unknown) => void;
type Params = Record<string, string>;

const ok = (body: unknown): RouteAnswer => ({ status: 200, body });
const noContent = (): RouteAnswer => ({ status: 204 });

export function createRoutes(state: FakeDiscordState, gatewayUrl: () => string, dispatch: Dispatch): Route[] {
  const bot = (method: string, path: string, handle: Route['handle']): Route => ({ method, path, auth: true, handle });
  const message = '/channels/:channel/messages/:message';
  const reaction = `${message}/reactions/:emoji`;
  return [
    bot('GET', '/gateway/bot', () =>
      ok({
        url: gatewayUrl(),
        shards: state.recommendedShards,
        session_start_limit: state.identifyLimits.sessionStartLimit(),
      }),
    ),
    { method: 'GET', path: '/gateway', auth: false, handle: () => ok({ url: gatewayUrl() }) },
    ...interactionRoutes(state),
    bot('POST', '/channels/:channel/messages', (req, p) => postChannelMessage(state, req, p, dispatch)),
    bot('GET', message, (_req, p) => {
      const m = channelMessage(state, p);
      const channel = state.channels.get(m.channel_id);
      if (channel) checkCanReadHistory(state, channel);
      return ok(messageJson(state, m));
    }),
    bot('GET', '/channels/:channel/messages', (req, p) => {
      // Channel history, newest first, like Discord: `after` and `limit` (at most 100).
      const channel = channelId(state, p);
      const after = BigInt(req.query.get('after') ?? '0');
      const limit = Math.min(100, Number(req.query.get('limit') ?? 50));
      const history = [...state.messages.values()]
        .filter((m) => m.channel_id === channel && !m.deleted && !m.ephemeral && BigInt(m.id) > after)
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      return ok(history.slice(0, limit).map((m) => messageJson(state, m)));
    }),
    bot('PATCH', message, (req, p) => {
      const m = channelMessage(state, p);
      if (m.author_id !== state.botUserId) throw new FakeApiError(403, 50005, 'Cannot edit a message authored by another user');
      const channel = state.channels.get(m.channel_id);
      if (channel) checkCanEdit(state, channel);
      editMessage(state, m, payloadOf(req), req);
      return ok(messageJson(state, m));
    }),
    bot('DELETE', message, (_req, p) => {
      const m = channelMessage(state, p);
      const channel = state.channels.get(m.channel_id);
      if (channel && m.author_id !== state.botUserId) checkCanModerate(state, channel);
      m.deleted = true;
      return noContent();
    }),
    bot('PUT', `${reaction}/@me`, (_req, p) => {
      const m = channelMessage(state, p);
      const emoji = p.emoji ?? '';
      const channel = state.channels.get(m.channel_id);
      if (channel) checkCanReact(state, channel, (m.reactions.get(emoji)?.size ?? 0) === 0);
      const users = m.reactions.get(emoji) ?? new Set<string>();
      m.reactions.set(emoji, users);
      if (!users.has(state.botUserId)) {
        users.add(state.botUserId);
        // real Discord echoes the bot's own reaction back over the gateway
        dispatch('MESSAGE_REACTION_ADD', reactionAddJson(state, { user: knownUser(state, state.botUserId), message: m, emoji }));
      }
      return noContent();
    }),
    bot('DELETE', `${reaction}/:user`, (_req, p) => {
      const m = channelMessage(state, p);
      const emoji = p.emoji ?? '';
      const userId = p.user === '@me' ? state.botUserId : (p.user ?? '');
      const channel = state.channels.get(m.channel_id);
      if (channel && userId !== state.botUserId) checkCanModerate(state, channel);
      if (m.reactions.get(emoji)?.delete(userId)) {
        dispatch('MESSAGE_REACTION_REMOVE', reactionRemoveJson(state, { userId, message: m, emoji }));
      }
      return noContent();
    }),
    bot('PUT', '/channels/:channel/thread-members/@me', (_req, p) => {
      const channel = accessibleChannel(state, p.channel ?? '');
      // Discord tells the new member about the thread (THREAD_CREATE with its member object)
      if (joinThread(state, channel)) dispatch('THREAD_CREATE', { ...channelJson(state, channel.id), ...botThreadMemberJson(state, channel) });
      return noContent();
    }),
    bot('GET', reaction, (_req, p) => {
      const users = channelMessage(state, p).reactions.get(p.emoji ?? '') ?? new Set<string>();
      return ok([...users].map((id) => userJson(knownUser(state, id))));
    }),
    bot('GET', '/channels/:channel', (_req, p) => ok(channelJson(state, channelId(state, p)))),
    bot('POST', '/channels/:channel/typing', (_req, p) => {
      channelId(state, p);
      return noContent();
    }),
    bot('POST', '/users/@me/channels', (req) => openDm(state, req)),
    bot('GET', '/users/:user', (_req, p) => ok(userJson(knownUser(state, p.user === '@me' ? state.botUserId : (p.user ?? ''))))),
    bot('GET', '/guilds/:guild', (_req, p) => ok(guildJson(state, guildOf(state, p)))),
    bot('GET', '/guilds/:guild/channels', (_req, p) => {
      const guild = guildOf(state, p);
      return ok([...state.channels.values()]
        .filter((c) => !c.deleted && c.type !== 11 && c.type !== 12 && c.type !== 10 && state.guildIdOf(c.id) === guild.id)
        .map((c) => channelJson(state, c.id)));
    }),
    bot('GET', '/guilds/:guild/roles', (_req, p) => ok(guildJson(state, guildOf(state, p)).roles)),
    bot('GET', '/guilds/:guild/members/:user', (_req, p) => {
      guildOf(state, p);
      const user = state.users.get(p.user ?? '');
      if (!user) throw new FakeApiError(404, 10007, 'Unknown Member');
      return ok(memberJson(user));
    }),
    bot('GET', '/applications/@me', () => ok(applicationJson(state))),
    ...commandRoutes(state),
  ];
}

/**
 * As Discord answers it: `owner` is the owning user, or for a team-owned application a synthetic user
 * named after the team, with the members under `team`.
 */
function applicationJson(state: FakeDiscordState) {
  const { team } = state;
  const owner = team
    ? { id: team.id, username: `team${team.id}`, global_name: null, avatar: null, discriminator: '0000', public_flags: 1024, flags: 1024 }
    : userJson(state.rememberUser(state.applicationOwnerId));
  return {
    id: state.appId, name: 'videobot', icon: null, description: '', summary: '', type: null, bot_public: state.botPublic,
    bot_require_code_grant: false, verify_key: 'f'.repeat(64), flags: 0, owner,
    team: team && {
      id: team.id, name: `team ${team.id}`, icon: null, owner_user_id: team.memberIds[0] ?? state.ownerId,
      members: team.memberIds.map((id) => ({
        membership_state: 2, team_id: team.id, permissions: ['*'], role: 'admin', user: userJson(state.rememberUser(id)),
      })),
    },
  };
}

function postChannelMessage(state: FakeDiscordState, req: RecordedRequest, p: Params, dispatch: Dispatch): RouteAnswer {
  const channel = channelId(state, p);
  const recipient = state.dmChannels.get(channel);
  if (recipient !== undefined && state.dmFails.has(recipient)) {
    throw new FakeApiError(403, 50007, 'Cannot send messages to this user');
  }
  const payload = payloadOf(req);
  const nonceKey = payload.nonce === undefined || payload.nonce === null ? undefined : `${channel}:${String(payload.nonce)}`;
  if (nonceKey && (req.body as { enforce_nonce?: unknown }).enforce_nonce === true) {
    const earlier = state.liveMessage(state.nonces.get(nonceKey));
    if (earlier) return ok(messageJson(state, earlier));
  }
  if (isEmpty(payload, req)) throw new FakeApiError(400, 50006, 'Cannot send an empty message');
  const place = state.channels.get(channel);
  if (place) {
    const unarchived = (c: FakeChannel) => dispatch('THREAD_UPDATE', channelJson(state, c.id));
    checkCanPost(state, place, { files: req.files.length > 0, reply: payload.message_reference !== undefined }, unarchived);
  }
  const reference = payload.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
  const referenced = reference ? state.liveMessage(reference.message_id) : undefined;
  if (reference && !referenced && reference.fail_if_not_exists !== false) {
    throw new FakeApiError(400, 50035, 'Invalid Form Body', {
      message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] },
    });
  }
  const m = createMessage(state, { channelId: channel, authorId: state.botUserId, type: referenced ? 19 : 0 }, payload, req);
  if (referenced) {
    m.message_reference = { message_id: referenced.id, channel_id: referenced.channel_id, ...(referenced.guild_id ? { guild_id: referenced.guild_id } : {}) };
  }
  if (nonceKey) state.nonces.set(nonceKey, m.id);
  return ok(messageJson(state, m));
}

function openDm(state: FakeDiscordState, req: RecordedRequest): RouteAnswer {
  const recipient = (req.body as { recipient_id?: unknown } | undefined)?.recipient_id;
  if (typeof recipient !== 'string') throw new FakeApiError(400, 50035, 'Invalid Form Body');
  if (!state.users.has(recipient)) state.rememberUser(recipient);
  const existing = [...state.dmChannels].find(([, user]) => user === recipient)?.[0];
  const id = existing ?? state.nextId();
  state.dmChannels.set(id, recipient);
  return ok(channelJson(state, id));
}

function channelId(state: FakeDiscordState, p: Params): string {
  const id = p.channel ?? '';
  if (state.dmChannels.has(id)) return id;
  return accessibleChannel(state, id).id;
}

function guildOf(state: FakeDiscordState, p: Params): FakeGuild {
  const guild = state.guilds.get(p.guild);
  if (!guild || (state.guildRemoved && guild.id === state.guildId)) throw new FakeApiError(404, 10004, 'Unknown Guild');
  return guild;
}

function channelMessage(state: FakeDiscordState, p: Params): FakeMessage {
  const channel = channelId(state, p);
  const m = state.liveMessage(p.message);
  // ephemeral messages exist only for their interaction's webhook
  if (!m || m.channel_id !== channel || m.ephemeral) throw new FakeApiError(404, 10008, 'Unknown Message');
  return m;
}

function knownUser(state: FakeDiscordState, id: string): FakeUser {
  const user = state.users.get(id);
  if (!user) throw new FakeApiError(404, 10013, 'Unknown User');
  return user;
}
