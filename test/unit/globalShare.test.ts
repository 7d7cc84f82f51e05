import { describe, expect, it } from 'vitest';
import { globalShareOf } from '../../src/discordClients.ts';

describe("each process's share of the bot token's global limit", () => {
  it('is the whole 50 a second for one process on one host', () => {
    expect(globalShareOf({ shardProcesses: 1, hostCount: 1 })).toBe(50);
  });

  it('is divided among the processes of every host, since Discord counts the token, not the process', () => {
    expect(globalShareOf({ shardProcesses: 2, hostCount: 1 })).toBe(25);
    expect(globalShareOf({ shardProcesses: 2, hostCount: 3 })).toBe(8);
    expect(globalShareOf({ shardProcesses: 64, hostCount: 2 })).toBe(1);
  });
});
