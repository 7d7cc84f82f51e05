import { CatalogError, createModelCatalog, formatPath, type ModelCatalog } from '../modelCatalog.ts';
import type { ModelEntry } from '../modelEntry.ts';
import { entrySchema } from '../entrySchema.ts';
import { klingModels } from './kling.ts';
import { minimaxModels } from './minimax.ts';
import { seedanceModels } from './seedance.ts';
import { soraModels } from './sora.ts';
import { veoModels } from './veo.ts';
import { wanModels } from './wan.ts';

/** Today's apimart video models, one file per family; Sora 2 last, for keys that still serve it. */
export const builtInModels: readonly ModelEntry[] = [
  ...seedanceModels, ...veoModels, ...klingModels, ...wanModels, ...minimaxModels, ...soraModels,
];

/**
 * Seedance 2.0 Fast: the cheapest of today's main families that offers every `/video` option (4–15 s,
 * landscape, portrait and square, 480p/720p, sound, a reference image), from ByteDance's own line
 * rather than a third-party channel, at a price two independent sources agree on.
 */
export const defaultModelId = 'seedance-2.0-fast';

/** The built-in entries, checked with the same schema as MODELS_FILE (an error names the model and field). */
export function builtInCatalog(): ModelCatalog {
  const problems: string[] = [];
  builtInModels.forEach((entry) => {
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`model "${entry.id}" ${formatPath(issue.path)}: ${issue.message}`);
    }
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return createModelCatalog(builtInModels);
}
