import { describe, expect, it } from 'vitest';
import { createInstanceLease, InstanceConflictError } from '../../src/db/instanceLease.ts';
import { openDatabase } from '../../src/db/openDatabase.ts';

const staleMs = 60_000;

function leases(alive: Set<number>) {
  const db = openDatabase(':memory:');
  const make = (host: string, pid: number) => createInstanceLease(db, { host, pid }, { staleMs, isAlive: (p) => alive.has(p) });
  return { db, make };
}

describe('instance lease: one bot per database file', () => {
  it('refuses a second live instance on the same host', () => {
    const { make } = leases(new Set([1, 2]));
    make('box', 1).acquire(0);
    expect(() => make('box', 2).acquire(1_000)).toThrow(InstanceConflictError);
  });

  it('refuses an instance on another host while the holder keeps its heartbeat', () => {
    const { make } = leases(new Set([1]));
    const first = make('box-a', 1);
    first.acquire(0);
    expect(first.heartbeat(50_000)).toBe(true);
    expect(() => make('box-b', 7).acquire(100_000)).toThrow(/pid 1 on box-a/);
  });

  it('takes over from a holder process on this host that died (a crash)', () => {
    const { make } = leases(new Set([2]));
    make('box', 1).acquire(0);
    expect(() => make('box', 2).acquire(1_000)).not.toThrow();
  });

  it('takes over a lease whose heartbeat went stale', () => {
    const { make } = leases(new Set([1, 2]));
    make('box-a', 1).acquire(0);
    expect(() => make('box-b', 2).acquire(staleMs + 1)).not.toThrow();
  });

  it('frees the lease on release, and the old holder can no longer renew it', () => {
    const { make } = leases(new Set([1, 2]));
    const first = make('box', 1);
    first.acquire(0);
    first.release();
    const second = make('box', 2);
    second.acquire(10);
    expect(first.heartbeat(20)).toBe(false);
    expect(second.heartbeat(20)).toBe(true);
  });
});
