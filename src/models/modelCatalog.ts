import { entryProblems } from './entryCoverage.ts';
import type { ModelEntry } from './modelEntry.ts';

export interface ModelCatalog {
  readonly models: readonly ModelEntry[];
  find(id: string): ModelEntry | undefined;
  ids(): string[];
}

/** More models than this would be no catalog a member can choose from; Discord lists 25 at a time. */
export const maxModels = 200;

/** A catalog that cannot describe one of its models: each problem names the model and the field. */
export class CatalogError extends Error {
  override name = 'CatalogError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid model catalog:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Checks every entry (coverage of prices, defaults, rules) and that no id repeats; throws CatalogError. */
export function createModelCatalog(entries: readonly ModelEntry[]): ModelCatalog {
  const problems: string[] = [];
  const byId = new Map<string, ModelEntry>();
  // apimart's ids are case-sensitive, but two ids that differ only in case would confuse members.
  const seen = new Set<string>();
  for (const entry of entries) {
    for (const problem of entryProblems(entry)) {
      problems.push(`model "${entry.id}"${problem.path.length > 0 ? ` ${formatPath(problem.path)}` : ''}: ${problem.message}`);
    }
    if (seen.has(entry.id.toLowerCase())) problems.push(`model "${entry.id}": listed twice`);
    seen.add(entry.id.toLowerCase());
    byId.set(entry.id, entry);
  }
  if (entries.length === 0) problems.push('the catalog lists no model');
  if (entries.length > maxModels) problems.push(`the catalog lists ${entries.length} models; at most ${maxModels}`);
  if (problems.length > 0) throw new CatalogError(problems);
  const models = Object.freeze([...entries]);
  return {
    models,
    find: (id) => byId.get(id),
    ids: () => models.map((m) => m.id),
  };
}
