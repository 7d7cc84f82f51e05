import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createRefusedStatusEdits } from '../../src/services/status/refusedStatusEdits.ts';
import { ManualClock } from '../model/manualClock.ts';

const clock = new ManualClock(0).view();

describe('the status messages whose channel refused an edit', () => {
  it('refuses a remembered message while the bot’s permissions in its channel stay the same', () => {
    const refusals = createRefusedStatusEdits({ clock, botPermissions: () => new PermissionsBitField(PermissionFlagsBits.SendMessages) });
    refusals.remember('10', '20');
    expect(refusals.refuses('10', '20')).toBe(true);
    expect(refusals.refuses('10', '21')).toBe(false);
    expect(refusals.refuses('11', '20')).toBe(false);
  });

  it('forgets a refusal once the bot’s permissions in that channel change', () => {
    let permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages);
    const refusals = createRefusedStatusEdits({ clock, botPermissions: () => permissions });
    refusals.remember('10', '20');
    permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages | PermissionFlagsBits.ViewChannel);
    expect(refusals.refuses('10', '20')).toBe(false);
    permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages);
    expect(refusals.refuses('10', '20')).toBe(false);
  });

  it('keeps refusing where the cache cannot tell the bot’s permissions', () => {
    const refusals = createRefusedStatusEdits({ clock });
    refusals.remember('10', '20');
    expect(refusals.refuses('10', '20')).toBe(true);
  });

  it('remembers at most 1,000 messages, forgetting the oldest refusal first', () => {
    const refusals = createRefusedStatusEdits({ clock });
    for (let i = 0; i <= 1_000; i++) refusals.remember('10', String(i));
    expect(refusals.refuses('10', '0')).toBe(false);
    expect(refusals.refuses('10', '1')).toBe(true);
    expect(refusals.refuses('10', '1000')).toBe(true);
  });

  // A 403 can go away with nothing the cache shows: the bot re-added to a private thread, a thread
  // unlocked, a channel never cached (no permissions before, none after).
  it('forgets a refusal after 10 minutes, Discord’s invalid-request window, even where the permissions look the same', async () => {
    const time = new ManualClock(0);
    const refusals = createRefusedStatusEdits({ clock: time.view() });
    refusals.remember('10', '20');
    await time.advance(10 * 60_000 - 1);
    expect(refusals.refuses('10', '20')).toBe(true);
    await time.advance(1);
    expect(refusals.refuses('10', '20')).toBe(false);
    refusals.remember('10', '20');
    expect(refusals.refuses('10', '20')).toBe(true);
  });
});
