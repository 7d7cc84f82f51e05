import { readFileSync } from 'node:fs';

/** The version in package.json, read once at start: what an operator compares with a release. */
export function readBotVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
