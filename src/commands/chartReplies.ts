import type { ChatInputCommandInteraction } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { ChartFile } from '../services/spend/spendCharts.ts';
import { noMentions } from './replies.ts';

/**
 * Adds a chart to the answer already sent: the numbers go out at once, the picture (whose first
 * drawing loads the chart libraries) follows in an edit. A chart that cannot be drawn is logged and
 * left out; the text says everything it shows.
 */
export async function attachChart(
  deps: { logger: Logger }, interaction: ChatInputCommandInteraction, draw: () => Promise<ChartFile | undefined>,
): Promise<void> {
  let chart: ChartFile | undefined;
  try {
    chart = await draw();
  } catch (err) {
    deps.logger.warn('chart_failed', { ref: interaction.id, err });
    return;
  }
  if (!chart) return;
  await interaction.editReply({
    allowedMentions: noMentions,
    files: [{ attachment: chart.data, name: chart.name, description: chart.description }],
  });
}
