/**
 * The directory files as an operator edits them (`loaban directory list|confirm`): every hotline
 * and trusted address with its file and line, and the confirmation of a number the plans announce
 * but the province has not confirmed yet (`confirmed: false`). Confirming rewrites that one
 * field in place, keeping the file's comments and layout.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { YAMLMap } from 'yaml';
import { yaml } from '../../content/yaml.ts';
import { foldText } from '../../core/text/fold.ts';

export interface DirectoryLine {
  file: string;
  line: number;
  area: string;
  section: 'hotlines' | 'trustedAddresses';
  index: number;
  name: string;
  phone: string | null;
  confirmed: boolean;
}

const sections = ['hotlines', 'trustedAddresses'] as const;
const digits = (s: string) => s.replace(/\D/g, '');

function directoryFilesOf(contentDir: string): string[] {
  const dir = path.join(contentDir, 'directory');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every entry of every directory file (files that do not parse are skipped: `content validate` names them). */
export function listDirectory(contentDir: string): DirectoryLine[] {
  const out: DirectoryLine[] = [];
  for (const file of directoryFilesOf(contentDir)) {
    const { isMap, isSeq, LineCounter, parseDocument } = yaml();
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter });
    if (doc.errors.length > 0) continue;
    const area = String(doc.get('area') ?? '');
    for (const section of sections) {
      const list = doc.get(section);
      if (!isSeq(list)) continue;
      list.items.forEach((item, index) => {
        if (!isMap(item)) return;
        const map = item as YAMLMap;
        const phone = map.get('phone');
        out.push({
          file,
          line: counter.linePos(item.range?.[0] ?? 0).line,
          area,
          section,
          index,
          name: String(map.get('name') ?? ''),
          phone: phone === undefined || phone === null ? null : String(phone),
          confirmed: map.get('confirmed') !== false,
        });
      });
    }
  }
  return out;
}

/** The entries `query` names: by its digits when it has some ("1800 1769", "18001769"), else by words of the name. */
export function findDirectoryEntries(lines: readonly DirectoryLine[], query: string): DirectoryLine[] {
  const wanted = digits(query);
  if (wanted.length >= 3) return lines.filter((l) => l.phone !== null && digits(l.phone) === wanted);
  const words = foldText(query).split(' ').filter(Boolean);
  if (words.length === 0) return [];
  return lines.filter((l) => {
    const name = ` ${foldText(l.name)} `;
    return words.every((w) => name.includes(` ${w} `));
  });
}

/** Marks one entry confirmed in its file (the `confirmed` field becomes true, nothing else changes). */
export function confirmDirectoryEntry(entry: DirectoryLine): void {
  const doc = yaml().parseDocument(readFileSync(entry.file, 'utf8'));
  doc.setIn([entry.section, entry.index, 'confirmed'], true);
  writeFileSync(entry.file, doc.toString({ lineWidth: 0 }));
}
