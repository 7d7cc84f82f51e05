import { readFileSync } from 'node:fs';

/** `/proc/<pid>/stat` split after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or null where
 * there is no /proc. Stored with the lease, it tells a reused pid from the holder itself.
 */
export function processStartTime(pid: number): string | null {
  // Fields after the command start at field 3 (state); field 22 is then index 19.
  return statFields(pid)?.[19] ?? null;
}

const procAvailable = (): boolean => statFields(process.pid) !== null;

/**
 * Whether the lease holder still runs. A pid that answers signal 0 is not enough: a killed process
 * that has not been reaped yet is a zombie (state Z, or X while being reaped) and does nothing, and a
 * pid freed by a crash may have been given to an unrelated process that started at another time.
 */
export function isProcessRunning(pid: number, started: string | null): boolean {
  if (procAvailable()) {
    const fields = statFields(pid);
    if (!fields) return false;
    if (fields[0] === 'Z' || fields[0] === 'X') return false;
    return started === null || fields[19] === started;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
