/** Rules of the code's layout that the import checker (.dependency-cruiser.cjs) cannot see. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
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
  it('only core/config.ts reads the environment (and bin/loaban.js NODE_OPTIONS, Node\'s own, before anything starts)', () => {
    const launcher = readdirSync(path.join(projectRoot, 'src', 'bin')).filter((name) => name.endsWith('.js')).map((name) => path.join(projectRoot, 'src', 'bin', name));
    const readers = [...sources(path.join(projectRoot, 'src')), ...launcher]
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(projectRoot, file))
      .sort();
    expect(readers).toEqual(['src/bin/loaban.js', 'src/core/config.ts']);
    expect(readFileSync(path.join(projectRoot, 'src', 'bin', 'loaban.js'), 'utf8').match(/process\.env\.\w+/g)).toEqual(['process.env.NODE_OPTIONS']);
  });

  it('the conversation loads no content and keeps no setting of its own: the app gives it both', () => {
    const features = path.join(projectRoot, 'src', 'features');
    const chats = readdirSync(features).flatMap((f) => sources(path.join(features, f)).filter((file) => /\/chat[^/]*\.ts$/.test(file)));
    const conversation = [...sources(path.join(projectRoot, 'src', 'bot')), ...chats];
    expect(conversation.length).toBeGreaterThan(5);
    const loading = conversation.filter((file) => /\b(loadFaq|loadCampaigns|readFormats|defaultContentDir)\(|paths\.ts'/.test(readFileSync(file, 'utf8').replace(/^import type .*$/gm, '')));
    expect(loading.map((file) => path.relative(projectRoot, file))).toEqual([]);
  });

  it('the conversation, the dashboard pages, the commands and the app ask the slices, never the database', () => {
    const src = path.join(projectRoot, 'src');
    const askers = sources(src).filter((file) => {
      const rel = path.relative(src, file);
      return /^(bot|cli)\//.test(rel) || /^(app|housekeeping)\.ts$/.test(rel) || /^features\/[^/]+\/(chat(-[a-z-]+)?\.ts|web\/)/.test(rel);
    });
    expect(askers.length).toBeGreaterThan(20);
    const query = /\.(findMany|findFirst|findUnique|findFirstOrThrow|findUniqueOrThrow|createMany|updateMany|upsert|deleteMany|aggregate|groupBy)\(|\b(db|tx|prisma)\.[a-zA-Z]+\.(create|update|delete|count)\(|\$transaction|\$queryRaw|\$executeRaw/;
    const querying = askers.filter((file) => query.test(readFileSync(file, 'utf8'))).map((file) => path.relative(projectRoot, file));
    expect(querying).toEqual([]);
  });

  it('Vietnamese words live in locales/ and content/: no string in the code holds one (the product\'s name aside)', () => {
    // Letters only Vietnamese uses among the Latin scripts the code is written in: a word with one is Vietnamese.
    const vietnamese = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/iu;
    const found: string[] = [];
    for (const file of sources(path.join(projectRoot, 'src'))) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
          const words = node.text.replace(/Loa Bản/g, '').split(/[^\p{L}]+/u);
          if (words.some((w) => w.length > 1 && vietnamese.test(w))) found.push(`${path.relative(projectRoot, file)}: ${node.getText(source)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it('no module is over 350 lines, unless its opening comment says why', () => {
    const long = sources(path.join(projectRoot, 'src'))
      .map((file) => ({ file: path.relative(projectRoot, file), text: readFileSync(file, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 350 && !/longer than 350 lines because/i.test(text))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });
});
