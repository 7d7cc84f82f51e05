import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A pool (each statement its own transaction) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

const names = new Map<string, string>();

/**
 * A named statement: node-postgres prepares it once per connection and then sends only its
 * parameters, so the server does not parse and plan it again on every call.
 */
export function named(text: string): { name: string; text: string } {
  let name = names.get(text);
  if (!name) names.set(text, (name = `s${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return { name, text };
}

export async function rows<T extends object>(q: Queryable, text: string, values: unknown[] = []): Promise<T[]> {
  return (await q.query<T>({ ...named(text), values })).rows;
}

export async function firstRow<T extends object>(q: Queryable, text: string, values: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(q, text, values))[0];
}

/** How many rows the statement changed. */
export async function changes(q: Queryable, text: string, values: unknown[] = []): Promise<number> {
  return (await q.query({ ...named(text), values })).rowCount ?? 0;
}

/** Status lists are the store's own constants, so they are written into the statement. */
export const inList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
