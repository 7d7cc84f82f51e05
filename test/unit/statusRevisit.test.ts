import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { en } from '../../src/i18n/en.ts';
import { createLogger } from '../../src/logger.ts';
import type { DiscordMessenger, OutgoingMessage } from '../../src/services/discord/discordMessenger.ts';
import { createStatusUpdater } from '../../src/services/status/statusUpdater.ts';
import { ManualClock } from '../model/manualClock.ts';
import { sampleJob } from '../../bench/sampleJob.ts';

const start = Date.UTC(2025, 5, 15, 12);

const running: Job = {
  id: 7, originKey: 'o', idempotencyKey: 'k', parentJobId: null, guildId: '1', channelId: '2', userId: '3', locale: 'en-US', applicationId: '4',
  interactionToken: 'token', interactionAt: start, attachmentSizeLimit: 1, status: 'submitted',
  ...sampleJob('a fox'), imageName: null,
  estimateMicros: 400_000, costMicros: null, taskId: 't', progress: 20, estimatedTimeSec: 60, pollErrors: 0, submitAttempts: 1,
  nextAttemptAt: null, confirmDeadlineAt: null, videoUrl: null, videoExpiresAt: null, statusMessageId: '5', statusChannelId: '2',
  resultMessageId: null, resultPostStartedAt: null, failureCode: null, failureDetail: null, createdAt: start, updatedAt: start,
  submittedAt: start, completedAt: null, finishedAt: null, deliveryAttempts: 0, deliveryProblem: null, imageOrientation: null, statusDeletedAt: null, placeGone: null,
};

const etaOf = (m: OutgoingMessage) => (m.embeds?.[0] as { fields: { name: string; value: string }[] }).fields.find((f) => f.name === 'Ready')?.value;

describe('the status card past its ETA', () => {
  it('is drawn again when the ETA passes, saying the job takes longer instead of showing a time in the past', async () => {
    const clock = new ManualClock(start);
    const writes: OutgoingMessage[] = [];
    const store = { get: () => running, forgetInteractionToken: () => undefined, setStatusMessage: () => undefined } as unknown as JobStore;
    const messenger = {
      editOriginal: async (_app: string, _token: string, message: OutgoingMessage) => {
        writes.push(message);
        return { id: '5', channelId: '2' };
      },
    } as unknown as DiscordMessenger;
    const updater = createStatusUpdater({
      store, messenger, clock: clock.view(), logger: createLogger({ level: 'error', secrets: [], write: () => undefined }),
      minEditIntervalMs: 1_000, contextFor: async () => ({ queuePosition: 0, jobTimeoutMinutes: 45, predictedFinishMs: start + 60_000, latePollingEndsAtMs: null }),
    });
    await updater.refresh(running.id);
    expect(writes.map(etaOf)).toEqual([`<t:${(start + 60_000) / 1000}:R>`]);

    await clock.advance(59_000);
    expect(writes).toHaveLength(1);
    await clock.advance(2_500);
    expect(writes.map(etaOf)).toEqual([`<t:${(start + 60_000) / 1000}:R>`, en.card.takingLonger]);
    expect(writes[1]!.content).not.toContain('<t:');
    await clock.advance(600_000);
    expect(writes).toHaveLength(2);
    await updater.stop();
  });
});
