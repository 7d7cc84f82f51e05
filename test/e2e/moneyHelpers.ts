import type { Harness } from './harness.ts';

/**
 * A delivered job written as the bot writes one (reserve + settle, period_at = created_at), for spend
 * that happened in a server the fake Discord does not show, or before the test started.
 */
export function insertDeliveredJob(h: Harness, o: { guildId: string; userId: string; costMicros: number; atMs: number; prompt?: string }): number {
  const prompt = o.prompt ?? 'elsewhere';
  const id = Number(h.db.prepare(
    `INSERT INTO jobs (origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at, attachment_size_limit,
       status, prompt, model, model_label, duration_sec, aspect_ratio, resolution, audio, request_json, estimate_micros, cost_micros, idempotency_key, created_at, updated_at)
     VALUES (?, ?, '1390000000000000001', ?, 'en-US', '1', ?, 10485760, 'delivered', ?, 'seedance-2.0-fast', 'Seedance 2.0 Fast', 4, 'landscape', '720p', 1, ?, ?, ?, ?, ?, ?)`,
  ).run(`inserted:${o.guildId}:${o.atMs}:${Math.random()}`, o.guildId, o.userId, o.atMs, prompt,
    JSON.stringify({ model: 'seedance-2.0-fast', prompt, duration: 4, size: '16:9', resolution: '720p', generate_audio: true }),
    o.costMicros, o.costMicros, `inserted-${Math.random()}`, o.atMs, o.atMs).lastInsertRowid);
  const ledger = h.db.prepare('INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  ledger.run(id, o.userId, o.guildId, 'reserve', o.costMicros, o.atMs, o.atMs);
  ledger.run(id, o.userId, o.guildId, 'settle', 0, o.atMs, o.atMs);
  return id;
}
