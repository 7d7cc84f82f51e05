import type { ProviderModel } from './modelList.ts';

/** The catalog beside what the key can call. */
export interface ModelsComparison {
  /** Catalog models the key can call: what members are offered. */
  callable: string[];
  /** Catalog models the provider does not list for this key: never offered. */
  notCallable: string[];
  /** Video models the key can call that the catalog does not describe. */
  notInCatalog: string[];
}

export function compareModels(catalogIds: readonly string[], listed: readonly ProviderModel[]): ModelsComparison {
  const listedIds = new Set(listed.map((m) => m.id));
  const catalog = new Set(catalogIds);
  return {
    callable: catalogIds.filter((id) => listedIds.has(id)),
    notCallable: catalogIds.filter((id) => !listedIds.has(id)),
    notInCatalog: [...new Set(listed.filter((m) => m.isVideo && !catalog.has(m.id)).map((m) => m.id))].sort(),
  };
}
