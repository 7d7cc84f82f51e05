/**
 * Advisory locks use the two-integer form: the first integer names what is locked (within a range of
 * this bot's own, so another application on the same database cannot collide), the second which one.
 */
const base = 0x5642_0000;
export const lockSpaces = {
  migrations: base,
  member: base + 1,
  guild: base + 2,
  botBudget: base + 3,
  shard: base + 4,
  /** Held shared by every process of one shard count: a live process of another split conflicts with all. */
  split: base + 5,
  leaseAcquisition: base + 6,
} as const;

/** A stable 32-bit key for a text id (FNV-1a). Two ids sharing one only wait for each other; nothing else. */
export function textKey(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** The arguments of pg_advisory_(xact_)lock for a lock of this bot, written into a statement. */
export const lockArgs = (space: number, key: number) => `${space}, ${key | 0}`;

export const lockKeys = { migrations: lockArgs(lockSpaces.migrations, 0) } as const;
