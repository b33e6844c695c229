/** Rules of the code's layout that the import checker (.dependency-cruiser.cjs) cannot see. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sources(full);
    return /\.ts$/.test(d.name) ? [full] : [];
  });
}

describe('the layout of src/', () => {
  it('only core/config.ts reads the environment', () => {
    const readers = sources(path.join(projectRoot, 'src'))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(projectRoot, file));
    expect(readers).toEqual(['src/core/config.ts']);
  });

  it('the conversation loads no content and keeps no setting of its own: the app gives it both', () => {
    const features = path.join(projectRoot, 'src', 'features');
    const chats = readdirSync(features).flatMap((f) => sources(path.join(features, f)).filter((file) => /\/chat[^/]*\.ts$/.test(file)));
    const conversation = [...sources(path.join(projectRoot, 'src', 'bot')), ...chats];
    expect(conversation.length).toBeGreaterThan(5);
    const loading = conversation.filter((file) => /\b(loadFaq|loadCampaigns|readFormats|defaultContentDir)\(|paths\.ts'/.test(readFileSync(file, 'utf8').replace(/^import type .*$/gm, '')));
    expect(loading.map((file) => path.relative(projectRoot, file))).toEqual([]);
  });

  it('no module is over 350 lines, unless its opening comment says why', () => {
    const long = sources(path.join(projectRoot, 'src'))
      .map((file) => ({ file: path.relative(projectRoot, file), text: readFileSync(file, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 350 && !/longer than 350 lines because/i.test(text))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });
});
