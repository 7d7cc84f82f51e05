import { createMessage, editMessage, isEmpty, payloadOf } from './fakeDiscordMessages.ts';
import { checkAutocompleteCallback } from './fakeDiscordAutocomplete.ts';
import { messageJson } from './fakeDiscordPayloads.ts';
import type { Route, RouteAnswer } from './fakeDiscordRest.ts';
import {
  EPHEMERAL,
  FakeApiError,
  LOADING,
  type FakeDiscordState,
  type FakeInteraction,
  type FakeMessage,
  type RecordedRequest,
} from './fakeDiscordState.ts';

// Interaction callback and interaction-webhook routes. Neither carries an Authorization header;
// the interaction token is the credential.

const ACK_ONLY_CALLBACKS = new Set([1, 6, 7, 8, 9, 10, 12]);

/**
 * "Interaction tokens are valid for 15 minutes ... but you must send an initial response within 3
 * seconds of receiving the event. If the 3 second deadline is exceeded, the token will be invalidated."
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction)
 */
export const INITIAL_RESPONSE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

const ageOf = (state: FakeDiscordState, interaction: FakeInteraction) => state.now() - interaction.createdAt;

/** Past its 3 s unanswered, or past its 15 minutes: the token no longer works anywhere. */
function tokenExpired(state: FakeDiscordState, interaction: FakeInteraction): boolean {
  if (interaction.expired) return true;
  const age = ageOf(state, interaction);
  return age > TOKEN_LIFETIME_MS || (!interaction.acked && age > INITIAL_RESPONSE_MS);
}

export function interactionRoutes(state: FakeDiscordState): Route[] {
  const original = '/webhooks/:app/:token/messages/:message';
  return [
    { method: 'POST', path: '/interactions/:id/:token/callback', auth: false, handle: (req, p) => callback(state, req, p) },
    {
      method: 'GET',
      path: original,
      auth: false,
      handle: (_req, p) => ({ status: 200, body: messageJson(state, webhookMessage(state, p)) }),
    },
    {
      method: 'PATCH',
      path: original,
      auth: false,
      handle: (req, p) => {
        const message = webhookMessage(state, p);
        editMessage(state, message, payloadOf(req), req, webhookInteraction(state, p).attachmentSizeLimit);
        return { status: 200, body: messageJson(state, message) };
      },
    },
    {
      method: 'DELETE',
      path: original,
      auth: false,
      handle: (_req, p) => {
        webhookMessage(state, p).deleted = true;
        return { status: 204 };
      },
    },
    { method: 'POST', path: '/webhooks/:app/:token', auth: false, handle: (req, p) => followUp(state, req, p) },
  ];
}

function callback(state: FakeDiscordState, req: RecordedRequest, p: Record<string, string>): RouteAnswer {
  const interaction = state.interactions.get(p.id ?? '');
  if (!interaction || interaction.token !== p.token || tokenExpired(state, interaction)) {
    throw new FakeApiError(404, 10062, 'Unknown interaction');
  }
  if (interaction.acked) throw new FakeApiError(400, 40060, 'Interaction has already been acknowledged.');
  const body = (req.body ?? {}) as { type?: unknown; data?: unknown };
  const type = Number(body.type);
  const data = (body.data && typeof body.data === 'object' ? body.data : {}) as { flags?: unknown };
  let message: FakeMessage | undefined;
  checkAutocompleteCallback(interaction, type, data);
  if (type === 4 || type === 5) {
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    if (type === 4 && isEmpty(data, req)) throw new FakeApiError(400, 50006, 'Cannot send an empty message');
    message = createMessage(
      state,
      {
        channelId: interaction.channelId,
        authorId: state.botUserId,
        type: 20,
        webhook: true,
        interactionId: interaction.id,
        ephemeral: (flags & EPHEMERAL) !== 0,
        flags: type === 5 ? (flags & EPHEMERAL) | LOADING : flags,
        attachmentSizeLimit: interaction.attachmentSizeLimit,
      },
      type === 5 ? {} : data,
      req,
    );
    interaction.originalId = message.id;
  } else if ((type === 6 || type === 7) && interaction.type !== 3 && interaction.type !== 5) {
    // UPDATE_MESSAGE and DEFERRED_UPDATE_MESSAGE exist only for component-based interactions
    throw new FakeApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Update responses are only valid for component interactions.' }] } });
  } else if (type === 9 && interaction.type === 5) {
    throw new FakeApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'A modal submit cannot be answered with a modal.' }] } });
  } else if (!ACK_ONLY_CALLBACKS.has(type)) {
    throw new FakeApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.' }] } });
  }
  if (type === 9) interaction.modal = data as FakeInteraction['modal'];
  if (type === 7) {
    const clicked = state.liveMessage(interaction.messageId);
    if (!clicked) throw new FakeApiError(404, 10008, 'Unknown Message');
    editMessage(state, clicked, data as Parameters<typeof editMessage>[2], req);
  }
  interaction.acked = true;
  interaction.callbackType = type;
  if (req.query.get('with_response') !== 'true') return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.type ?? 2,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: type === 5,
              response_message_ephemeral: message.ephemeral,
            }
          : {}),
      },
      // Discord's spec has a message resource only for type 4; a deferred response carries none
      ...(message && type === 4 ? { resource: { type, message: messageJson(state, message) } } : {}),
    },
  };
}

function followUp(state: FakeDiscordState, req: RecordedRequest, p: Record<string, string>): RouteAnswer {
  const interaction = webhookInteraction(state, p);
  if (!interaction.acked) throw new FakeApiError(404, 10015, 'Unknown Webhook');
  const payload = payloadOf(req);
  if (isEmpty(payload, req)) throw new FakeApiError(400, 50006, 'Cannot send an empty message');
  const flags = typeof payload.flags === 'number' ? payload.flags : 0;
  const message = createMessage(
    state,
    {
      channelId: interaction.channelId,
      authorId: state.botUserId,
      type: 0,
      webhook: true,
      interactionId: interaction.id,
      ephemeral: (flags & EPHEMERAL) !== 0,
      attachmentSizeLimit: interaction.attachmentSizeLimit,
    },
    payload,
    req,
  );
  return req.query.get('wait') === 'true' ? { status: 200, body: messageJson(state, message) } : { status: 204 };
}

function webhookInteraction(state: FakeDiscordState, p: Record<string, string>): FakeInteraction {
  if (p.app !== state.appId) throw new FakeApiError(404, 10015, 'Unknown Webhook');
  const interaction = [...state.interactions.values()].find((i) => i.token === p.token);
  if (!interaction || tokenExpired(state, interaction)) throw new FakeApiError(401, 50027, 'Invalid Webhook Token');
  return interaction;
}

function webhookMessage(state: FakeDiscordState, p: Record<string, string>): FakeMessage {
  const interaction = webhookInteraction(state, p);
  const id = p.message === '@original' ? interaction.originalId : p.message;
  const message = state.liveMessage(id);
  if (!message || message.interactionId !== interaction.id) throw new FakeApiError(404, 10008, 'Unknown Message');
  return message;
}
