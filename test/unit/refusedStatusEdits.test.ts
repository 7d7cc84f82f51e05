import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createRefusedStatusEdits } from '../../src/services/status/refusedStatusEdits.ts';

describe('the status messages whose channel refused an edit', () => {
  it('refuses a remembered message while the bot’s permissions in its channel stay the same', () => {
    const refusals = createRefusedStatusEdits(() => new PermissionsBitField(PermissionFlagsBits.SendMessages));
    refusals.remember('10', '20');
    expect(refusals.refuses('10', '20')).toBe(true);
    expect(refusals.refuses('10', '21')).toBe(false);
    expect(refusals.refuses('11', '20')).toBe(false);
  });

  it('forgets a refusal once the bot’s permissions in that channel change', () => {
    let permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages);
    const refusals = createRefusedStatusEdits(() => permissions);
    refusals.remember('10', '20');
    permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages | PermissionFlagsBits.ViewChannel);
    expect(refusals.refuses('10', '20')).toBe(false);
    permissions = new PermissionsBitField(PermissionFlagsBits.SendMessages);
    expect(refusals.refuses('10', '20')).toBe(false);
  });

  it('keeps refusing where the cache cannot tell the bot’s permissions', () => {
    const refusals = createRefusedStatusEdits();
    refusals.remember('10', '20');
    expect(refusals.refuses('10', '20')).toBe(true);
  });

  it('remembers at most 1,000 messages, forgetting the oldest refusal first', () => {
    const refusals = createRefusedStatusEdits();
    for (let i = 0; i <= 1_000; i++) refusals.remember('10', String(i));
    expect(refusals.refuses('10', '0')).toBe(false);
    expect(refusals.refuses('10', '1')).toBe(true);
    expect(refusals.refuses('10', '1000')).toBe(true);
  });
});
