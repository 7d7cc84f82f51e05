import type { Db } from '../../src/db/sqlite/openDatabase.ts';
import { DEFAULT_USER_ID, FakeDiscord, type RecordedRequest } from '../fakes/fakeDiscord.ts';
import { isResultPost, startHarness, videoOptions, type Harness } from './harness.ts';

export const requesterId = DEFAULT_USER_ID;
export const otherMemberId = '1500000000000000002';
export const managerId = '1500000000000000003';
export const roleAdminId = '1500000000000000004';
/** A role with Manage Server (0x20), and one that is an admin only through ADMIN_ROLE_IDS. */
export const manageServerRole = { id: '1600000000000000001', permissions: String(0x20) };
export const adminListRole = { id: '1600000000000000002', permissions: '0' };

/** A bot in a server that has both admin roles; ADMIN_ROLE_IDS lists the second. */
export const startWithAdminRoles = async (): Promise<Harness> => startHarness({
  discord: await FakeDiscord.start({ roles: [manageServerRole, adminListRole] }),
  ownsFakes: true,
  env: { ADMIN_ROLE_IDS: adminListRole.id },
});

export interface JobRecord {
  id: number; status: string; user_id: string; parent_job_id: number | null; request_json: string;
  status_message_id: string | null; status_channel_id: string | null; result_message_id: string | null;
  confirm_deadline_at: number | null;
}

export const jobs = (db: Db) => db.prepare('SELECT * FROM jobs ORDER BY id').all() as JobRecord[];
export const job = (db: Db, id: number) => db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRecord;
export const ledgerSum = (db: Db, jobId?: number) => (jobId === undefined
  ? db.prepare('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger').get()
  : db.prepare('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM ledger WHERE job_id = ?').get(jobId)) as { s: number };
export const ledgerCount = (db: Db) => (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
export const auditRows = (db: Db) => db.prepare('SELECT actor_id, action, target_user_id, job_id FROM audit_log ORDER BY id').all();

const reactionPath = (messageId: string, emoji: string, who: string) => (r: RecordedRequest) =>
  r.path.endsWith(`/messages/${messageId}/reactions/${emoji}/${who}`);
export const isOwnReactionPut = (messageId: string, emoji: string) => (r: RecordedRequest) =>
  r.method === 'PUT' && reactionPath(messageId, emoji, '@me')(r);
/** The bot's reaction is on the message: its PUT succeeded (a first attempt may meet the 250 ms reaction limit and be retried). */
export const isOwnReactionAdded = (messageId: string, emoji: string) => (r: RecordedRequest) =>
  isOwnReactionPut(messageId, emoji)(r) && r.status >= 200 && r.status < 300;
export const isOwnReactionDelete = (messageId: string, emoji: string) => (r: RecordedRequest) =>
  r.method === 'DELETE' && reactionPath(messageId, emoji, '@me')(r);
/** The bot's reaction is gone: its DELETE succeeded (a first attempt may meet the 250 ms reaction limit and be retried). */
export const isOwnReactionRemoved = (messageId: string, emoji: string) => (r: RecordedRequest) =>
  isOwnReactionDelete(messageId, emoji)(r) && r.status >= 200 && r.status < 300;
export const isUserReactionDelete = (messageId: string, emoji: string, userId: string) => (r: RecordedRequest) =>
  r.method === 'DELETE' && reactionPath(messageId, emoji, userId)(r);
export const isMessageDelete = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'DELETE' && /^\/channels\/\d+\/messages\/\d+$/.test(r.path) && r.path.endsWith(`/${messageId}`);
export const isChannelPost = (channelId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${channelId}/messages`;

/** DM channel ids the bot opened for a user. */
export function dmChannelsOf(discord: FakeDiscord, userId: string): string[] {
  return discord.requests
    .filter((r) => r.method === 'POST' && r.path === '/users/@me/channels' && (r.body as { recipient_id?: string }).recipient_id === userId)
    .map((r) => (r.responseBody as { id: string }).id);
}

/** Messages the bot actually posted (2xx) into a user's DMs. */
export function dmsTo(discord: FakeDiscord, userId: string): RecordedRequest[] {
  const channels = dmChannelsOf(discord, userId);
  return discord.requests.filter((r) => r.method === 'POST' && r.status < 300 &&
    channels.some((c) => r.path === `/channels/${c}/messages`));
}

export const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown }).content ?? '');

/** Sends `/video` and waits until the job has a status message carrying the bot's own controls. */
export async function startJob(h: Harness, o: { duration?: number; userId?: string; prompt?: string } = {}): Promise<JobRecord> {
  const before = jobs(h.db).length;
  h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: o.duration, prompt: o.prompt }), userId: o.userId });
  let created: JobRecord | undefined;
  await h.discord.waitFor(() => {
    created = jobs(h.db)[before];
    return created?.status_message_id != null;
  }, 10_000);
  const row = created as JobRecord;
  if (row.status === 'awaiting_confirmation') {
    await h.discord.waitForRequest(isOwnReactionAdded(row.status_message_id as string, '❌'));
  }
  return row;
}

export async function waitForStatus(h: Harness, jobId: number, status: string, timeoutMs = 10_000): Promise<JobRecord> {
  await h.discord.waitFor(() => job(h.db, jobId)?.status === status, timeoutMs);
  return job(h.db, jobId);
}

/** A delivered 4 s job whose result message carries the bot's 🔁 📩 ❌. */
export async function deliveredJob(h: Harness, o: { userId?: string; prompt?: string } = {}): Promise<JobRecord & { result_message_id: string }> {
  const started = await startJob(h, { duration: 4, ...o });
  const done = await waitForStatus(h, started.id, 'delivered');
  const resultId = done.result_message_id as string;
  await h.discord.waitForRequest(isOwnReactionAdded(resultId, '❌'));
  return { ...done, result_message_id: resultId };
}

export const resultPosts = (discord: FakeDiscord) => discord.requests.filter(isResultPost);
