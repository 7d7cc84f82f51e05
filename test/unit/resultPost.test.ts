import type { REST } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { createDiscordMessenger } from '../../src/services/discord/discordMessenger.ts';
import { createResultPoster } from '../../src/services/jobs/resultPoster.ts';
import { exampleJob, exampleNow } from '../support/messageExamples.ts';

interface Body {
  content: string; embeds: { description?: string; fields: { name: string; value: string }[]; footer?: { text: string } }[];
  components?: { components: { custom_id: string }[] }[]; attachments?: { id: string; filename: string; description?: string }[];
  allowed_mentions: unknown; message_reference?: unknown; nonce: string;
}

/** The result poster over the real messenger, with a REST client that keeps each JSON body it is given. */
function capture() {
  const bodies: Body[] = [];
  const write = async (_route: string, options: { body: unknown }) => {
    bodies.push(options.body as Body);
    return { id: '1', channel_id: '2' };
  };
  const poster = createResultPoster(createDiscordMessenger({ post: write, patch: write } as unknown as REST));
  return { poster, bodies };
}

const finished = (overrides: Partial<Job> = {}) => exampleJob({
  status: 'completed', costMicros: 800_000, videoUrl: 'https://files.example/v.mp4', videoExpiresAt: exampleNow + 86_400_000, ...overrides,
});
const video = { kind: 'file', bytes: Buffer.alloc(16) } as const;

describe('the result post', () => {
  it('is the requester’s mention and the video, then one embed with the settings, the cost and the job, then the buttons', async () => {
    const { poster, bodies } = capture();
    await poster.inChannel(finished(), video);
    const body = bodies[0]!;
    expect(body.content).toBe('<@1100000000000000003>');
    expect(body.allowed_mentions).toEqual({ parse: [], users: ['1100000000000000003'], replied_user: false });
    expect(body.message_reference).toBeUndefined();
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]!.fields.map((f) => f.name)).toEqual(['Model', 'Duration', 'Orientation', 'Resolution', 'Sound', 'Cost']);
    expect(body.embeds[0]!.footer).toEqual({ text: 'Job #42' });
    expect(body.components![0]!.components.map((c) => c.custom_id)).toEqual(['job:42:again', 'job:42:edit', 'job:42:dm', 'job:42:delete']);
    // Each fact once: the cost, the number, and no line that repeats the buttons as reactions.
    const text = JSON.stringify(body);
    expect(text.split('$0.80')).toHaveLength(2);
    expect(text.split('#42')).toHaveLength(2);
    expect(text).not.toContain('React');
  });

  it('gives the video the prompt as its alt text, clipped to Discord’s 1024 characters', async () => {
    const { poster, bodies } = capture();
    await poster.inChannel(finished(), video);
    expect(bodies[0]!.attachments).toEqual([{ id: '0', filename: 'video-42.mp4', description: 'a red fox running through fresh snow at dawn, slow motion' }]);
    await poster.inChannel(finished({ request: { ...exampleJob().request, prompt: '雪'.repeat(1500) } }), video);
    const clipped = bodies[1]!.attachments![0]!.description!;
    expect(clipped.length).toBeLessThanOrEqual(1024);
    expect(clipped.endsWith('…')).toBe(true);
  });

  it('names the job it remakes in the embed of a remake’s result', async () => {
    const { poster, bodies } = capture();
    await poster.inChannel(finished({ id: 43, parentJobId: 42 }), video);
    expect(bodies[0]!.embeds[0]!.fields.at(-1)).toEqual({ name: en.card.remakeOf, value: 'job #42', inline: true });
    expect(bodies[0]!.embeds[0]!.footer).toEqual({ text: 'Job #43' });
  });

  it('puts the link, and why it is not the video, on the lines after the mention', async () => {
    const { poster, bodies } = capture();
    const job = finished();
    await poster.inChannel(job, { kind: 'link' });
    expect(bodies[0]!.content).toBe(`<@1100000000000000003>\n${en.resultLink('https://files.example/v.mp4', job.videoExpiresAt)}`);
    await poster.inDm(job, video, en.delivery.movedToDm(job.channelId, en.delivery.problem.thread_locked));
    const dm = bodies.at(-1)!;
    expect(dm.content.split('\n')[0]).toBe('<@1100000000000000003>');
    expect(dm.components).toBeUndefined();
  });
});
