import type { Database } from 'better-sqlite3';

const aspectCheck = "aspect_ratio TEXT NOT NULL CHECK (aspect_ratio IN ('landscape', 'portrait'))";
const resolutionCheck = "resolution TEXT CHECK (resolution IN ('standard', 'high'))";

/**
 * Drops the Sora-era CHECKs on `jobs.aspect_ratio` and `jobs.resolution`: the values members may ask
 * for now come from the model catalog, which validates them. SQLite cannot drop a CHECK, so the table
 * is rebuilt the documented way (https://sqlite.org/lang_altertable.html#otheralter): its own CREATE
 * statement with only those two clauses changed, so every column any earlier migration added stays;
 * rows copied as they are, indexes made again from their own statements. The runner turns foreign keys
 * off around it and checks them before it commits.
 */
export function relaxJobSettingsChecks(db: Database): void {
  const table = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'jobs'").pluck().get() as string | undefined;
  if (!table || !table.includes(aspectCheck) || !table.includes(resolutionCheck)) {
    throw new Error('jobs table does not have the Sora-era CHECKs this migration removes');
  }
  const indexes = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL").pluck().all() as string[];
  const relaxed = table
    .replace(aspectCheck, 'aspect_ratio TEXT NOT NULL')
    .replace(resolutionCheck, 'resolution TEXT')
    .replace(/^CREATE TABLE "?jobs"?/, 'CREATE TABLE jobs_relaxed');
  db.exec(relaxed);
  db.exec('INSERT INTO jobs_relaxed SELECT * FROM jobs');
  db.exec('DROP TABLE jobs');
  db.exec('ALTER TABLE jobs_relaxed RENAME TO jobs');
  for (const index of indexes) db.exec(index);
}
