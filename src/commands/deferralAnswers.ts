import type { DiscordMessenger } from '../services/discord/discordMessenger.ts';
import type { DeferralAnswers } from './video.ts';

/** A `/video`'s answers around a bare deferral, all through the interaction client. */
export function deferralAnswers(messenger: DiscordMessenger): DeferralAnswers {
  return {
    deferAtOnce: (interactionId, token) => messenger.deferInteraction(interactionId, token),
    async replaceWithPrivate(applicationId, token, content) {
      await messenger.deleteOriginal(applicationId, token).catch(() => undefined);
      await messenger.followUp(applicationId, token, { content }, true);
    },
    withdraw: (applicationId, token) => messenger.deleteOriginal(applicationId, token),
  };
}
