import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fakeDiscord.ts';

let fake: FakeDiscord;
beforeEach(async () => {
  fake = await FakeDiscord.start();
});
afterEach(() => fake.stop());

const answer = (i: { id: string; token: string }, body: unknown) => fetch(`${fake.apiBase}/v10/interactions/${i.id}/${i.token}/callback`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const choices = { type: 8, data: { choices: [{ name: '8 s', value: 8 }] } };

describe('the fake Discord\'s autocomplete', () => {
  it('takes choices (callback type 8) for an autocomplete interaction and keeps them', async () => {
    const typed = fake.sendAutocomplete({ name: 'video', focused: 'duration', text: '8', options: [{ name: 'prompt', type: 3, value: 'a fox' }] });
    expect((await answer(typed, choices)).status).toBe(204);
    expect(fake.interaction(typed.id)).toMatchObject({ type: 4, callbackType: 8, choices: [{ name: '8 s', value: 8 }] });
  });

  it('refuses a message for an autocomplete interaction, and choices for a command', async () => {
    const typed = fake.sendAutocomplete({ name: 'video', focused: 'model', options: [] });
    const message = await answer(typed, { type: 4, data: { content: 'hello' } });
    expect(message.status).toBe(400);
    expect(await message.json()).toMatchObject({ code: 50035 });
    const command = fake.sendCommand({ name: 'video', options: [{ name: 'prompt', type: 3, value: 'a fox' }] });
    expect((await answer(command, choices)).status).toBe(400);
    expect(fake.interaction(command.id)?.acked).toBe(false);
  });
});
