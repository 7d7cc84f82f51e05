import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createBotPermissions } from '../../src/services/discord/botPermissions.ts';
import { ManualClock } from '../model/manualClock.ts';

const withManageMessages = new PermissionsBitField([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ManageMessages]);
const withoutManageMessages = new PermissionsBitField([PermissionFlagsBits.ViewChannel]);
const mayManage = async (permissions: ReturnType<typeof createBotPermissions>, channelId: string) =>
  (await permissions.ask(channelId))?.has(PermissionFlagsBits.ManageMessages);

describe("the bot's permissions per channel, from interactions", () => {
  it('tells what the last interaction in a channel carried, and nothing for a channel never heard from', async () => {
    const permissions = createBotPermissions({ clock: new ManualClock(0).view() });
    permissions.learn('10', withoutManageMessages);
    permissions.learn('10', withManageMessages);
    permissions.learn('20', withoutManageMessages);

    expect(await mayManage(permissions, '10')).toBe(true);
    expect(await mayManage(permissions, '20')).toBe(false);
    expect(await permissions.ask('30')).toBeUndefined();
    expect(permissions.known('10')?.has(PermissionFlagsBits.ManageMessages)).toBe(true);
    expect(permissions.known('30')).toBeUndefined();
  });

  it('forgets a channel ten minutes after its last interaction, since a role may have changed since', async () => {
    const clock = new ManualClock(0);
    const permissions = createBotPermissions({ clock: clock.view() });
    permissions.learn('10', withManageMessages);
    await clock.advance(9 * 60_000);
    permissions.learn('20', withManageMessages);
    expect(await permissions.ask('10')).toBeDefined();

    await clock.advance(60_000);
    expect(await permissions.ask('10')).toBeUndefined();
    expect(await permissions.ask('20')).toBeDefined();
  });

  it('keeps the most recently heard channels only, however many there are', async () => {
    const permissions = createBotPermissions({ clock: new ManualClock(0).view(), limits: { trustedForMs: 600_000, channelsKept: 3 } });
    for (const id of ['1', '2', '3']) permissions.learn(id, withManageMessages);
    permissions.learn('1', withManageMessages);
    permissions.learn('4', withManageMessages);

    expect(permissions.size()).toBe(3);
    expect(await permissions.ask('2')).toBeUndefined();
    expect(await Promise.all(['1', '3', '4'].map((id) => mayManage(permissions, id)))).toEqual([true, true, true]);
  });

  it('asks the lookup once for a channel not heard from, however many ask at a time, and keeps its answer', async () => {
    const asked: string[] = [];
    const permissions = createBotPermissions({
      clock: new ManualClock(0).view(),
      lookup: async (channelId) => {
        asked.push(channelId);
        return withoutManageMessages;
      },
    });
    permissions.learn('10', withManageMessages);

    expect(await Promise.all([mayManage(permissions, '20'), mayManage(permissions, '20'), mayManage(permissions, '10')])).toEqual([false, false, true]);
    expect(await mayManage(permissions, '20')).toBe(false);
    expect(asked).toEqual(['20']);
  });

  it('tells nothing where the lookup fails, and asks again next time', async () => {
    let calls = 0;
    const permissions = createBotPermissions({
      clock: new ManualClock(0).view(),
      lookup: async () => {
        calls++;
        throw new Error('Missing Access');
      },
    });
    expect(await permissions.ask('10')).toBeUndefined();
    expect(await permissions.ask('10')).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('ignores an interaction without a channel', () => {
    const permissions = createBotPermissions({ clock: new ManualClock(0).view() });
    permissions.learn(null, withManageMessages);
    expect(permissions.size()).toBe(0);
  });
});
