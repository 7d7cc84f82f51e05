import type { GatewayDispatchPayload } from 'discord.js';

/**
 * A reaction taken from the raw gateway event. discord.js drops reaction events whose channel is not
 * in its cache, and the bot keeps no channels (they were most of its memory per server), so the
 * event is read as Discord sent it: the ids and the emoji are all the controls need.
 */
export function reactionAddFromGateway(packet: { t?: string | null; d?: unknown }):
  { reaction: { message: { id: string; channelId: string }; emoji: { name: string | null } }; user: { id: string } } | undefined {
  if (packet.t !== 'MESSAGE_REACTION_ADD') return undefined;
  const d = packet.d as Extract<GatewayDispatchPayload, { t: 'MESSAGE_REACTION_ADD' }>['d'] | undefined;
  if (typeof d?.message_id !== 'string' || typeof d.channel_id !== 'string' || typeof d.user_id !== 'string') return undefined;
  return {
    reaction: { message: { id: d.message_id, channelId: d.channel_id }, emoji: { name: d.emoji?.name ?? null } },
    user: { id: d.user_id },
  };
}
