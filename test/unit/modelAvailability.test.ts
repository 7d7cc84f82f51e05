import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import type { ProviderModel } from '../../src/services/apimart/client.ts';
import { ApimartHttpError } from '../../src/services/apimart/errors.ts';
import { createModelAvailability, firstListWaitMs, modelListRefreshMs } from '../../src/services/apimart/modelAvailability.ts';
import { ManualClock } from '../model/manualClock.ts';

const catalog = ['veo3.1-fast', 'seedance-2.0', 'sora-2-preview'];
const video = (...ids: string[]): ProviderModel[] => ids.map((id) => ({ id, category: 'video', isVideo: true }));
const notFound = () => new ApimartHttpError({ operation: 'listModels', method: 'GET', path: '/v1/models' }, { status: 404 });

/** A provider whose answers the test sets; each read takes the next scripted answer, or the last one again. */
function provider(...answers: (ProviderModel[] | Error | 'hang')[]) {
  let reads = 0;
  return {
    get reads() { return reads; },
    listModels: async () => {
      const answer = answers[Math.min(reads++, answers.length - 1)];
      if (answer === 'hang') return new Promise<ProviderModel[]>(() => undefined);
      if (answer instanceof Error) throw answer;
      return answer ?? [];
    },
  };
}

function setUp(apimart: ReturnType<typeof provider>, defaultModel = 'veo3.1-fast') {
  const clock = new ManualClock(Date.UTC(2026, 11, 7));
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', secrets: [], write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  let changes = 0;
  const availability = createModelAvailability({ apimart, clock: clock.view(), logger, catalogModelIds: () => catalog, defaultModel });
  availability.onChange(() => changes++);
  const events = (name: string) => lines.filter((l) => l.event === name);
  return { clock, availability, events, changes: () => changes };
}

describe('what the key can call', () => {
  it('offers only the catalog models the provider lists, from the first read at start', async () => {
    const { availability, events } = setUp(provider(video('veo3.1-fast', 'seedance-2.0', 'kling-v3')));
    await availability.start();
    expect(catalog.filter(availability.isOffered)).toEqual(['veo3.1-fast', 'seedance-2.0']);
    expect(availability.notOffered()).toEqual(['sora-2-preview']);
    expect(events('model_availability_changed')).toMatchObject([{ level: 'warn', noLongerOffered: ['sora-2-preview'], notOffered: ['sora-2-preview'] }]);
    availability.stop();
  });

  it('reads the list again every hour and follows what appears and disappears', async () => {
    const apimart = provider(video('veo3.1-fast', 'sora-2-preview'), video('veo3.1-fast', 'seedance-2.0'));
    const { clock, availability, events, changes } = setUp(apimart);
    await availability.start();
    expect(availability.isOffered('sora-2-preview')).toBe(true);
    await clock.advance(modelListRefreshMs - 1);
    expect(apimart.reads).toBe(1);
    await clock.advance(1);
    expect(apimart.reads).toBe(2);
    expect(availability.isOffered('sora-2-preview')).toBe(false);
    expect(availability.isOffered('seedance-2.0')).toBe(true);
    expect(events('model_availability_changed').at(-1)).toMatchObject({ noLongerOffered: ['sora-2-preview'], offeredAgain: ['seedance-2.0'] });
    expect(changes()).toBe(2);
    // The same list again changes nothing and says nothing.
    await clock.advance(modelListRefreshMs);
    expect(apimart.reads).toBe(3);
    expect(events('model_availability_changed')).toHaveLength(2);
    expect(changes()).toBe(2);
    availability.stop();
  });

  it('keeps the catalog as configured when the list cannot be read, and warns once, not once an hour', async () => {
    const apimart = provider(notFound());
    const { clock, availability, events } = setUp(apimart);
    await availability.start();
    await clock.advance(5 * modelListRefreshMs);
    expect(apimart.reads).toBe(6);
    expect(catalog.every(availability.isOffered)).toBe(true);
    expect(events('model_list_unreadable')).toMatchObject([{ level: 'warn', action: 'every catalog model stays offered as configured' }]);
    availability.stop();
  });

  it('keeps the last list read through a failed read, and says when the list is readable again', async () => {
    const apimart = provider(video('veo3.1-fast'), new Error('socket hang up'), new Error('socket hang up'), video('veo3.1-fast', 'seedance-2.0'));
    const { clock, availability, events } = setUp(apimart);
    await availability.start();
    await clock.advance(2 * modelListRefreshMs);
    expect(availability.isOffered('seedance-2.0')).toBe(false);
    expect(availability.isOffered('veo3.1-fast')).toBe(true);
    expect(events('model_list_unreadable')).toMatchObject([{ action: 'the models last listed stay offered' }]);
    await clock.advance(modelListRefreshMs);
    expect(availability.isOffered('seedance-2.0')).toBe(true);
    expect(events('model_list_readable_again')).toHaveLength(1);
    availability.stop();
  });

  it('treats an empty list as unreadable rather than refusing every model', async () => {
    const { availability, events } = setUp(provider([]));
    await availability.start();
    expect(catalog.every(availability.isOffered)).toBe(true);
    expect(events('model_list_unreadable')).toHaveLength(1);
    availability.stop();
  });

  it('says loudly when the default model is not offered', async () => {
    const { availability, events } = setUp(provider(video('seedance-2.0')), 'veo3.1-fast');
    await availability.start();
    expect(events('default_model_not_offered')).toMatchObject([{ level: 'error', model: 'veo3.1-fast' }]);
    availability.stop();
  });

  it('does not hold start-up longer than the first-list wait when the provider hangs', async () => {
    const { clock, availability } = setUp(provider('hang'));
    let started = false;
    void availability.start().then(() => { started = true; });
    await clock.advance(firstListWaitMs - 1);
    expect(started).toBe(false);
    await clock.advance(1);
    expect(started).toBe(true);
    expect(catalog.every(availability.isOffered)).toBe(true);
    availability.stop();
  });
});
