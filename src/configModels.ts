import {
  builtInModels,
  createModelCatalog,
  ModelsFileError,
  parseModelsFile,
  type ModelCatalog,
  type ModelSpec,
} from './modelCatalog.ts';

/** Returns the catalog, or the problems naming MODELS_FILE (never its contents or path). */
export function loadModels(path: string | undefined, readFile: (path: string) => string): ModelCatalog | string[] {
  if (path === undefined) return createModelCatalog(builtInModels);
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return [`MODELS_FILE: cannot be read${typeof code === 'string' ? ` (${code})` : ''}`];
  }
  let models: ModelSpec[];
  try {
    models = parseModelsFile(text, 'MODELS_FILE');
  } catch (err) {
    if (err instanceof ModelsFileError) return err.problems.map((p) => `MODELS_FILE: ${p}`);
    throw err;
  }
  return createModelCatalog(models);
}
