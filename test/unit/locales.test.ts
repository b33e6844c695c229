import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasKey } from '../../src/core/i18n.ts';
import { localesDir, projectRoot } from '../../src/core/paths.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function localeKeys(language: string): string[] {
  return readdirSync(path.join(localesDir, language))
    .flatMap((file) => keys(JSON.parse(readFileSync(path.join(localesDir, language, file), 'utf8'))).map((k) => `${file.replace('.json', '')}:${k}`))
    .sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name === 'generated' ? [] : sourceFiles(path.join(dir, d.name))) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

describe('locales', () => {
  it('Vietnamese and English have the same keys', () => {
    expect(localeKeys('en')).toEqual(localeKeys('vi'));
  });

  it('every literal key the code translates exists in Vietnamese', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(projectRoot, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z]+:)?([a-zA-Z0-9_.]+)'/g)) {
        used.add(`${match[1] ?? 'bot:'}${match[2]}`);
      }
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((key) => !hasKey(key))).toEqual([]);
  });
});
