import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class PostgresBackupError extends Error {
  override name = 'PostgresBackupError';
}

/** What an operator runs instead when this machine has no pg_dump (or wants base backups). */
export const pgDumpExplanation = [
  'With DATABASE_URL the database is PostgreSQL, and its backups are PostgreSQL\'s own:',
  '  pg_dump --format=custom --file=bot.dump "$DATABASE_URL"     a consistent copy while the bot runs',
  '  pg_restore --dbname="$NEW_DATABASE_URL" bot.dump            into an empty database; a bot started on it resumes its jobs',
  'For point-in-time recovery, take base backups (pg_basebackup) and archive the WAL (archive_command).',
  'pg_dump must be at least as new as the server (the postgresql-client package of its major version).',
].join('\n');

/** The URL without its password, and the password apart: a command line is visible to every user of the machine. */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  const match = /^(postgres(?:ql)?:\/\/)([^:@/?#]*)(?::([^@/?#]*))?@/.exec(url);
  if (!match || match[3] === undefined) return { url, password: undefined };
  return { url: `${match[1]}${match[2]}@${url.slice(match[0].length)}`, password: decodeURIComponent(match[3]) };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: stderr.trim() }));
  });
}

/**
 * `npm run backup` on PostgreSQL: pg_dump in its custom format (consistent while the bot writes), then
 * pg_restore reads the archive's table of contents back before it is called a backup. Without pg_dump
 * on this machine, the explanation says what to run instead.
 */
export async function backupPostgres(databaseUrl: string, destinationPath: string, env: NodeJS.ProcessEnv): Promise<{ bytes: number; entries: number }> {
  if (existsSync(destinationPath)) throw new PostgresBackupError(`${destinationPath} already exists; choose a new file`);
  mkdirSync(dirname(destinationPath), { recursive: true });
  const { url, password } = splitPassword(databaseUrl);
  const childEnv = { ...env, ...(password === undefined ? {} : { PGPASSWORD: password }) };
  let dump;
  try {
    dump = await run('pg_dump', ['--format=custom', '--no-password', `--file=${destinationPath}`, `--dbname=${url}`], childEnv);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PostgresBackupError(`pg_dump was not found on this machine.\n${pgDumpExplanation}`);
    throw err;
  }
  if (dump.code !== 0) throw new PostgresBackupError(`pg_dump failed: ${dump.stderr.split('\n')[0] ?? 'no message'}\n${pgDumpExplanation}`);
  const list = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('pg_restore', ['--list', destinationPath], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
  const entries = list.stdout.split('\n').filter((line) => / TABLE DATA /.test(line)).length;
  if (list.code !== 0 || entries === 0) throw new PostgresBackupError('the dump could not be read back by pg_restore --list');
  return { bytes: statSync(destinationPath).size, entries };
}
