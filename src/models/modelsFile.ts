import { z } from 'zod';
import { entrySchema, objectError } from './entrySchema.ts';
import { fromLegacyEntry, legacyEntrySchema } from './legacyEntry.ts';
import { formatPath, maxModels } from './modelCatalog.ts';
import type { ModelEntry } from './modelEntry.ts';

export class ModelsFileError extends Error {
  override name = 'ModelsFileError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid models file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const fileSchema = z.strictObject(
  {
    models: z
      .array(z.unknown(), { error: 'must be an array' })
      .min(1, 'must list at least one model')
      .max(maxModels, `must list at most ${maxModels} models`),
  },
  { error: objectError('an object with a "models" array') },
);

/**
 * `{ "models": [ … ] }` where each entry is either in the current format (it has an `"id"`: see
 * docs/models.md) or in the original, Sora-shaped one (it has a `"name"`), which keeps its meaning.
 * Every problem names the model (by position and id) and the field.
 */
export function parseModelsFile(json: string, source: string): ModelEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new ModelsFileError(source, [`not valid JSON (${(err as Error).message})`]);
  }
  const file = fileSchema.safeParse(data);
  if (!file.success) throw new ModelsFileError(source, file.error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.message}`));

  const problems: string[] = [];
  const entries: ModelEntry[] = [];
  file.data.models.forEach((raw, index) => {
    const legacy = typeof raw === 'object' && raw !== null && 'name' in raw && !('id' in raw);
    const parsed = legacy ? legacyEntrySchema.safeParse(raw) : entrySchema.safeParse(raw);
    const where = `models[${index}]${describeId(raw)}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${where}${issue.path.length > 0 ? ` ${formatPath(issue.path)}` : ''}: ${issue.message}`);
      return;
    }
    entries.push(legacy ? fromLegacyEntry(parsed.data as z.output<typeof legacyEntrySchema>) : (parsed.data as ModelEntry));
  });
  const seen = new Map<string, number>();
  entries.forEach((entry) => {
    const key = entry.id.toLowerCase();
    if (seen.has(key)) problems.push(`models: "${entry.id}" is listed twice`);
    seen.set(key, 1);
  });
  if (problems.length > 0) throw new ModelsFileError(source, problems);
  return entries;
}

function describeId(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return '';
  const id = (raw as { id?: unknown; name?: unknown }).id ?? (raw as { name?: unknown }).name;
  return typeof id === 'string' && id.length > 0 ? ` "${id.slice(0, 100)}"` : '';
}
