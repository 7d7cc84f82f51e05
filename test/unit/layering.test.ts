import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import (type-only ones too) of every file, as paths under src/. */
const imports = sourceFiles(src).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)]
    .map((m) => ({ file: relative(src, file), target: relative(src, resolve(dirname(file), m[1]!)) }));
});

const crossing = (from: string, to: string) =>
  imports.filter((i) => i.file.startsWith(`${from}/`) && i.target.startsWith(`${to}/`)).map((i) => `${i.file} -> ${i.target}`);

describe('the layers of src', () => {
  it('src/commands never imports src/db, not even for types', () => {
    expect(crossing('commands', 'db')).toEqual([]);
  });

  it('src/db never imports src/services', () => {
    expect(crossing('db', 'services')).toEqual([]);
  });

  it('src/services never imports src/commands', () => {
    expect(crossing('services', 'commands')).toEqual([]);
  });

  it('every SQL statement lives in src/db', () => {
    const outside = sourceFiles(src)
      .filter((file) => !relative(src, file).startsWith('db/'))
      .filter((file) => /\.(prepare|pragma)\(|\bdb\.exec\(|\b(SELECT|INSERT|UPDATE|DELETE)\s+[\w*(]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(outside).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    const readers = sourceFiles(src)
      .filter((file) => /\bprocess\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(readers).toEqual(['config.ts']);
  });
});
