import { ApimartHttpError, ApimartNetworkError, ApimartResponseShapeError, ApimartTimeoutError } from './services/apimart/errors.ts';
import { effectiveStatus } from './services/apimart/errorVerdicts.ts';
import type { ModelsComparison } from './services/apimart/modelsComparison.ts';

const gap = '   ';

/** The three lists beside each other, as columns under their headings; the default model is marked. */
export function renderModelsComparison(c: ModelsComparison, defaultModel: string, providerHost: string): string {
  const mark = (id: string) => (id === defaultModel ? `${id} (default)` : id);
  const columns = [
    { title: `In the catalog, callable (${c.callable.length})`, rows: c.callable.map(mark) },
    { title: `In the catalog, not callable (${c.notCallable.length})`, rows: c.notCallable.map(mark) },
    { title: `Callable video models not in the catalog (${c.notInCatalog.length})`, rows: c.notInCatalog },
  ];
  const widths = columns.map((col) => Math.max(col.title.length, ...col.rows.map((r) => r.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(gap).trimEnd();
  const height = Math.max(1, ...columns.map((col) => col.rows.length));
  const body = Array.from({ length: height }, (_, row) => line(columns.map((col) => col.rows[row] ?? (row === 0 ? '-' : ''))));
  const notes = [
    ...(c.notCallable.includes(defaultModel) ? [`DEFAULT_MODEL ${defaultModel} is not callable with this key: /video without a model is refused.`] : []),
    'Members are offered only the first column; the bot reads the list again about hourly.',
  ];
  return [
    `Models at ${providerHost} for this key, beside the catalog:`,
    '',
    line(columns.map((col) => col.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...body,
    '',
    ...notes,
  ].join('\n');
}

/** One line for the operator: what failed and what to check; never the key (errors carry none). */
export function modelsFailureLine(err: unknown, providerHost: string): string {
  const prefix = `npm run models: could not read the models at ${providerHost}`;
  if (err instanceof ApimartHttpError) {
    const status = effectiveStatus(err);
    if (status === 401 || status === 403) return `${prefix}: the key was refused (HTTP ${status}); check APIMART_API_KEY.`;
    if (status === 402) return `${prefix}: HTTP 402, the key's balance is exhausted; top it up at apimart.`;
    if (status === 404) return `${prefix}: HTTP 404, no model list there; check APIMART_BASE_URL.`;
    return `${prefix}: HTTP ${status}${err.type ? ` ${err.type}` : ''}; try again later.`;
  }
  if (err instanceof ApimartTimeoutError) return `${prefix}: no answer within ${Math.round(err.timeoutMs / 1000)} s.`;
  if (err instanceof ApimartNetworkError) return `${prefix}: network error (${err.causeCode ?? 'unknown'}); check APIMART_BASE_URL and the connection.`;
  if (err instanceof ApimartResponseShapeError) return `${prefix}: the answer is not a model list.`;
  return `${prefix}: ${err instanceof Error ? err.name : 'unknown error'}.`;
}
