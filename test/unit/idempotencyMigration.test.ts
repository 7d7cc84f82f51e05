import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../src/db/sqlite/migrations.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { budgetWindow, newJob } from './storeFixtures.ts';

/** The schema exactly as it was before job rows carried their own Idempotency-Key. */
function databaseBeforeKeys(): Database.Database {
  const db = new Database(':memory:');
  const keyed = migrations.findIndex((sql) => typeof sql === 'string' && sql.includes('idempotency_key'));
  expect(keyed).toBeGreaterThan(0);
  migrations.slice(0, keyed).forEach((sql, i) => {
    db.exec(sql as string);
    db.pragma(`user_version = ${i + 1}`);
  });
  return db;
}

function insertOldJob(db: Database.Database, id: number, status: string): void {
  db.prepare(`INSERT INTO jobs (id, origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at,
      attachment_size_limit, status, prompt, model, duration_sec, aspect_ratio, request_json, estimate_micros, created_at, updated_at)
    VALUES (?, ?, '1', '2', '3', 'en-US', '4', 0, 1, ?, 'p', 'sora-2-preview', 4, 'landscape', '{}', 400000, 0, 0)`)
    .run(id, `origin-${id}`, status);
}

describe('the idempotency key migration', () => {
  it('gives jobs that exist at upgrade the key they were already sent with, and new jobs a random one', async () => {
    const db = databaseBeforeKeys();
    insertOldJob(db, 7, 'submit_unknown');
    insertOldJob(db, 8, 'queued');
    migrate(db);

    const keys = db.prepare('SELECT id, idempotency_key AS key FROM jobs ORDER BY id').all();
    expect(keys).toEqual([{ id: 7, key: 'discord-video-job-7' }, { id: 8, key: 'discord-video-job-8' }]);

    const store = createJobStore(db);
    const created = await store.createJob(newJob(), budgetWindow(Date.UTC(2026, 0, 1)));
    if (!created.ok) throw new Error('job not created');
    expect(created.job.id).toBe(9);
    expect(created.job.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await store.get(9))?.idempotencyKey).toBe(created.job.idempotencyKey);
    db.close();
  });
});
