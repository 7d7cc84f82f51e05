import { readFileSync } from 'node:fs';
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** README's permission table, by name as Discord's client shows it. */
function tablePermissions(): string[] {
  const section = readme.slice(readme.indexOf('## Creating the Discord application'), readme.indexOf('## Where the bot works'));
  return [...section.matchAll(/^\s*\| ([A-Z][A-Za-z ]+) \| /gm)].map((m) => m[1]!.trim()).filter((name) => name !== 'permission');
}

const flagOf = (name: string): bigint => {
  // Discord's client says "View Channels" where the API flag is ViewChannel.
  const key = name.replace(/\b\w/g, (c) => c.toUpperCase()).replaceAll(' ', '');
  const flag = PermissionFlagsBits[key as keyof typeof PermissionFlagsBits] ?? PermissionFlagsBits[key.replace(/s$/, '') as keyof typeof PermissionFlagsBits];
  if (flag === undefined) throw new Error(`README names an unknown permission: ${name}`);
  return flag;
};

describe('README invite URL', () => {
  it('carries exactly the permissions of the table', () => {
    const names = tablePermissions();
    expect(names).toContain('Send Messages in Threads');
    expect(names).toContain('Read Message History');
    const expected = names.reduce((sum, name) => sum | flagOf(name), 0n);
    const urls = [...readme.matchAll(/oauth2\/authorize\?[^\s)]*permissions=(\d+)/g)];
    expect(urls).toHaveLength(1);
    expect(BigInt(urls[0]![1]!)).toBe(expected);
  });
});
