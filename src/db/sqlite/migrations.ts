import type { Database } from 'better-sqlite3';
import { refuseNewerSchema } from '../schemaVersion.ts';
import { relaxJobSettingsChecks } from './relaxJobSettingsChecks.ts';

/**
 * Append-only: a migration that has shipped is never edited, only followed by a new one. A step is SQL,
 * or a function for what SQL alone cannot say (rebuilding a table around the columns it has now).
 */
export const migrations: readonly (string | ((db: Database) => void))[] = [
  `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    origin_key TEXT NOT NULL UNIQUE,
    parent_job_id INTEGER REFERENCES jobs(id),
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    locale TEXT NOT NULL,
    application_id TEXT NOT NULL,
    interaction_token TEXT,
    interaction_at INTEGER NOT NULL,
    attachment_size_limit INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN (
      'awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'delivered',
      'failed', 'cancelled', 'timed_out', 'submit_unknown', 'expired')),
    prompt TEXT NOT NULL,
    model TEXT NOT NULL,
    duration_sec INTEGER NOT NULL CHECK (duration_sec > 0),
    aspect_ratio TEXT NOT NULL CHECK (aspect_ratio IN ('landscape', 'portrait')),
    resolution TEXT CHECK (resolution IN ('standard', 'high')),
    image_url TEXT,
    image_name TEXT,
    request_json TEXT NOT NULL,
    estimate_micros INTEGER NOT NULL CHECK (estimate_micros >= 0),
    cost_micros INTEGER,
    task_id TEXT UNIQUE,
    progress INTEGER NOT NULL DEFAULT 0,
    estimated_time_sec INTEGER,
    poll_errors INTEGER NOT NULL DEFAULT 0,
    submit_attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    confirm_deadline_at INTEGER,
    video_url TEXT,
    video_expires_at INTEGER,
    status_message_id TEXT,
    status_channel_id TEXT,
    result_message_id TEXT,
    failure_code TEXT,
    failure_detail TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    submitted_at INTEGER,
    completed_at INTEGER,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX jobs_by_status ON jobs (status, id);
  CREATE INDEX jobs_by_user ON jobs (user_id, created_at);
  CREATE INDEX jobs_by_guild ON jobs (guild_id, created_at);

  CREATE TABLE job_messages (
    message_id TEXT PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    kind TEXT NOT NULL CHECK (kind IN ('status', 'result'))
  ) STRICT;

  CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    user_id TEXT NOT NULL,
    guild_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reserve', 'settle', 'release')),
    amount_micros INTEGER NOT NULL,
    period_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (job_id, kind)
  ) STRICT;
  CREATE INDEX ledger_by_user ON ledger (user_id, period_at);
  CREATE INDEX ledger_by_guild ON ledger (guild_id, period_at);

  CREATE TABLE budget_overrides (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    daily_micros INTEGER,
    monthly_micros INTEGER,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
  ) STRICT;

  CREATE TABLE guild_settings (
    guild_id TEXT PRIMARY KEY,
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    updated_by TEXT,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    guild_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_user_id TEXT,
    job_id INTEGER,
    detail TEXT,
    created_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  CREATE TABLE instance_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  ALTER TABLE jobs ADD COLUMN result_post_started_at INTEGER;
  `,
  `
  ALTER TABLE jobs ADD COLUMN submit_sending_at INTEGER;
  `,
  // Retention: erased_at marks a finished job whose prompt and URLs were erased; the partial index
  // finds the next ones to erase without walking the history. Spend today, every server, reads by period.
  `
  ALTER TABLE jobs ADD COLUMN erased_at INTEGER;
  CREATE INDEX jobs_to_erase ON jobs (finished_at) WHERE erased_at IS NULL AND finished_at IS NOT NULL;
  CREATE INDEX IF NOT EXISTS ledger_by_period ON ledger (period_at);
  `,
  // A random per-job Idempotency-Key (a row number repeats across databases sharing one apimart key).
  // Rows that exist at upgrade keep the key they were already sent with: the old derivation, exactly.
  // The spend index lets the bot-wide daily budget sum one day of the ledger without a table scan
  // (defined exactly as retention's, so whichever migration runs first makes it).
  `
  ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;
  UPDATE jobs SET idempotency_key = 'discord-video-job-' || id WHERE idempotency_key IS NULL;
  CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (idempotency_key);
  CREATE INDEX IF NOT EXISTS ledger_by_period ON ledger (period_at);
  `,
  // Delivery: bounded attempts, why a result missed its channel, the image's orientation for the
  // status, a status message a moderator deleted, and one 📩 copy per member and job per hour.
  `
  ALTER TABLE jobs ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN delivery_problem TEXT;
  ALTER TABLE jobs ADD COLUMN image_orientation TEXT CHECK (image_orientation IN ('landscape', 'portrait', 'square'));
  ALTER TABLE jobs ADD COLUMN status_deleted_at INTEGER;
  CREATE TABLE dm_copies (
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    user_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    repeats INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, user_id)
  ) STRICT;
  `,
  `
  ALTER TABLE jobs ADD COLUMN place_gone TEXT CHECK (place_gone IN ('guild_removed', 'channel_deleted'));
  `,
  `
  ALTER TABLE instance_lease ADD COLUMN pid_started TEXT;
  `,
  `
  CREATE INDEX jobs_with_unusable_link ON jobs (guild_id, id) WHERE failure_code = 'unusable_link';
  `,
  // Cost independent of history: every per-command question reads only the rows it answers with.
  // Partial indexes hold only unfinished jobs, so they stay as small as the work in flight.
  `
  CREATE INDEX jobs_unfinished ON jobs (id) WHERE status IN
    ('awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'timed_out', 'submit_unknown');
  CREATE INDEX jobs_unfinished_by_user ON jobs (user_id, id) WHERE status IN
    ('awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'timed_out', 'submit_unknown');
  CREATE INDEX jobs_attention_by_guild ON jobs (guild_id, id) WHERE status IN ('submit_unknown', 'timed_out');
  CREATE INDEX jobs_by_guild_user ON jobs (guild_id, user_id, id);
  CREATE INDEX jobs_by_user_id ON jobs (user_id, id);
  CREATE INDEX jobs_by_parent ON jobs (parent_job_id, created_at) WHERE parent_job_id IS NOT NULL;
  CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id);

  -- A member's all-time ledger sum, kept by the database itself so no writer can forget it.
  CREATE TABLE user_spend_totals (
    user_id TEXT PRIMARY KEY,
    total_micros INTEGER NOT NULL
  ) STRICT;
  INSERT INTO user_spend_totals (user_id, total_micros) SELECT user_id, SUM(amount_micros) FROM ledger GROUP BY user_id;
  CREATE TRIGGER ledger_user_total AFTER INSERT ON ledger BEGIN
    INSERT INTO user_spend_totals (user_id, total_micros) VALUES (NEW.user_id, NEW.amount_micros)
      ON CONFLICT (user_id) DO UPDATE SET total_micros = total_micros + excluded.total_micros;
  END;
  `,
  // The same for two questions added beside it: a server's unfinished jobs, and its results that missed their channel.
  `
  CREATE INDEX jobs_unfinished_by_guild ON jobs (guild_id, id) WHERE status IN
    ('awaiting_confirmation', 'queued', 'submitting', 'submitted', 'completed', 'timed_out', 'submit_unknown');
  CREATE INDEX jobs_delivery_problems_by_guild ON jobs (guild_id, id) WHERE delivery_problem IS NOT NULL;
  `,
  // One lease per gateway shard instead of one per database: shard processes share the file.
  // pid_started (the holder's process start time) tells a reused pid from the holder. The old
  // instance_lease table is left in place, unused, so that migrations written against it still apply.
  `
  CREATE TABLE shard_lease (
    shard_id INTEGER PRIMARY KEY CHECK (shard_id >= 0),
    shard_count INTEGER NOT NULL CHECK (shard_count > shard_id),
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    pid_started TEXT,
    heartbeat_at INTEGER NOT NULL
  ) STRICT;
  `,
  // Each UTC day's ledger sum per server and for the whole bot, kept by the database like the member
  // totals. Both daily budgets are checked in every reservation; summing the day's rows each time made
  // a burst of commands in one busy server cost time quadratic in the day's jobs.
  `
  CREATE TABLE daily_spend_totals (
    scope TEXT NOT NULL CHECK (scope IN ('guild', 'bot')),
    scope_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    total_micros INTEGER NOT NULL,
    PRIMARY KEY (scope, scope_id, day)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO daily_spend_totals (scope, scope_id, day, total_micros)
    SELECT 'guild', guild_id, period_at / 86400000, SUM(amount_micros) FROM ledger GROUP BY guild_id, period_at / 86400000;
  INSERT INTO daily_spend_totals (scope, scope_id, day, total_micros)
    SELECT 'bot', '', period_at / 86400000, SUM(amount_micros) FROM ledger GROUP BY period_at / 86400000;
  CREATE TRIGGER ledger_daily_totals AFTER INSERT ON ledger BEGIN
    INSERT INTO daily_spend_totals (scope, scope_id, day, total_micros) VALUES ('guild', NEW.guild_id, NEW.period_at / 86400000, NEW.amount_micros)
      ON CONFLICT (scope, scope_id, day) DO UPDATE SET total_micros = total_micros + excluded.total_micros;
    INSERT INTO daily_spend_totals (scope, scope_id, day, total_micros) VALUES ('bot', '', NEW.period_at / 86400000, NEW.amount_micros)
      ON CONFLICT (scope, scope_id, day) DO UPDATE SET total_micros = total_micros + excluded.total_micros;
  END;
  `,
  // A job's settings in the member's words now follow the model catalog (ratios such as `square`,
  // resolutions such as `720p`), its sound switch and the model's label as the member saw it; the
  // request sent (request_json) is in the model's own words.
  relaxJobSettingsChecks,
  `
  ALTER TABLE jobs ADD COLUMN audio INTEGER CHECK (audio IN (0, 1));
  ALTER TABLE jobs ADD COLUMN model_label TEXT;
  `,
  // The bytes of a job's reference image, kept because Discord's links to them expire after about a
  // day: Again, 🔁 and Edit & retry re-upload them to the provider. Stored once per content (re-rolls
  // share their parent's), apart from jobs so that no job query reads them, in 256 KB parts: a 10 MB
  // image written in one transaction held the event loop for half a second (bench/referenceImages.ts).
  // `complete` once every part is in; erased with the last job that refers to them. The provider's
  // upload of them is remembered while it is valid (72 h).
  `
  CREATE TABLE reference_images (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes INTEGER NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    upload_url TEXT,
    upload_expires_at INTEGER,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE reference_image_parts (
    sha256 TEXT NOT NULL REFERENCES reference_images (sha256) ON DELETE CASCADE,
    part INTEGER NOT NULL CHECK (part >= 0),
    bytes BLOB NOT NULL CHECK (length(bytes) BETWEEN 1 AND 262144),
    PRIMARY KEY (sha256, part)
  ) STRICT;
  ALTER TABLE jobs ADD COLUMN image_sha256 TEXT REFERENCES reference_images (sha256);
  CREATE INDEX jobs_by_reference_image ON jobs (image_sha256) WHERE image_sha256 IS NOT NULL;

  -- What each settled job was estimated at and what the provider reported it cost, per model: the
  -- report compares them to say when the price table looks out of date. No prompt, no member.
  CREATE TABLE price_checks (
    job_id INTEGER PRIMARY KEY REFERENCES jobs (id),
    model TEXT NOT NULL,
    estimate_micros INTEGER NOT NULL CHECK (estimate_micros >= 0),
    cost_micros INTEGER NOT NULL CHECK (cost_micros >= 0),
    settled_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX price_checks_by_model ON price_checks (model, job_id);
  `,
  // The number of queued jobs, kept by the database: a new job's place in the queue is this count, read
  // in its reservation's transaction, where counting the queue's rows for every first card of a burst
  // cost time quadratic in the burst.
  `
  CREATE TABLE queue_length (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    queued INTEGER NOT NULL CHECK (queued >= 0)
  ) STRICT;
  INSERT INTO queue_length (id, queued) SELECT 1, COUNT(*) FROM jobs WHERE status = 'queued';
  CREATE TRIGGER jobs_queued_insert AFTER INSERT ON jobs WHEN NEW.status = 'queued' BEGIN
    UPDATE queue_length SET queued = queued + 1 WHERE id = 1;
  END;
  CREATE TRIGGER jobs_queued_update AFTER UPDATE OF status ON jobs WHEN (OLD.status = 'queued') <> (NEW.status = 'queued') BEGIN
    UPDATE queue_length SET queued = queued + (CASE WHEN NEW.status = 'queued' THEN 1 ELSE -1 END) WHERE id = 1;
  END;
  CREATE TRIGGER jobs_queued_delete AFTER DELETE ON jobs WHEN OLD.status = 'queued' BEGIN
    UPDATE queue_length SET queued = queued - 1 WHERE id = 1;
  END;
  `,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  refuseNewerSchema(current, migrations.length);
  if (current === migrations.length) return;
  // SQLite's way to rebuild a table that others reference: foreign keys off (only possible outside a
  // transaction), and every reference checked before each step commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (let version = current; version < migrations.length; version++) {
      db.transaction(() => {
        // Shard processes start together on one file: another may have applied this step meanwhile.
        if ((db.pragma('user_version', { simple: true }) as number) > version) return;
        const step = migrations[version] as string | ((db: Database) => void);
        if (typeof step === 'string') db.exec(step);
        else step(db);
        if ((db.pragma('foreign_key_check') as unknown[]).length > 0) throw new Error(`migration ${version + 1} broke a foreign key`);
        db.pragma(`user_version = ${version + 1}`);
      }).immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}
