/** What a database client the bot starts (pg_dump) needs of the environment: a shell's basics and libpq's PG* variables. */
const passedOn = (name: string) =>
  ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'].includes(name) || name.startsWith('LC_') || name.startsWith('PG');

/**
 * The environment a database client inherits: only what it needs, named one by one, so the bot's tokens,
 * keys and whatever else an operator exported never reach it (nor its crash reports).
 */
export function databaseClientEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => value !== undefined && passedOn(name)));
}
