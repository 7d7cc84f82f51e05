import type { RecordedRequest } from '../fakes/fakeDiscord.ts';
import type { Harness } from './harness.ts';

/** Views of what the bot sent and logged, shared by the fault suites. */
export const apiError = (code: number, type: string, message: string) => ({ error: { code, message, type } });
export const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown } | undefined)?.content ?? '');
export const channelPosts = (h: Harness) => h.discord.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
export const statusEdits = (h: Harness) => h.discord.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
export const logEvents = (h: Harness, event: string) => h.logLines.filter((l) => l.includes(`"event":"${event}"`));
export const videoDownloads = (h: Harness) => h.apimart.requests.filter((r) => r.path.startsWith('/files/'));
