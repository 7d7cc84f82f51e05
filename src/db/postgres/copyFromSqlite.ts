import type { Database } from 'better-sqlite3';
import type pg from 'pg';

/** Copied in this order (each table's references come before it); the kept totals are rebuilt by the triggers. */
export const copiedTables = [
  'reference_images', 'reference_image_parts', 'jobs', 'job_messages', 'ledger', 'price_checks', 'budget_overrides', 'guild_settings', 'audit_log', 'dm_copies',
] as const;
/**
 * Not copied: running processes' leases (the bot is stopped), and what PostgreSQL's triggers derive as the
 * rows arrive (the totals from the ledger, the queue length from the jobs).
 */
const leftBehind = new Set(['shard_lease', 'instance_lease', 'user_spend_totals', 'daily_spend_totals', 'queue_length']);
/** Tables whose identity ids continue after the copied rows. */
const identityTables = ['jobs', 'ledger', 'audit_log'];
const maxParameters = 60_000;
/** An image part is up to 256 KB: a few dozen per statement keep each INSERT to a few megabytes. */
const maxRowsPerBatch: Partial<Record<string, number>> = { reference_image_parts: 32 };

export class CopyError extends Error {
  override name = 'CopyError';
}

export interface CopyReport {
  rows: Record<string, number>;
  members: number;
  ledgerMicros: number;
}

interface Column { name: string; type: string }

/** The target's columns of a table, generated ones left out (PostgreSQL computes them). */
async function targetColumns(client: pg.ClientBase, table: string): Promise<Column[]> {
  return (await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, [table])).rows;
}

/** SQLite has no booleans: 0 and 1 become false and true where PostgreSQL keeps a boolean. */
const converter = (column: Column) => (column.type === 'boolean' ? (v: unknown) => (v === null ? null : v === 1 || v === true) : (v: unknown) => v);

async function copyTable(source: Database, client: pg.ClientBase, table: string): Promise<number> {
  const target = await targetColumns(client, table);
  const sourceColumns = (source.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const missing = sourceColumns.filter((name) => !target.some((c) => c.name === name));
  if (missing.length > 0) throw new CopyError(`${table}.${missing.join(', ')} has no place in PostgreSQL: this bot's PostgreSQL schema is older than the SQLite file`);
  const columns = target.filter((c) => sourceColumns.includes(c.name));
  const convert = columns.map(converter);
  const perBatch = Math.min(maxRowsPerBatch[table] ?? Infinity, Math.max(1, Math.floor(maxParameters / columns.length)));
  const select = source.prepare(`SELECT ${columns.map((c) => c.name).join(', ')} FROM ${table} ORDER BY rowid`).raw();
  let copied = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((value, i) => {
      values.push((convert[i] as (v: unknown) => unknown)(value));
      return `$${values.length}`;
    }).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES ${tuples.join(', ')}`, values);
    copied += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  return copied;
}

/** What must agree before the copy is called done: every table's rows, every member's ledger, the kept totals. */
async function checkCopy(source: Database, client: pg.ClientBase, rows: Record<string, number>): Promise<{ members: number; ledgerMicros: number }> {
  for (const table of copiedTables) {
    const expected = source.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    const found = Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n);
    if (found !== expected || rows[table] !== expected) throw new CopyError(`${table}: ${expected} rows in SQLite, ${found} in PostgreSQL`);
  }
  const sums = (r: { user_id: string; total: number }[]) => new Map(r.map((x) => [x.user_id, Number(x.total)]));
  const expected = sums(source.prepare('SELECT user_id, SUM(amount_micros) AS total FROM ledger GROUP BY user_id').all() as { user_id: string; total: number }[]);
  const copiedSums = sums((await client.query('SELECT user_id, SUM(amount_micros) AS total FROM ledger GROUP BY user_id')).rows);
  const kept = sums((await client.query('SELECT user_id, total_micros AS total FROM user_spend_totals')).rows);
  for (const [userId, total] of expected) {
    if (copiedSums.get(userId) !== total) throw new CopyError(`the ledger of member ${userId} sums to ${total} in SQLite and ${copiedSums.get(userId)} in PostgreSQL`);
    if (kept.get(userId) !== total) throw new CopyError(`the kept total of member ${userId} is ${kept.get(userId)}, the ledger says ${total}`);
  }
  if (copiedSums.size !== expected.size) throw new CopyError(`${expected.size} members have a ledger in SQLite, ${copiedSums.size} in PostgreSQL`);
  const dayTotals = source.prepare("SELECT scope, scope_id, day, total_micros FROM daily_spend_totals").all() as { scope: string; scope_id: string; day: number; total_micros: number }[];
  for (const d of dayTotals) {
    const found = (await client.query('SELECT total_micros FROM daily_spend_totals WHERE scope = $1 AND scope_id = $2 AND day = $3', [d.scope, d.scope_id, d.day])).rows[0]?.total_micros;
    if (Number(found ?? 0) !== d.total_micros) throw new CopyError(`the ${d.scope} total of day ${d.day} ${d.scope_id} is ${d.total_micros} in SQLite and ${found ?? 0} in PostgreSQL`);
  }
  return { members: expected.size, ledgerMicros: [...expected.values()].reduce((a, b) => a + b, 0) };
}

/**
 * One way: copies a stopped bot's SQLite database into an empty PostgreSQL (already migrated) in one
 * transaction, and commits only once every check agrees. A table this tool does not know stops it
 * rather than being left behind.
 */
export async function copyFromSqlite(source: Database, pool: pg.Pool): Promise<CopyReport> {
  const tables = (source.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]);
  const unknown = tables.filter((t) => !leftBehind.has(t) && !(copiedTables as readonly string[]).includes(t));
  if (unknown.length > 0) throw new CopyError(`unknown table ${unknown.join(', ')} in the SQLite file: this tool does not know how to copy it`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const present = Number((await client.query(`SELECT ${copiedTables.map((t) => `(SELECT COUNT(*) FROM ${t})`).join(' + ')} AS n`)).rows[0]?.n);
    if (present > 0) throw new CopyError('the PostgreSQL database is not empty; copy only into a new database');
    const rows: Record<string, number> = {};
    for (const table of copiedTables) rows[table] = await copyTable(source, client, table);
    for (const table of identityTables) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ${table}`);
    }
    const checked = await checkCopy(source, client, rows);
    await client.query('COMMIT');
    return { rows, ...checked };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A lease renewed within `staleMs` means a bot still works on the file: copying now would miss its last writes. */
export function runningHolder(source: Database, now: number, staleMs: number): { host: string; pid: number } | undefined {
  return source.prepare('SELECT host, pid FROM shard_lease WHERE heartbeat_at > ? LIMIT 1').get(now - staleMs) as { host: string; pid: number } | undefined;
}
