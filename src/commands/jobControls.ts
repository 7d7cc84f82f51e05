import {
  ComponentType, MessageFlags, TextInputStyle,
  type ButtonInteraction, type ModalSubmitInteraction,
} from 'discord.js';
import { messagesFor } from '../i18n/messages.ts';
import type { ButtonHandler, ClickAnswer, ClickPlace } from '../services/controls/buttonHandler.ts';
import { isInteractionAdmin } from '../services/discord/memberAccess.ts';
import { parseJobCustomId, retryModalId, retryPromptInputId } from '../services/status/jobButtons.ts';
import { noMentions } from './replies.ts';
import { hasVisibleText, maxPromptChars, normalizePrompt } from './videoRequest.ts';

type ControlInteraction = ButtonInteraction | ModalSubmitInteraction;

/** Answers only the clicker, in the clicker's language (not the job's). */
async function answer(interaction: ControlInteraction, content: string): Promise<void> {
  const message = { content, allowedMentions: noMentions };
  if (interaction.deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

function retryModal(jobId: number, prompt: string, locale: string) {
  const c = messagesFor(locale).controls;
  return {
    custom_id: retryModalId(jobId),
    title: c.modalTitle(jobId).slice(0, 45),
    components: [{
      type: ComponentType.ActionRow as const,
      components: [{
        type: ComponentType.TextInput as const, custom_id: retryPromptInputId, style: TextInputStyle.Paragraph,
        label: c.modalPrompt.slice(0, 45),
        // An erased prompt (RETENTION_DAYS) leaves the field empty for a new one.
        ...(prompt ? { value: [...prompt].slice(0, maxPromptChars).join('') } : {}),
        min_length: 1, max_length: maxPromptChars, required: true,
      }],
    }],
  };
}

/**
 * The job buttons and the Edit & retry form. What a click does is decided in the services
 * (buttonHandler, shared with the reactions); this side only reads the interaction and answers it.
 */
export function createJobControls(buttons: ButtonHandler, opts: { adminRoleIds: readonly string[] }) {
  /** Where the click happened and who made it, from the interaction alone: no request before the answer. */
  const placeOf = (interaction: ControlInteraction): ClickPlace => ({
    userId: interaction.user.id,
    admin: isInteractionAdmin(interaction, opts.adminRoleIds),
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '',
    // A modal opened from a button carries the message that button is on.
    messageId: interaction.message?.id,
  });


  async function show(interaction: ControlInteraction, result: ClickAnswer): Promise<void> {
    if (result.kind === 'modal') {
      if (interaction.isButton()) await interaction.showModal(retryModal(result.jobId, result.prompt, interaction.locale));
      return;
    }
    await answer(interaction, result.reply(messagesFor(interaction.locale)));
  }

  async function onButton(interaction: ButtonInteraction, jobId: number, action: Exclude<ReturnType<typeof parseJobCustomId>, undefined>['action']): Promise<void> {
    if (action === 'retry') return;
    if (buttons.isSlow(action)) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await show(interaction, await buttons.click({ ...placeOf(interaction), jobId, action }));
  }

  async function onRetry(interaction: ModalSubmitInteraction, jobId: number): Promise<void> {
    const m = messagesFor(interaction.locale);
    const prompt = normalizePrompt(interaction.fields.getTextInputValue(retryPromptInputId));
    if (!hasVisibleText(prompt)) return answer(interaction, m.promptEmpty);
    const chars = [...prompt].length;
    if (chars > maxPromptChars) return answer(interaction, m.promptTooLong(maxPromptChars, chars));
    await show(interaction, await buttons.submitRetry({ ...placeOf(interaction), jobId, prompt, submissionId: interaction.id }));
  }

  return {
    /** Whether this interaction is one of the job controls. */
    owns(interaction: { isButton(): boolean; isModalSubmit(): boolean; customId?: string }): boolean {
      return (interaction.isButton() || interaction.isModalSubmit()) && parseJobCustomId(interaction.customId ?? '') !== undefined;
    },
    async handle(interaction: ControlInteraction): Promise<void> {
      const parsed = parseJobCustomId(interaction.customId);
      if (!parsed) return;
      if (interaction.isButton()) await onButton(interaction, parsed.jobId, parsed.action);
      else if (parsed.action === 'retry') await onRetry(interaction, parsed.jobId);
    },
  };
}

export type JobControls = ReturnType<typeof createJobControls>;
