import { readFileSync } from 'node:fs';
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { invitePermissionBits, invitePermissions, inviteUrl } from '../../src/services/discord/invitePermissions.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** README's permission table, by name as Discord's client shows it. */
function tablePermissions(): string[] {
  const section = readme.slice(readme.indexOf('| permission | why |'));
  const table = section.slice(0, section.search(/\n\s*\n/));
  return [...table.matchAll(/^\s*\| ([A-Z][A-Za-z ]+) \| /gm)].map((m) => m[1]!.trim()).filter((name) => name !== 'permission');
}

describe('the invite URL', () => {
  it('asks for what the bot needs in threads and for its replies, and nothing that administers a server', () => {
    for (const needed of ['SendMessagesInThreads', 'ReadMessageHistory', 'AttachFiles', 'EmbedLinks'] as const) {
      expect(invitePermissionBits & PermissionFlagsBits[needed]).toBe(PermissionFlagsBits[needed]);
    }
    for (const excessive of ['Administrator', 'ManageGuild', 'ManageRoles', 'MentionEveryone'] as const) {
      expect(invitePermissionBits & PermissionFlagsBits[excessive]).toBe(0n);
    }
  });

  it('README\'s permission table names exactly the permissions the bot asks for', () => {
    expect(tablePermissions().sort()).toEqual(Object.keys(invitePermissions).sort());
  });

  it('README\'s ready URL carries the same permission integer as the one the bot logs', () => {
    const urls = [...readme.matchAll(/oauth2\/authorize\?[^\s)]*permissions=(\d+)/g)];
    expect(urls).toHaveLength(1);
    expect(BigInt(urls[0]![1]!)).toBe(invitePermissionBits);
    expect(inviteUrl('1100000000000000001')).toBe(
      'https://discord.com/oauth2/authorize?client_id=1100000000000000001&scope=bot+applications.commands&permissions=292057902144',
    );
  });
});
