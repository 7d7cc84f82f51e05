import type { ChatInputCommandInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { chartOrNothing, editWithChart } from '../../src/commands/chartReplies.ts';

describe('chart replies', () => {
  it('leave out a chart that fails to draw, logging why, and attach one that draws with its alt text', async () => {
    const warnings: [string, unknown][] = [];
    const logger = { warn: (event: string, fields: unknown) => warnings.push([event, fields]) } as never;
    const edits: unknown[] = [];
    const interaction = { id: '42', editReply: async (body: unknown) => { edits.push(body); } } as unknown as ChatInputCommandInteraction;

    const failed = await chartOrNothing({ logger }, interaction, async () => { throw new Error('no vega'); });
    expect(failed).toBeUndefined();
    expect(warnings).toEqual([['chart_failed', { ref: '42', err: expect.any(Error) }]]);
    await editWithChart(interaction, 'numbers', failed);

    const chart = { name: 'daily-spend.png', data: Buffer.from([1, 2]), description: 'alt' };
    await editWithChart(interaction, 'numbers', await chartOrNothing({ logger }, interaction, async () => chart));
    expect(edits).toEqual([
      { content: 'numbers', allowedMentions: { parse: [] }, files: [] },
      { content: 'numbers', allowedMentions: { parse: [] }, files: [{ attachment: chart.data, name: 'daily-spend.png', description: 'alt' }] },
    ]);
  });
});
