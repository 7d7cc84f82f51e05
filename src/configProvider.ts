import { defaultModelOf, loadModels } from './configModels.ts';
import { readVariable, variables } from './configVariables.ts';
import type { ModelCatalog } from './models/modelCatalog.ts';

/** What an operator's tool needs to talk to apimart about models: no Discord token, no database. */
export interface ProviderConfig {
  apimartApiKey: string;
  apimartBaseUrl: string;
  models: ModelCatalog;
  defaultModel: string;
}

/**
 * APIMART_API_KEY, APIMART_BASE_URL, MODELS_FILE and DEFAULT_MODEL, validated as the bot validates them;
 * or the problems, each naming its variable (never a value).
 */
export function loadProviderConfig(
  env: Record<string, string | undefined>,
  deps: { readFile: (path: string) => string },
): ProviderConfig | string[] {
  const problems: string[] = [];
  const read = <N extends 'APIMART_API_KEY' | 'APIMART_BASE_URL' | 'MODELS_FILE' | 'DEFAULT_MODEL'>(name: N) => {
    const result = variables[name].safeParse(readVariable(env, name));
    // Only our own messages: zod's may quote the input, which could be the key.
    if (!result.success) problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return result.success ? result.data : undefined;
  };
  const apimartApiKey = read('APIMART_API_KEY');
  const apimartBaseUrl = read('APIMART_BASE_URL');
  const loaded = loadModels(read('MODELS_FILE'), deps.readFile);
  if (Array.isArray(loaded)) problems.push(...loaded);
  const models = Array.isArray(loaded) ? undefined : loaded;
  const defaultModel = read('DEFAULT_MODEL') ?? (models ? defaultModelOf(models) : undefined);
  if (models && defaultModel !== undefined && !models.find(defaultModel)) {
    problems.push(`DEFAULT_MODEL: must be a model of the catalog (${models.ids().join(', ')})`);
  }
  if (problems.length > 0 || !apimartApiKey || !apimartBaseUrl || !models || !defaultModel) return problems;
  return { apimartApiKey, apimartBaseUrl, models, defaultModel };
}
