import type { ChatInputCommandInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { attachChart } from '../../src/commands/chartReplies.ts';

describe('attachChart', () => {
  it('leaves the text answer alone when the chart fails to draw or has nothing to show, and adds a drawn one with its alt text', async () => {
    const warnings: [string, unknown][] = [];
    const logger = { warn: (event: string, fields: unknown) => warnings.push([event, fields]) } as never;
    const edits: unknown[] = [];
    const interaction = { id: '42', editReply: async (body: unknown) => { edits.push(body); } } as unknown as ChatInputCommandInteraction;

    await attachChart({ logger }, interaction, async () => { throw new Error('no vega'); });
    expect(warnings).toEqual([['chart_failed', { ref: '42', err: expect.any(Error) }]]);
    await attachChart({ logger }, interaction, async () => undefined);
    expect(edits).toEqual([]);

    const chart = { name: 'daily-spend.png', data: Buffer.from([1, 2]), description: 'alt' };
    await attachChart({ logger }, interaction, async () => chart);
    expect(edits).toEqual([{ allowedMentions: { parse: [] }, files: [{ attachment: chart.data, name: 'daily-spend.png', description: 'alt' }] }]);
  });
});
