import { Locale } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { jaChoiceNames, jaOptionNames, jaOutcomeNames, jaSubcommandNames, type CommandMention } from '../../src/i18n/commandNames.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { languageFor, type Messages } from '../../src/i18n/messages.ts';
import { plural } from '../../src/i18n/plural.ts';
import { createCommandDirectory } from '../../src/services/discord/commandDirectory.ts';
import { settingsSummary } from '../../src/models/describeSettings.ts';
import type { VideoSettings } from '../../src/videoGenerationRequest.ts';

interface Named { name: string; type?: number; value?: unknown; name_localizations?: Record<string, string> | null; options?: Named[]; choices?: Named[] }
const definitions = commandDefinitions(loadConfig({ DISCORD_TOKEN: 'x'.repeat(20), APIMART_API_KEY: 'k'.repeat(20) })) as unknown as Named[];

/** Every option and subcommand of the registered commands, with its Japanese name. */
function registeredJapanese(): { options: Map<string, string>; subcommands: Map<string, string>; choices: Map<string, string> } {
  const options = new Map<string, string>();
  const subcommands = new Map<string, string>();
  const choices = new Map<string, string>();
  const walk = (list: Named[] | undefined) => {
    for (const o of list ?? []) {
      const jaName = o.name_localizations?.ja;
      if (jaName) (o.type === 1 ? subcommands : options).set(o.name, jaName);
      for (const c of o.choices ?? []) if (c.name_localizations?.ja) choices.set(String(c.value), c.name_localizations.ja);
      walk(o.options);
    }
  };
  walk(definitions);
  return { options, subcommands, choices };
}

const override = { dailyMicros: 1_000_000, monthlyMicros: null };
const soraPro: VideoSettings = {
  model: 'sora-2-pro-preview', modelLabel: 'Sora 2 Pro', durationSec: 8, aspectRatio: 'portrait', resolution: 'high', audio: null, imageUrl: null,
};
/** Texts that name options, subcommands, choices or commands, in one language. */
const namingTexts = (m: Messages, mention: CommandMention = createCommandDirectory().mention) => [
  m.models.problem({ kind: 'resolution', label: 'Sora 2', asked: 'high', offered: [] }),
  m.models.problem({ kind: 'resolution', label: 'Sora 2 Pro', asked: 'high', offered: ['standard'] }),
  m.models.problem({ kind: 'aspectRatio', label: 'Veo 3.1 Fast', asked: 'square', offered: ['landscape', 'portrait'], imageDecides: false }),
  m.models.problem({ kind: 'aspectRatio', label: 'MiniMax Hailuo 2.3', asked: 'portrait', offered: ['landscape'], imageDecides: true }),
  m.models.problem({ kind: 'audio', label: 'MiniMax Hailuo 2.3' }),
  m.models.problem({ kind: 'rule', label: 'Kling v2.6', when: { audio: [true] }, allow: { resolution: ['1080p'] } }),
  m.usage.othersOnlyForAdmins,
  m.admin.invalidAmount('daily_usd'),
  m.admin.clearWithAmounts,
  m.admin.budgetShow('1', override, 5_000_000, 50_000_000),
  m.admin.budgetSet('1', override, 5_000_000, 50_000_000, mention),
  m.admin.paused(mention),
  m.admin.resumed(mention),
  m.admin.notAdmin(mention),
  m.history.empty(true, mention),
  m.reactions.unavailableHint(mention),
  m.ops.thisServerOnly('1', mention),
  m.ops.aboveCeiling('daily_usd', 5_000_000),
  m.ops.modelTurnedOff('sora-legacy', mention),
  m.ops.resolveHint(7, null, mention),
  m.ops.status({
    queued: 0, running: 0, oldestJobCreatedAt: null, providerDownReason: null, modelsOff: [{ model: 'x', since: 0 }],
    awaiting: Array.from({ length: 11 }, (_, i) => ({ jobId: i + 1, status: 'timed_out' as const, resolvableAt: null })),
    version: '1', startedAt: 0, now: 3 * 86_400_000,
  }, mention),
];

describe('plurals', () => {
  it('follow the English plural rules instead of "(s)"', () => {
    expect(plural(1, 'job', 'jobs')).toBe('1 job');
    expect(plural(0, 'job', 'jobs')).toBe('0 jobs');
    expect(plural(2, 'job', 'jobs')).toBe('2 jobs');
    expect(en.tooManyActive(2, [7])).toContain('You already have 1 job running (#7)');
    expect(en.tooManyActive(2, [7, 8])).toContain('You already have 2 jobs running (#7, #8)');
    expect(en.status.timed_out(1, 0)).toContain('No result after 1 minute.');
    expect(en.status.timed_out(45, 0)).toContain('No result after 45 minutes.');
    expect(en.status.timed_out_stopped(45, 0)).toContain('No result after 45 minutes,');
    const status = (days: number) => en.ops.status({
      queued: 0, running: 0, oldestJobCreatedAt: null, providerDownReason: null, modelsOff: [], awaiting: [], version: '1', startedAt: 0, now: days * 86_400_000,
    }, (c) => c);
    expect(status(2)).toContain('up 2 days 0 h');
    expect(status(3.5)).toContain('up 3 days 12 h');
    const user = { userId: '1', spentMicros: 0, heldMicros: 0 };
    expect(en.admin.reportUser({ ...user, jobs: 1 })).toMatch(/ · 1 job$/);
    expect(en.admin.reportUser({ ...user, jobs: 3 })).toMatch(/ · 3 jobs$/);
    for (const text of [...namingTexts(en), en.tooManyActive(2, [1, 2])]) expect(text).not.toContain('(s)');
    expect(en.models.problem({ kind: 'duration', label: 'M', asked: 6, offered: { seconds: [4, 8, 12] } })).toBe('M makes 4-, 8-, or 12-second videos, not 6 seconds.');
    expect(en.models.problem({ kind: 'duration', label: 'M', asked: 6, offered: { seconds: [4, 8] } })).toBe('M makes 4- or 8-second videos, not 6 seconds.');
  });
});

