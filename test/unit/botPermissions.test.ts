import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createBotPermissions } from '../../src/services/discord/botPermissions.ts';
import { ManualClock } from '../model/manualClock.ts';

const withManageMessages = new PermissionsBitField([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ManageMessages]);
const withoutManageMessages = new PermissionsBitField([PermissionFlagsBits.ViewChannel]);

describe("the bot's permissions per channel, from interactions", () => {
  it('tells what the last interaction in a channel carried, and nothing for a channel never heard from', () => {
    const permissions = createBotPermissions(new ManualClock(0).view());
    permissions.learn('10', withoutManageMessages);
    permissions.learn('10', withManageMessages);
    permissions.learn('20', withoutManageMessages);

    expect(permissions.of('10')?.has(PermissionFlagsBits.ManageMessages)).toBe(true);
    expect(permissions.of('20')?.has(PermissionFlagsBits.ManageMessages)).toBe(false);
    expect(permissions.of('30')).toBeUndefined();
  });

  it('forgets a channel ten minutes after its last interaction, since a role may have changed since', async () => {
    const clock = new ManualClock(0);
    const permissions = createBotPermissions(clock.view());
    permissions.learn('10', withManageMessages);
    await clock.advance(9 * 60_000);
    permissions.learn('20', withManageMessages);
    expect(permissions.of('10')).toBeDefined();

    await clock.advance(60_000);
    expect(permissions.of('10')).toBeUndefined();
    expect(permissions.of('20')).toBeDefined();
  });

  it('keeps the most recently heard channels only, however many there are', () => {
    const permissions = createBotPermissions(new ManualClock(0).view(), { trustedForMs: 600_000, channelsKept: 3 });
    for (const id of ['1', '2', '3']) permissions.learn(id, withManageMessages);
    permissions.learn('1', withManageMessages);
    permissions.learn('4', withManageMessages);

    expect(permissions.size()).toBe(3);
    expect(permissions.of('2')).toBeUndefined();
    expect(['1', '3', '4'].map((id) => permissions.of(id) !== undefined)).toEqual([true, true, true]);
  });

  it('ignores an interaction without a channel', () => {
    const permissions = createBotPermissions(new ManualClock(0).view());
    permissions.learn(null, withManageMessages);
    expect(permissions.size()).toBe(0);
  });
});
