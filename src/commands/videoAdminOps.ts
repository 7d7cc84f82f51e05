import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandMention } from '../i18n/commandNames.ts';
import type { Messages } from '../i18n/messages.ts';
import type { ResolveOutcome } from '../i18n/opsMessages.ts';
import type { Logger } from '../logger.ts';
import type { BotStatus } from '../services/spend/botStatus.ts';
import type { JobResolution } from '../services/jobs/jobResolution.ts';
import { replyEphemeral } from './replies.ts';

export interface AdminOpsDeps { resolution: JobResolution; botStatus: BotStatus; logger: Logger; mention: CommandMention }

interface OpsContext { interaction: ChatInputCommandInteraction; m: Messages; guildId: string; actorId: string }

/** `/video-admin resolve job outcome`: the service checks the server, the state and the late-poll window. */
export async function resolveJob(c: OpsContext, deps: AdminOpsDeps): Promise<void> {
  const o = c.interaction.options;
  const jobId = o.getInteger('job', true);
  const chosen = o.getString('outcome', true);
  const outcome: ResolveOutcome | undefined = chosen === 'billed' || chosen === 'not_billed' ? chosen : undefined;
  if (!outcome) throw new Error(`unknown resolve outcome ${chosen}`);
  // Settling, the audit row and the requester's notice can outlast Discord's three seconds.
  await c.interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await deps.resolution.resolve({ guildId: c.guildId, actorId: c.actorId, jobId, outcome });
  let content: string;
  if (result.ok) content = c.m.ops.resolved(jobId, result.job.userId, outcome, result.job.estimateMicros);
  else if (result.reason === 'not_found') content = c.m.ops.resolveNotFound(jobId);
  else if (result.reason === 'still_polling') content = c.m.ops.resolveStillPolling(jobId, result.resolvableAt);
  else content = c.m.ops.resolveNotAwaiting(jobId, c.m.history.status[result.status]);
  await c.interaction.editReply({ content, allowedMentions: { parse: [] } });
}

export async function showStatus(c: OpsContext, deps: AdminOpsDeps): Promise<void> {
  await replyEphemeral(c.interaction, c.m.ops.status(await deps.botStatus.view(c.guildId), deps.mention));
}
