import { builtInCatalog, defaultModelId } from './models/builtIn/index.ts';
import { CatalogError, createModelCatalog, type ModelCatalog } from './models/modelCatalog.ts';
import { ModelsFileError, parseModelsFile } from './models/modelsFile.ts';

/** Returns the catalog, or the problems naming MODELS_FILE, the model and the field (never the file's path). */
export function loadModels(path: string | undefined, readFile: (path: string) => string): ModelCatalog | string[] {
  if (path === undefined) return builtInCatalog();
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return [`MODELS_FILE: cannot be read${typeof code === 'string' ? ` (${code})` : ''}`];
  }
  try {
    return createModelCatalog(parseModelsFile(text, 'MODELS_FILE'));
  } catch (err) {
    if (err instanceof ModelsFileError || err instanceof CatalogError) return err.problems.map((p) => `MODELS_FILE: ${p}`);
    throw err;
  }
}

/**
 * Without DEFAULT_MODEL: the built-in default when the catalog has it, else the catalog's first model,
 * so a MODELS_FILE written for the Sora era starts unchanged.
 */
export function defaultModelOf(catalog: ModelCatalog): string {
  return catalog.find(defaultModelId) ? defaultModelId : (catalog.models[0]?.id ?? defaultModelId);
}
