import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fakeDiscord.ts';

/**
 * Discord: "Interaction tokens are valid for 15 minutes […] however you must send an initial response
 * within 3 seconds of receiving the event. If the 3 second deadline is exceeded, the token will be
 * invalidated." (docs/interactions/receiving-and-responding). The fake refuses a late initial response
 * when told to; the bench turns it on, so a command the bot answers too late counts as unanswered.
 */
describe('the fake Discord’s deadline for an initial response', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => fake?.stop());

  const respond = (f: FakeDiscord, id: string, token: string) => fetch(`${f.apiBase}/v10/interactions/${id}/${token}/callback`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 5 }),
  });

  it('refuses an initial response after the deadline with 10062 Unknown interaction', async () => {
    fake = await FakeDiscord.start({ interactionCallbackDeadlineMs: 100 });
    const late = fake.sendCommand({ name: 'video' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answer = await respond(fake, late.id, late.token);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ code: 10062 });
  });

  it('accepts one within the deadline, and any response when no deadline is set', async () => {
    fake = await FakeDiscord.start({ interactionCallbackDeadlineMs: 2_000 });
    const prompt = fake.sendCommand({ name: 'video' });
    expect((await respond(fake, prompt.id, prompt.token)).status).toBe(204);
    await fake.stop();
    fake = await FakeDiscord.start();
    const noDeadline = fake.sendCommand({ name: 'video' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await respond(fake, noDeadline.id, noDeadline.token)).status).toBe(204);
  });
});
