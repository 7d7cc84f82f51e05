import type { ChatInputCommandInteraction } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { ChartFile } from '../services/spend/spendCharts.ts';
import { noMentions } from './replies.ts';

/** A chart that cannot be drawn is logged and left out: the numbers are in the text anyway. */
export async function chartOrNothing(
  deps: { logger: Logger }, interaction: ChatInputCommandInteraction, draw: () => Promise<ChartFile | undefined>,
): Promise<ChartFile | undefined> {
  try {
    return await draw();
  } catch (err) {
    deps.logger.warn('chart_failed', { ref: interaction.id, err });
    return undefined;
  }
}

export async function editWithChart(interaction: ChatInputCommandInteraction, content: string, chart: ChartFile | undefined): Promise<void> {
  await interaction.editReply({
    content, allowedMentions: noMentions,
    files: chart ? [{ attachment: chart.data, name: chart.name, description: chart.description }] : [],
  });
}
