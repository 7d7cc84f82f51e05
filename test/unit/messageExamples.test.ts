import { describe, expect, it } from 'vitest';
import { validateDiscordRequest } from '../fakes/discordSpec.ts';
import { messageExamples } from '../support/messageExamples.ts';
import { describeMessage } from '../support/printMessages.ts';

describe('the message examples (npx tsx test/support/printMessages.ts)', () => {
  it.each(['en-US', 'ja'])('render every card state, the result and /usage in %s as bodies Discord accepts', async (locale) => {
    const examples = await messageExamples(locale);
    expect(examples.map((e) => e.title)).toEqual(expect.arrayContaining([
      'card: waiting for ✅', 'card: queued', 'card: running', 'card: failed', 'card: timed out', 'card: done',
      'result message (the bot then adds the reactions 🔁 📩 ❌)', '/usage (ephemeral; the chart follows in an edit)',
    ]));
    for (const example of examples.filter((e) => !e.title.startsWith('/'))) {
      const route = example.title.startsWith('card') ? ['PATCH', '/channels/1/messages/2'] : ['POST', '/channels/1/messages'];
      expect(validateDiscordRequest(route[0]!, route[1]!, example.body), example.title).toEqual([]);
      expect(describeMessage(example)).toContain(example.title);
    }
  });
});
