import { ApplicationCommandOptionType, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { commandsDiffer, normalizeCommand, syncCommands } from '../../src/services/discord/commandSync.ts';

type Command = RESTPostAPIChatInputApplicationCommandsJSONBody;
type Option = Record<string, unknown> & { name: string; type: number; choices?: Record<string, unknown>[] };

const env = { DISCORD_TOKEN: 'x'.repeat(20), APIMART_API_KEY: 'k'.repeat(20) };
const config = loadConfig(env);
const wanted = commandDefinitions(config);
const video = wanted.find((c) => c.name === 'video') as Command;
const videoOptions = (video.options ?? []) as unknown as Option[];

const reversedKeys = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).reverse()) as T;

/** What GET .../commands?with_localizations=true returns for a definition Discord stored. */
function asDiscordReturnsIt(command: Command, index: number): Record<string, unknown> {
  const options = ((command.options ?? []) as unknown as Option[]).map((option, i) => {
    if (option.required) return reversedKeys(option);
    // Discord omits `required: false` on some options and spells it out on others.
    const { required: _required, ...rest } = option;
    return reversedKeys(i % 2 === 0 ? rest : { ...rest, required: false });
  });
  return reversedKeys({
    id: `90000000000000000${index}`, application_id: '300000000000000003', version: '1234567890123456789',
    default_member_permissions: null, dm_permission: true, nsfw: false, name_localizations: null,
    ...command, options,
  });
}

const stored = wanted.map(asDiscordReturnsIt);

function editedVideo(edit: (command: Command, options: Option[]) => void): Command[] {
  const copy = structuredClone(video);
  edit(copy, (copy.options ?? []) as unknown as Option[]);
  return [copy];
}

describe('commandsDiffer', () => {
  it('sees the copy Discord stores as equal to the definition', () => {
    expect(commandsDiffer(stored, wanted)).toBe(false);
    expect(normalizeCommand(stored[0])).toEqual(normalizeCommand(video));
  });

  it('ignores the order of the commands', () => {
    const other = { ...video, name: 'other', options: [] } as Command;
    expect(commandsDiffer([other, video].map(asDiscordReturnsIt), [video, other])).toBe(false);
  });

  it.each([
    { name: 'a changed description', edit: (c: Command) => { c.description = 'Make a video'; } },
    { name: 'a longer duration range', edit: (_c: Command, o: Option[]) => { o[1]!.max_value = 30; } },
    { name: 'an added model choice', edit: (_c: Command, o: Option[]) => { o[3]!.choices!.push({ name: 'Vidu Q3', value: 'viduq3-pro' }); } },
    { name: 'a model option that turned to autocomplete', edit: (_c: Command, o: Option[]) => { delete o[3]!.choices; o[3]!.autocomplete = true; } },
    { name: 'a removed option', edit: (_c: Command, o: Option[]) => { o.pop(); } },
    { name: 'a prompt that is no longer required', edit: (_c: Command, o: Option[]) => { o[0]!.required = false; } },
    { name: 'a changed Japanese localization', edit: (c: Command) => { c.description_localizations = { ja: '動画を作ります' }; } },
    { name: 'a changed maximum length', edit: (_c: Command, o: Option[]) => { o[0]!.max_length = 6000; } },
  ])('sees $name as a difference', ({ edit }) => {
    expect(commandsDiffer(stored, editedVideo(edit))).toBe(true);
  });

  it('sees a changed model catalog as a difference', () => {
    const models = JSON.stringify({ models: [{ name: 'sora-3', durations: [4, 8, 12], usdPerSecond: 0.2 }] });
    const changed = loadConfig({ ...env, MODELS_FILE: 'models.json', DEFAULT_MODEL: 'sora-3' }, { readFile: () => models });
    expect(commandsDiffer(stored, commandDefinitions(changed))).toBe(true);
  });

  it('sees a changed price, or a duration only a new model offers, as a difference', () => {
    const catalog = (pro: number, durations: number[]) => JSON.stringify({ models: [
      { name: 'sora-2-preview', durations: [4, 8, 12], usdPerSecond: 0.1 },
      { name: 'sora-2-pro-preview', durations, resolutions: { standard: pro, high: 0.5 } },
    ] });
    const withCatalog = (json: string) => commandDefinitions(loadConfig({ ...env, MODELS_FILE: 'models.json' }, { readFile: () => json }));
    const before = withCatalog(catalog(0.3, [4, 8, 12])).map(asDiscordReturnsIt);
    expect(commandsDiffer(before, withCatalog(catalog(0.3, [4, 8, 12])))).toBe(false);
    expect(commandsDiffer(before, withCatalog(catalog(0.35, [4, 8, 12])))).toBe(true);
    expect(commandsDiffer(before, withCatalog(catalog(0.3, [4, 8, 12, 16])))).toBe(true);
  });

  it('sees a missing or an extra stored command as a difference', () => {
    expect(commandsDiffer([], wanted)).toBe(true);
    expect(commandsDiffer([...stored, { ...stored[0], name: 'old-command' }], wanted)).toBe(true);
  });
});

