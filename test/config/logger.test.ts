import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/logger.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-discord-token';
const KEY = 'sk-apimart-secret-key-987';
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function capture(level: LogLevel = 'info', secrets: string[] = [TOKEN, KEY]) {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets, write: (line) => lines.push(line), now: () => NOW });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON line per event with time, level, event and fields', () => {
    const { logger, lines, records } = capture();
    logger.info('job.submitted', { jobId: 7, model: 'sora-2-preview' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(records()[0]).toEqual({
      t: '2025-01-02T03:04:05.678Z',
      level: 'info',
      event: 'job.submitted',
      jobId: 7,
      model: 'sora-2-preview',
    });
  });

  it('keeps t, level and event from being overwritten by fields', () => {
    const { logger, records } = capture();
    logger.warn('real', { level: 'error', event: 'fake', t: 0 });
    expect(records()[0]).toMatchObject({ t: '2025-01-02T03:04:05.678Z', level: 'warn', event: 'real' });
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at %s writes only %j', (level, expected) => {
    const { logger, records } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => r.level)).toEqual(expected);
  });

  it('adds bound fields in children, letting call fields win', () => {
    const { logger, records } = capture();
    const child = logger.child({ jobId: 1, guildId: '42' }).child({ userId: '9' });
    child.info('x', { jobId: 2 });
    expect(records()[0]).toMatchObject({ jobId: 2, guildId: '42', userId: '9' });
  });

  it('redacts secrets in nested fields, arrays and the event name', () => {
    const { logger, lines } = capture();
    logger.info(`boot ${TOKEN}`, {
      request: { headers: { 'x-note': `key=${KEY}` }, body: [{ deep: { deeper: `t:${TOKEN}` } }] },
      list: new Set([KEY]),
      map: new Map([['k', KEY]]),
    });
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain(KEY);
    expect(lines[0]).toContain('key=[redacted]');
  });

  it('ignores secrets shorter than 6 characters', () => {
    const { logger, records } = capture('info', ['abc', '']);
    logger.info('x', { text: 'abcdef abc' });
    expect(records()[0]?.text).toBe('abcdef abc');
  });

  it('redacts errors: message, stack and cause, with code and status kept', () => {
    const { logger, lines, records } = capture('debug');
    const cause = new Error(`socket closed for ${KEY}`);
    const error = Object.assign(new Error(`request failed with ${TOKEN}`, { cause }), { code: 'E_HTTP', status: 401 });
    logger.error('provider.failed', { error });
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain(KEY);
    const logged = records()[0]?.error as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: 'Error',
      message: 'request failed with [redacted]',
      code: 'E_HTTP',
      status: 401,
      cause: { name: 'Error', message: 'socket closed for [redacted]' },
    });
    expect(logged.stack).toContain('request failed with [redacted]');
  });

  it('includes error stacks only at debug level', () => {
    const { logger, records } = capture('info');
    logger.error('x', { error: new TypeError('boom') });
    expect(records()[0]?.error).toEqual({ name: 'TypeError', message: 'boom' });
  });

  it.each([
    ['Authorization: Bot MTIzNDU2Nzg5.abc.def-ghi', 'Authorization: Bot [redacted]'],
    ['sent Bearer sk-other-key-123, got 401', 'sent Bearer [redacted], got 401'],
    ['bearer abc', 'bearer [redacted]'],
    ['Bot started and ready', 'Bot started and ready'],
    [
      'POST https://discord.com/api/v10/webhooks/1234/aW50ZXJhY3Rpb24.token?wait=true',
      'POST https://discord.com/api/v10/webhooks/1234/[redacted]?wait=true',
    ],
    [
      'POST /api/v10/interactions/98765/aW50ZXJhY3Rpb246dG9rZW4/callback',
      'POST /api/v10/interactions/98765/[redacted]/callback',
    ],
    ['GET /api/v10/channels/123/messages', 'GET /api/v10/channels/123/messages'],
  ])('redacts credential patterns in %j', (input, expected) => {
    const { logger, records } = capture('info', []);
    logger.info('x', { text: input, error: new Error(input) });
    expect(records()[0]).toMatchObject({ text: expected, error: { message: expected } });
  });

  it.each(['token', 'Authorization', 'apiKey', 'api_key', 'password', 'interactionToken', 'X-Api-Key'])(
    'redacts the value of a %s key wherever it is nested',
    (key) => {
      const { logger, lines, records } = capture('info', []);
      logger.info('x', { outer: { [key]: 'plain-value' }, list: [{ [key]: { nested: 'plain-value' } }] });
      expect(lines[0]).not.toContain('plain-value');
      expect(records()[0]).toEqual(expect.objectContaining({ outer: { [key]: '[redacted]' } }));
    },
  );

  it('keeps non-sensitive keys that merely mention tokens', () => {
    const { logger, records } = capture('info', []);
    logger.info('x', { tokenCount: 3, maxTokens: 5 });
    expect(records()[0]).toMatchObject({ tokenCount: 3, maxTokens: 5 });
  });

  it('serialises awkward values without throwing', () => {
    const { logger, records } = capture();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const shared = { a: 1 };
    logger.info('x', {
      circular,
      twice: [shared, shared],
      big: 10n,
      when: new Date(NOW),
      bytes: Buffer.from('hello'),
      fn: () => 1,
      nothing: undefined,
      empty: null,
    });
    expect(records()[0]).toMatchObject({
      circular: { name: 'loop', self: '[circular]' },
      twice: [{ a: 1 }, { a: 1 }],
      big: '10',
      when: '2025-01-02T03:04:05.678Z',
      bytes: '[5 bytes]',
      empty: null,
    });
    expect(records()[0]).not.toHaveProperty('fn');
  });
});
