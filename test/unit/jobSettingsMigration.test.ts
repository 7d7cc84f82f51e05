import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sampleJob } from '../../bench/sampleJob.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { migrate, migrations } from '../../src/db/sqlite/migrations.ts';
import { relaxJobSettingsChecks } from '../../src/db/sqlite/relaxJobSettingsChecks.ts';
import { budgetWindow, newJob } from './storeFixtures.ts';

/** A database as the Sora-era bot left it, with one job that has a ledger row and a status message. */
function soraEraDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const relax = migrations.indexOf(relaxJobSettingsChecks);
  expect(relax).toBeGreaterThan(0);
  migrations.slice(0, relax).forEach((sql, i) => {
    db.exec(sql as string);
    db.pragma(`user_version = ${i + 1}`);
  });
  db.prepare(`INSERT INTO jobs (id, origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at,
      attachment_size_limit, status, prompt, model, duration_sec, aspect_ratio, resolution, image_url, request_json, estimate_micros,
      idempotency_key, created_at, updated_at)
    VALUES (7, 'o-7', '1', '2', '3', 'en-US', '4', 0, 1, 'delivered', 'a fox', 'sora-2-pro-preview', 8, 'portrait', 'high',
      'https://cdn/ref.png', ?, 4000000, 'k-7', 0, 0)`)
    .run(JSON.stringify({ model: 'sora-2-pro-preview', prompt: 'a fox', duration: 8, aspect_ratio: 'portrait', resolution: 'high', image_urls: ['https://cdn/ref.png'] }));
  db.exec(`INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES (7, '3', '1', 'reserve', 4000000, 0, 0);
    INSERT INTO job_messages (message_id, job_id, kind) VALUES ('99', 7, 'status');`);
  return db;
}

const indexesOf = (db: Database.Database) => db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name").all();

describe('the migration to catalog settings', () => {
  it('keeps every Sora-era job, its ledger, its messages and its indexes, and reads it in the member\'s words', async () => {
    const db = soraEraDatabase();
    const indexes = indexesOf(db);
    migrate(db);
    // Later migrations may add indexes of their own; none that was there is lost.
    expect(indexesOf(db)).toEqual(expect.arrayContaining(indexes));
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const job = await createJobStore(db).get(7);
    expect(job?.settings).toEqual({
      model: 'sora-2-pro-preview', modelLabel: 'sora-2-pro-preview', durationSec: 8, aspectRatio: 'portrait', resolution: 'high', audio: null,
      imageUrl: 'https://cdn/ref.png',
    });
    expect(job?.request.aspect_ratio).toBe('portrait');
    expect(db.prepare('SELECT COUNT(*) AS n FROM ledger WHERE job_id = 7').get()).toEqual({ n: 1 });
    expect(() => db.prepare("INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES (404, 'u', 'g', 'reserve', 1, 0, 0)").run())
      .toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('stores ratios, resolutions and sound from the catalog, and the label the member saw', async () => {
    const db = soraEraDatabase();
    migrate(db);
    const store = createJobStore(db);
    const sample = sampleJob('a square fox');
    const settings = { ...sample.settings, aspectRatio: 'square', audio: false };
    const created = await store.createJob(newJob({ ...sample, settings }), budgetWindow(1));
    if (!created.ok) throw new Error(created.reason);
    expect((await store.get(created.job.id))?.settings).toEqual({
      model: 'seedance-2.0-fast', modelLabel: 'Seedance 2.0 Fast', durationSec: 5, aspectRatio: 'square', resolution: '720p', audio: false, imageUrl: null,
    });
    db.close();
  });

  it('refuses to run on a jobs table it does not recognise', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, aspect_ratio TEXT)');
    expect(() => relaxJobSettingsChecks(db)).toThrow(/Sora-era CHECKs/);
  });
});