describe('Japanese wording', () => {
  const everyText = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (typeof value === 'function') {
      const sample = [7, 1_200_000, 1_790_000_000_000, 'x'];
      try {
        return everyText((value as (...args: unknown[]) => unknown)(...sample));
      } catch {
        return [];
      }
    }
    if (value && typeof value === 'object') return Object.values(value).flatMap(everyText);
    return [];
  };
  const texts = everyText(ja);

  it('names the Cancel action キャンセル everywhere, never 取り消し', () => {
    expect(ja.controls.cancel).toBe('キャンセル');
    expect(texts.filter((t) => t.includes('取り消'))).toEqual([]);
  });

  it('calls the standard resolution 標準画質, as the command choice does', () => {
    expect(ja.models.resolution('standard')).toBe(jaChoiceNames.standard);
    expect(texts.filter((t) => /標準(?!画質)/.test(t))).toEqual([]);
  });

  it('puts no space between a sentence and the next one, and uses full-width brackets after Japanese', () => {
    expect(ja.status.failed(ja.failureReasons.moderation)).toBe('❌ 失敗: 動画サービスがこのプロンプトまたは画像を拒否しました（コンテンツ規約）。料金はかかっていません。');
    expect(ja.failedNotice('1', 7, ja.failureReasons.no_video)).toContain('終了しました。料金はかかっていません。');
    expect(texts.filter((t) => /。 [\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(t))).toEqual([]);
    expect(ja.delivery.reportTitle(3)).toBe('**チャンネルに投稿できなかった結果（3件）**');
    expect(texts.filter((t) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}] ?\(/u.test(t))).toEqual([]);
  });
});

describe('Japanese names', () => {
  it('are the names the command data registers', () => {
    const registered = registeredJapanese();
    expect(Object.fromEntries(registered.options)).toEqual(jaOptionNames);
    expect(Object.fromEntries(registered.subcommands)).toMatchObject(jaSubcommandNames);
    // standard and high are resolutions, offered by autocomplete under these names rather than registered.
    const { standard: _standard, high: _high, ...registeredChoices } = jaChoiceNames;
    for (const [value, jaName] of Object.entries({ ...registeredChoices, ...jaOutcomeNames })) expect(registered.choices.get(value)).toContain(jaName);
  });

  it('name options and choices in Japanese texts, never by their English names', () => {
    const english = [...registeredJapanese().options.keys(), 'landscape', 'portrait', 'standard', 'high'];
    for (const text of namingTexts(ja)) {
      for (const name of english) expect(text, text).not.toMatch(new RegExp(`(^|[^\\w-])${name}([^\\w-]|$)`));
    }
    expect(ja.models.problem({ kind: 'resolution', label: 'Sora 2 Pro', asked: 'high', offered: ['standard'] })).toBe(
      'Sora 2 Pro の解像度は 標準画質 です（指定: 高画質）。');
    expect(ja.models.problem({ kind: 'resolution', label: 'Sora 2', asked: 'standard', offered: [] })).toContain('`解像度` を空にしてください');
    expect(ja.admin.budgetShow('1', undefined, 0, 0)).toContain('`1日の上限ドル`・`月間の上限ドル`・`解除`');
    expect(ja.usage.othersOnlyForAdmins).toContain('`ユーザー` なしで');
    expect(ja.ops.resolveHint(7, null, (c, sub) => `</${c} ${sub}:9>`)).toBe('解決: </video-admin resolve:9> `ジョブ:7` `結果:請求あり` または </video-admin resolve:9> `ジョブ:7` `結果:請求なし`');
    expect(ja.ops.aboveCeiling('monthly_usd', 50_000_000)).toMatch(/^`月間の上限ドル` の上限は \$50\.00 です/);
  });
});

describe('command mentions', () => {
  it('are clickable once the sync has told the ids, and plain code before', () => {
    const directory = createCommandDirectory();
    expect(en.admin.paused(directory.mention)).toContain('new `/video` requests');
    expect(en.admin.paused(directory.mention)).toContain('`/video-admin resume` allows');
    directory.remember([{ name: 'video', id: '111' }, { name: 'video-admin', id: '222' }]);
    expect(en.admin.paused(directory.mention)).toBe(
      '⏸️ Paused: new </video:111> requests and confirmations in this server are refused, and queued jobs wait; jobs already started will finish. </video-admin resume:222> allows them again.');
    expect(ja.admin.notAdmin(directory.mention)).toMatch(/^<\/video-admin:222> を使えるのは/);
    for (const m of [en, ja]) {
      for (const text of namingTexts(m, directory.mention)) expect(text).not.toMatch(/`\/[a-z-]+/);
    }
  });
});

describe('locales', () => {
  it('pick Japanese for Discord’s Japanese locale and English otherwise', () => {
    expect(languageFor(Locale.Japanese)).toBe('ja');
    expect(languageFor(Locale.EnglishUS)).toBe('en');
    expect(languageFor(Locale.French)).toBe('en');
    expect(languageFor(null)).toBe('en');
  });
});