function fakeRest(storedCommands: unknown[]) {
  const calls: { method: 'get' | 'put'; route: string; body?: unknown }[] = [];
  const rest = {
    get: async (route: string) => { calls.push({ method: 'get', route }); return storedCommands; },
    put: async (route: string, options: { body: unknown }) => { calls.push({ method: 'put', route, body: options.body }); return options.body; },
  };
  return { rest: rest as unknown as REST, calls };
}

describe('syncCommands', () => {
  it('leaves unchanged guild commands alone', async () => {
    const { rest, calls } = fakeRest(stored);
    expect(await syncCommands(rest, 'app', '123', wanted)).toEqual({
      outcome: 'unchanged', registered: stored.map((c) => ({ name: c.name, id: c.id })),
    });
    expect(calls).toEqual([{ method: 'get', route: '/applications/app/guilds/123/commands' }]);
  });

  it('writes the global commands when they differ', async () => {
    const { rest, calls } = fakeRest([]);
    expect((await syncCommands(rest, 'app', undefined, wanted)).outcome).toBe('updated');
    expect(calls.map((c) => [c.method, c.route])).toEqual([['get', '/applications/app/commands'], ['put', '/applications/app/commands']]);
    expect(calls[1]?.body).toEqual(wanted);
  });

  it('returns the ids Discord gave the commands it wrote, for command mentions', async () => {
    const calls: string[] = [];
    const rest = {
      get: async () => { calls.push('get'); return []; },
      put: async (_route: string, o: { body: Command[] }) => { calls.push('put'); return o.body.map((c, i) => ({ ...c, id: `4000${i}` })); },
    } as unknown as REST;
    const result = await syncCommands(rest, 'app', undefined, wanted);
    expect(calls).toEqual(['get', 'put']);
    expect(result.registered).toEqual(wanted.map((c, i) => ({ name: c.name, id: `4000${i}` })));
  });
});

describe('the /video definition', () => {
  const option = (name: string) => videoOptions.find((o) => o.name === name) as Option;
  const values = (name: string) => option(name).choices?.map((c) => c.value);

  it('has the seven options in order, with their types, only the prompt required', () => {
    expect(videoOptions.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['prompt', ApplicationCommandOptionType.String, true],
      ['duration', ApplicationCommandOptionType.Integer, false],
      ['aspect_ratio', ApplicationCommandOptionType.String, false],
      ['model', ApplicationCommandOptionType.String, false],
      ['resolution', ApplicationCommandOptionType.String, false],
      ['image', ApplicationCommandOptionType.Attachment, false],
      ['audio', ApplicationCommandOptionType.Boolean, false],
    ]);
  });

  it('offers the product choices and the catalog models', () => {
    // Durations and resolutions follow the chosen model, through autocomplete.
    expect(option('duration')).toMatchObject({ autocomplete: true, min_value: 3, max_value: 15 });
    expect(option('resolution')).toMatchObject({ autocomplete: true });
    expect(values('duration')).toBeUndefined();
    expect(values('resolution')).toBeUndefined();
    expect(values('aspect_ratio')).toEqual(['landscape', 'portrait', 'square']);
    expect(values('model')).toEqual(config.models.ids());
    expect(values('model')).toContain('seedance-2.0-fast');
    expect(option('prompt').choices).toBeUndefined();
    expect(option('image').choices).toBeUndefined();
  });

  it('carries Japanese localizations for the command, every option and every fixed choice', () => {
    expect(video.description_localizations?.ja).toBeTruthy();
    for (const o of videoOptions) {
      const localized = o as { name_localizations?: Record<string, string>; description_localizations?: Record<string, string> };
      expect(localized.name_localizations?.ja, o.name).toBeTruthy();
      expect(localized.description_localizations?.ja, o.name).toBeTruthy();
    }
    for (const name of ['duration', 'aspect_ratio', 'resolution']) {
      for (const choice of option(name).choices ?? []) {
        expect((choice.name_localizations as Record<string, string> | undefined)?.ja, `${name} ${String(choice.value)}`).toBeTruthy();
      }
    }
  });

  it('stays within Discord limits: names and descriptions of at most 32 and 100 characters', () => {
    expect(video.description.length).toBeLessThanOrEqual(100);
    for (const o of videoOptions) {
      expect(o.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(String(o.description).length).toBeLessThanOrEqual(100);
      expect(o.choices?.length ?? 0).toBeLessThanOrEqual(25);
    }
  });
});
