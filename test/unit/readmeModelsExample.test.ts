import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const secrets = { DISCORD_TOKEN: 'x'.repeat(20), APIMART_API_KEY: 'k'.repeat(20) };

describe("README's MODELS_FILE example", () => {
  it('is a file the bot accepts as written, with the model it shows', () => {
    expect(jsonBlocks).toHaveLength(1);
    const config = loadConfig({ ...secrets, MODELS_FILE: 'models.json' }, { readFile: () => jsonBlocks[0]! });
    expect(config.models.ids()).toEqual(['veo3.1-fast']);
    expect(config.defaultModel).toBe('veo3.1-fast');
  });

  it("names the built-in catalog's default model as the default", () => {
    const config = loadConfig(secrets);
    expect(readme).toContain(`| \`DEFAULT_MODEL\` | \`${config.defaultModel}\` |`);
    expect(readme).toContain(`| \`${config.defaultModel}\` (default) |`);
  });
});
