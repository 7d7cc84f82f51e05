import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const TOKEN = 'discord-secret-token.abc123';
const KEY = 'sk-apimart-secret-key-987';
const base = { DISCORD_TOKEN: TOKEN, APIMART_API_KEY: KEY };

function configError(env: Record<string, string | undefined>, readFile?: (path: string) => string): ConfigError {
  try {
    loadConfig(env, readFile ? { readFile } : {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const modelsJson = JSON.stringify({
  models: [{ name: 'sora-3', durations: [5, 10], resolutions: { standard: 0.2, high: 0.4 } }],
});

describe('loadConfig', () => {
  it('applies every default', () => {
    const config = loadConfig(base);
    expect({ ...config, models: config.models.ids() }).toEqual({
      discordToken: TOKEN,
      apimartApiKey: KEY,
      discordApiUrl: 'https://discord.com/api',
      discordGuildId: undefined,
      apimartBaseUrl: 'https://api.apimart.ai',
      databasePath: './data/bot.db',
      databaseUrl: undefined,
      defaultModel: 'seedance-2.0-fast',
      models: [
        'seedance-2.0', 'seedance-2.0-fast', 'seedance-1-5-pro', 'veo3.1-fast', 'kling-v3', 'kling-v2-6', 'wan2.6',
        'MiniMax-Hailuo-2.3', 'MiniMax-H3', 'sora-2-preview', 'sora-2-pro-preview',
      ],
      userDailyBudgetMicros: 5_000_000,
      userMonthlyBudgetMicros: 50_000_000,
      guildDailyBudgetMicros: 0,
      userMaxActiveJobs: 2,
      maxConcurrentJobs: 10,
      confirmAboveMicros: 1_000_000,
      pollMinIntervalMs: 2_000,
      pollMaxIntervalMs: 30_000,
      jobTimeoutMs: 45 * 60_000,
      adminRoleIds: [],
      allowedChannelIds: [],
      allowedGuildIds: [],
      botDailyBudgetMicros: 0,
      ownerUserIds: [],
      logLevel: 'info',
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
      retentionDays: 0,
      shards: 'auto',
      shardProcesses: 1,
      shardProcess: undefined,
      hostCount: 1,
      hostIndex: 0,
      publicWebhookUrl: undefined,
      webhookListenHost: '127.0.0.1',
      webhookListenPort: 8787,
    });
  });

  it('reads the push settings and refuses a webhook URL that is not http(s) or a port out of range', () => {
    expect(loadConfig({ ...base, PUBLIC_WEBHOOK_URL: 'https://bot.example.com/apimart/', WEBHOOK_LISTEN_HOST: '0.0.0.0', WEBHOOK_LISTEN_PORT: '0' }))
      .toMatchObject({ publicWebhookUrl: 'https://bot.example.com/apimart', webhookListenHost: '0.0.0.0', webhookListenPort: 0 });
    expect(configError({ ...base, PUBLIC_WEBHOOK_URL: 'ftp://bot.example.com', WEBHOOK_LISTEN_PORT: '70000' }).problems).toEqual([
      'PUBLIC_WEBHOOK_URL: must be an http(s) URL', 'WEBHOOK_LISTEN_PORT: must be a port number (0-65535)',
    ]);
  });

  it('reads the operations settings and names the bad ones', () => {
    expect(loadConfig({ ...base, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', RETENTION_DAYS: '90' }))
      .toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0', retentionDays: 90 });
    expect(configError({ ...base, METRICS_PORT: '70000', RETENTION_DAYS: '-1' }).problems).toEqual([
      'METRICS_PORT: must be a port number (1-65535)',
      'RETENTION_DAYS: must be a whole number of days (0 = keep)',
    ]);
  });

  it('reads every variable when set', () => {
    const config = loadConfig({
      ...base,
      DISCORD_API_URL: 'http://127.0.0.1:4000/api/',
      DISCORD_GUILD_ID: '123456789012345678',
      APIMART_BASE_URL: 'http://127.0.0.1:4001',
      DATABASE_PATH: ':memory:',
      DEFAULT_MODEL: 'veo3.1-fast',
      USER_DAILY_BUDGET_USD: '2.50',
      USER_MONTHLY_BUDGET_USD: '0',
      GUILD_DAILY_BUDGET_USD: '0.1',
      USER_MAX_ACTIVE_JOBS: '1',
      MAX_CONCURRENT_JOBS: '3',
      CONFIRM_ABOVE_USD: '0',
      POLL_MIN_INTERVAL_MS: '10',
      POLL_MAX_INTERVAL_MS: '10',
      JOB_TIMEOUT_MINUTES: '2',
      ADMIN_ROLE_IDS: ' 111 , 222,,111 ',
      ALLOWED_CHANNEL_IDS: '333',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      discordApiUrl: 'http://127.0.0.1:4000/api',
      discordGuildId: '123456789012345678',
      apimartBaseUrl: 'http://127.0.0.1:4001',
      databasePath: ':memory:',
      defaultModel: 'veo3.1-fast',
      userDailyBudgetMicros: 2_500_000,
      userMonthlyBudgetMicros: 0,
      guildDailyBudgetMicros: 100_000,
      userMaxActiveJobs: 1,
      maxConcurrentJobs: 3,
      confirmAboveMicros: 0,
      pollMinIntervalMs: 10,
      pollMaxIntervalMs: 10,
      jobTimeoutMs: 120_000,
      adminRoleIds: ['111', '222'],
      allowedChannelIds: ['333'],
      logLevel: 'debug',
    });
  });

  it('treats empty and blank strings as unset', () => {
    const config = loadConfig({ ...base, DISCORD_GUILD_ID: '', LOG_LEVEL: '  ', USER_DAILY_BUDGET_USD: '' });
    expect(config.discordGuildId).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.userDailyBudgetMicros).toBe(5_000_000);
    expect(configError({ DISCORD_TOKEN: '', APIMART_API_KEY: ' ' }).problems).toEqual([
      'DISCORD_TOKEN: required',
      'APIMART_API_KEY: required',
    ]);
  });

  it.each([
    ['DISCORD_API_URL', 'ftp://discord.com/api', 'must be an http(s) URL'],
    ['DISCORD_API_URL', 'not a url', 'must be an http(s) URL'],
    ['APIMART_BASE_URL', 'file:///etc/passwd', 'must be an http(s) URL'],
    ['DISCORD_GUILD_ID', 'my-guild', 'must be a Discord id'],
    ['USER_DAILY_BUDGET_USD', '-1', 'must be a non-negative USD amount'],
    ['USER_MONTHLY_BUDGET_USD', 'fifty', 'must be a non-negative USD amount'],
    ['GUILD_DAILY_BUDGET_USD', '0.0000001', 'must be a non-negative USD amount with at most 6 decimals'],
    ['CONFIRM_ABOVE_USD', '1,5', 'must be a non-negative USD amount'],
    ['USER_MAX_ACTIVE_JOBS', '0', 'must be a positive integer'],
    ['MAX_CONCURRENT_JOBS', '2.5', 'must be a positive integer'],
    ['POLL_MIN_INTERVAL_MS', '-5', 'must be a positive integer'],
    ['POLL_MAX_INTERVAL_MS', '30s', 'must be a positive integer'],
    ['JOB_TIMEOUT_MINUTES', '99999999999999999999', 'must be a positive integer'],
    ['ADMIN_ROLE_IDS', '111,admins', 'must be comma-separated Discord ids'],
    ['ALLOWED_CHANNEL_IDS', '#general', 'must be comma-separated Discord ids'],
    ['LOG_LEVEL', 'verbose', 'must be one of debug, info, warn, error'],
    ['DEFAULT_MODEL', 'sora-1', 'must be a model of the catalog (seedance-2.0, seedance-2.0-fast, seedance-1-5-pro, veo3.1-fast, kling-v3, kling-v2-6, wan2.6, MiniMax-Hailuo-2.3, MiniMax-H3, sora-2-preview, sora-2-pro-preview)'],
  ])('names %s when it is %j', (name, value, message) => {
    const error = configError({ ...base, [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`${name}: ${message}`);
    expect(error.message).not.toContain(value);
  });

  it('names every missing and invalid variable in one message', () => {
    const error = configError({ POLL_MIN_INTERVAL_MS: 'soon', LOG_LEVEL: 'loud', DISCORD_API_URL: 'discord' });
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '  - DISCORD_TOKEN: required',
        '  - APIMART_API_KEY: required',
        '  - DISCORD_API_URL: must be an http(s) URL',
        '  - POLL_MIN_INTERVAL_MS: must be a positive integer',
        '  - LOG_LEVEL: must be one of debug, info, warn, error',
      ].join('\n'),
    );
  });

  it('never prints a secret, even when other variables are invalid', () => {
    const error = configError({ ...base, DISCORD_API_URL: TOKEN, APIMART_BASE_URL: KEY, LOG_LEVEL: KEY });
    expect(error.problems).toHaveLength(3);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('secret');
  });

  it('requires POLL_MIN_INTERVAL_MS not to exceed POLL_MAX_INTERVAL_MS', () => {
    expect(configError({ ...base, POLL_MIN_INTERVAL_MS: '40000' }).problems).toEqual([
      'POLL_MIN_INTERVAL_MS: must not exceed POLL_MAX_INTERVAL_MS',
    ]);
    expect(configError({ ...base, POLL_MAX_INTERVAL_MS: '1000' }).problems).toHaveLength(1);
  });

  it('reports cross-check problems alongside missing variables', () => {
    const error = configError({ POLL_MIN_INTERVAL_MS: '5', POLL_MAX_INTERVAL_MS: '4', DEFAULT_MODEL: 'x' });
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'DISCORD_TOKEN',
      'APIMART_API_KEY',
      'POLL_MIN_INTERVAL_MS',
      'DEFAULT_MODEL',
    ]);
  });

  describe('MODELS_FILE', () => {
    it('replaces the built-in catalog', () => {
      const reads: string[] = [];
      const config = loadConfig({ ...base, MODELS_FILE: './models.json', DEFAULT_MODEL: 'sora-3' }, {
        readFile: (path) => {
          reads.push(path);
          return modelsJson;
        },
      });
      expect(reads).toEqual(['./models.json']);
      expect(config.models.ids()).toEqual(['sora-3']);
      expect(config.models.find('sora-3')?.price.rows).toEqual([{ resolution: 'standard', usd: 0.2 }, { resolution: 'high', usd: 0.4 }]);
    });

    it('is not read when unset', () => {
      const config = loadConfig(base, {
        readFile: () => {
          throw new Error('must not read');
        },
      });
      expect(config.models.ids()).toContain('seedance-2.0-fast');
    });

    it('names MODELS_FILE when the file is missing', () => {
      const missing = Object.assign(new Error("ENOENT: no such file, open '/secret/path.json'"), { code: 'ENOENT' });
      const error = configError({ ...base, MODELS_FILE: '/secret/path.json' }, () => {
        throw missing;
      });
      expect(error.problems).toEqual(['MODELS_FILE: cannot be read (ENOENT)']);
      expect(error.message).not.toContain('/secret/path.json');
    });

    it('names MODELS_FILE and each problem when the file is invalid', () => {
      const bad = JSON.stringify({ models: [{ name: 'x', durations: [0], usdPerSecond: -1 }] });
      const error = configError({ ...base, MODELS_FILE: 'models.json' }, () => bad);
      expect(error.problems).toEqual([
        'MODELS_FILE: models[0] "x" durations[0]: must be at least 1 second',
        'MODELS_FILE: models[0] "x" usdPerSecond: must be a non-negative USD amount with at most 6 decimals',
      ]);
    });

    it('names MODELS_FILE when the file is not JSON', () => {
      const error = configError({ ...base, MODELS_FILE: 'models.json' }, () => 'models: []');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^MODELS_FILE: not valid JSON/);
    });

    it('requires DEFAULT_MODEL, when set, to be in the replacement catalog', () => {
      const error = configError({ ...base, MODELS_FILE: 'models.json', DEFAULT_MODEL: 'seedance-2.0-fast' }, () => modelsJson);
      expect(error.problems).toEqual(['DEFAULT_MODEL: must be a model of the catalog (sora-3)']);
    });

    it('starts a file of the original format unchanged without DEFAULT_MODEL: its first model is the default', () => {
      const config = loadConfig({ ...base, MODELS_FILE: 'models.json' }, { readFile: () => modelsJson });
      expect(config.defaultModel).toBe('sora-3');
    });

    it('names the model and the field of a catalog problem', () => {
      const unpriced = JSON.stringify({ models: [{
        id: 'x', label: 'X', duration: { name: 'duration', seconds: [5, 10], default: 5 },
        price: { per: 'second', readOn: '2026-12-01', rows: [{ durationSec: 5, usd: 0.1 }] },
      }] });
      const error = configError({ ...base, MODELS_FILE: 'models.json' }, () => unpriced);
      expect(error.problems).toEqual(['MODELS_FILE: models[0] "x" price.rows: no price covers 10 s']);
    });
  });
});
